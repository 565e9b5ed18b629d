/**
 * Every example runs as its documentation says, so the docs and the examples cannot drift apart:
 *
 * - every study definition under examples/studies/*.json (read from the folder: a new file is covered
 *   without touching this test) is POSTed to a platform started as examples/studies/README.md says (the
 *   objectives of examples/objectives registered, as `npm run platform` does) and must end COMPLETED with
 *   COMPLETE trials and no FAIL;
 * - every tuneforge command of README.md's code blocks (and `npm run demo`, the script of package.json it
 *   names) runs through the real binary, in the README's order, and must exit 0 with the output of its
 *   sub-command.
 *
 * Short budgets, the only changes made to what the docs say:
 * - a study definition keeps everything but `budget.nTrials`, lowered to max(6, maxParallel) (one
 *   CMA-ES generation, the pruner's start-up trials) when it is larger;
 * - a command's `--n-trials <n>` becomes `--n-trials 3`.
 * Commands run with `sh` in a scratch folder holding links to the repository's bin/ and examples/, so the
 * relative paths of the docs work and what they write (sqlite:digits.db, the demo's report) lands there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const STUDIES = join(ROOT, 'examples', 'studies');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Trials of an example study in this test (see the header). */
function shortBudget(budget: { nTrials: number; maxParallel?: number }): number {
  return Math.min(budget.nTrials, Math.max(6, budget.maxParallel ?? 1));
}

const studyFiles = readdirSync(STUDIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('examples/studies: every definition runs on the platform', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({
      workers: 2,
      env: { TUNEFORGE_OBJECTIVES_DIR: join(ROOT, 'examples', 'objectives') },
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('finds the definitions, and examples/studies/README.md lists each of them', () => {
    expect(studyFiles.length).toBeGreaterThanOrEqual(5);
    const listed = [
      ...readFileSync(join(STUDIES, 'README.md'), 'utf8').matchAll(/^\| `([^`]+\.json)` \|/gm),
    ].map((m) => m[1]);
    expect([...listed].sort()).toEqual(studyFiles);
  });

  it.each(studyFiles)('%s: created, then COMPLETED with COMPLETE trials and no FAIL', async (file) => {
    const definition = JSON.parse(readFileSync(join(STUDIES, file), 'utf8'));
    const nTrials = shortBudget(definition.budget);
    const created = await platform.request('/studies', {
      body: { ...definition, budget: { ...definition.budget, nTrials } },
    });
    expect({ status: created.status, body: created.body }).toMatchObject({
      status: 201,
      body: { name: definition.name },
    });
    const study = await waitForStudy(platform, created.body.id, 90_000);
    expect(study.state).toBe('COMPLETED');
    expect(study.counts.FAIL).toBe(0);
    expect(study.counts.COMPLETE).toBeGreaterThan(0);
    expect(study.counts.COMPLETE + study.counts.PRUNED).toBe(nTrials);
  });
});

/** A shell command of the docs, with the sub-command it runs. */
interface DocCommand {
  /** As written in README.md (continuation lines joined). */
  written: string;
  /** What runs: `npx tuneforge` as `node bin/tuneforge.js`, `npm run demo` as its script, short budgets. */
  run: string;
  subcommand: string;
}

/** The tuneforge commands of README.md's bash/sh code blocks, in order. */
function readmeCommands(): DocCommand[] {
  const demo = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as any).scripts.demo as string;
  const commands: DocCommand[] = [];
  for (const block of README.matchAll(/^```(?:bash|sh)\n([\s\S]*?)^```/gm)) {
    const lines = block[1].replace(/\\\n\s*/g, '').split('\n');
    for (const line of lines) {
      // Each `&&`-separated command of a line, without its trailing comment.
      for (const part of line.replace(/\s+#.*$/, '').split('&&')) {
        const written = part.trim();
        let run: string;
        if (/^npx tuneforge\s/.test(written))
          run = written.replace(/^npx tuneforge/, 'node bin/tuneforge.js');
        else if (/^node bin\/tuneforge\.js\s/.test(written)) run = written;
        else if (written === 'npm run demo') run = demo;
        else continue;
        run = run.replace(/--n-trials\s+\d+/, '--n-trials 3');
        commands.push({ written, run, subcommand: run.split(/\s+/)[2] });
      }
    }
  }
  return commands;
}

/** What each sub-command prints when it works. */
const EXPECTED: Record<string, (stdout: string, command: DocCommand, cwd: string) => void> = {
  optimize(stdout, command, cwd) {
    expect(stdout).toMatch(/^Created study '[^']+' (in memory \(|in the SQLite file )/);
    expect(stdout).toMatch(/\] Trial 0 (finished|pruned|failed) /);
    if (/--directions\s+\S+,/.test(command.run)) expect(stdout).toMatch(/^Pareto front: trials \d+/m);
    else expect(stdout).toMatch(/^Best trial: \d+\n {2}value: [\d.e-]+\n {2}params: \{/m);
    const report = /--report\s+(\S+)/.exec(command.run)?.[1];
    if (report) {
      expect(stdout).toContain(`Report: ${join(cwd, report)}\n`);
      expect(existsSync(join(cwd, report))).toBe(true);
    }
  },
  studies(stdout) {
    const rows = stdout.trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^[^\t]+\t(minimize|maximize)\t(complete|pruned|fail)/);
  },
  trials(stdout, command) {
    const format = /--format\s+(\w+)/.exec(command.run)?.[1] ?? 'table';
    if (format === 'csv') expect(stdout).toMatch(/^number,state,value,params_/);
    else if (format === 'json') expect(JSON.parse(stdout).length).toBeGreaterThan(0);
    else expect(stdout).toMatch(/COMPLETE/);
  },
  'best-trial'(stdout) {
    expect(JSON.parse(stdout)).toMatchObject({ state: 'COMPLETE' });
  },
  'best-trials'(stdout) {
    expect(stdout).toMatch(/^\d+ trials? on the feasible Pareto front /m);
    expect(stdout).toMatch(/^Hypervolume [\d.e+-]+ for the reference point \[/m);
  },
  'delete-study'(stdout) {
    expect(stdout).toMatch(/^Deleted study '[^']+'\.\n$/);
  },
};

describe("README.md's CLI examples, through the real binary", () => {
  const commands = readmeCommands();
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'tuneforge-readme-'));
    for (const folder of ['bin', 'examples']) symlinkSync(join(ROOT, folder), join(cwd, folder));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('finds the demo and the CLI commands of every documented sub-command', () => {
    expect(commands.map((c) => c.written)).toContain('npm run demo');
    expect(new Set(commands.map((c) => c.subcommand))).toEqual(
      new Set(['optimize', 'studies', 'trials', 'best-trial', 'best-trials', 'delete-study']),
    );
  });

  it.each(commands.map((c) => [c.written, c] as const))('%s', (_written, command) => {
    const expectOutput = EXPECTED[command.subcommand];
    if (!expectOutput) throw new Error(`no expected output for '${command.subcommand}': add it to EXPECTED`);
    const r = spawnSync('sh', ['-c', command.run], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expectOutput(r.stdout, command, cwd);
  });
});
