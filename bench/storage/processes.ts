import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs a TypeScript script of this folder in a new node process (tsx as a loader) and returns its JSON line. */
export function runScript<T>(
  script: string,
  options: unknown,
  onReady?: () => void,
): { go(): void; result: Promise<T> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, script), JSON.stringify(options)],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const wasReady = stdout.includes('ready\n');
    stdout += chunk;
    if (!wasReady && stdout.includes('ready\n')) onReady?.();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<T>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as T);
      else reject(new Error(`${script} exited with ${signal ?? code}: ${stderr.trim().slice(-2000)}`));
    });
  });
  return { go: () => child.stdin.end('go\n'), result };
}

/** Starts `n` writers, releases them together once all are ready, and returns their results. */
export async function runTogether<T>(
  script: string,
  options: (i: number) => unknown,
  n: number,
): Promise<T[]> {
  let ready = 0;
  let release: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (release = resolve));
  const runs = Array.from({ length: n }, (_, i) =>
    runScript<T>(script, options(i), () => {
      if (++ready === n) release();
    }),
  );
  await Promise.race([allReady, Promise.all(runs.map((r) => r.result))]);
  for (const r of runs) r.go();
  return Promise.all(runs.map((r) => r.result));
}
