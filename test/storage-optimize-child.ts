/**
 * A worker process of the storage e2e tests: opens a storage URL, joins (or creates) a study with
 * loadIfExists, enqueues a few fixed trials, says `ready` on stdout, waits for `go` on stdin (when
 * asked to), runs `optimize` on (x - 2)^2 with a RandomSampler, and prints `{"done": n}`.
 *
 *   tsx test/storage-optimize-child.ts '{"url":"sqlite:/tmp/s.db","studyName":"s","nTrials":250,"seed":1}'
 */
import { createStudy, RandomSampler, type Trial } from '@tuneforge/core';
import { openStorage } from '@tuneforge/storage';

export interface ChildOptions {
  url: string;
  studyName: string;
  nTrials: number;
  seed: number;
  /** x values to enqueue before starting. */
  enqueue?: number[];
  /** Wait for a `go` line on stdin before optimizing, so that all children start together. */
  waitForGo?: boolean;
  /** Milliseconds each objective call waits, to make a run last. */
  delayMs?: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as ChildOptions;
  const storage = await openStorage(options.url);
  try {
    const study = await createStudy({
      storage,
      studyName: options.studyName,
      loadIfExists: true,
      sampler: new RandomSampler({ seed: options.seed }),
    });
    for (const x of options.enqueue ?? []) await study.enqueueTrial({ x });
    process.stdout.write('ready\n');
    if (options.waitForGo) await goSignal();
    let done = 0;
    await study.optimize(
      async (trial: Trial) => {
        const x = trial.suggestFloat('x', -10, 10);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        return (x - 2) ** 2;
      },
      { nTrials: options.nTrials, callbacks: [() => void done++] },
    );
    process.stdout.write(`${JSON.stringify({ done })}\n`);
  } finally {
    await storage.close();
  }
}

function goSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes('go')) {
        process.stdin.pause();
        resolve();
      }
    });
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
