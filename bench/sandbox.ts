/**
 * Sandbox overhead: the wall time of one trial of a trivial objective, spawn → result, through the command
 * runner and the module runner, next to a bare `child_process.spawn` of the same program (what any runner
 * must pay), run alternately with it so that both see the same machine load. Trials run one after the other;
 * the figures are the median and p90 over `--trials` runs, after 3 warm-up runs.
 *
 *   npm run bench:sandbox [-- --trials 50 --markdown]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudy, parseSearchSpace, RandomSampler, type Study, type Trial } from '@tuneforge/core';
import {
  commandObjective,
  moduleObjective,
  probeSandbox,
  runCommandTrial,
  runModuleTrial,
  type CommandSpec,
  type ModuleSpec,
} from '@tuneforge/sandbox';
import { parseArgs } from './lib/args';
import { median } from './lib/stats';
import { fmt, renderMarkdown, renderTable } from './lib/table';

const WARMUP = 3;
const TRIVIAL_SH = ['sh', '-c', 'echo tuneforge:result value=1'];

interface Scenario {
  name: string;
  /** One trial. */
  once(): Promise<unknown>;
  /**
   * The bare spawn of the same program: run alternately with the scenario, so that both see the same load
   * (the bench machine is shared) and the overhead is the median of paired differences.
   */
  baseline: () => Promise<unknown>;
  /** Called once before the runs (e.g. a study to ask trials from). */
  setUp?(): Promise<void>;
}

function percentile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function timeOnce(once: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await once();
  return performance.now() - t0;
}

/** Spawns and waits for the exit, reading stdout: the floor under any runner. */
function bareSpawn(argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

async function expectComplete(outcome: Promise<{ state: string }>): Promise<void> {
  const o = await outcome;
  if (o.state !== 'COMPLETE') throw new Error(`bench trial ended ${o.state}: ${JSON.stringify(o)}`);
}

function scenarios(dir: string): Scenario[] {
  const jsModule = join(dir, 'trivial.js');
  const tsModule = join(dir, 'trivial.ts');
  writeFileSync(jsModule, 'exports.objective = (trial) => trial.suggestFloat("x", 0, 1);\n');
  writeFileSync(
    tsModule,
    'export function objective(trial: { suggestFloat(n: string, l: number, h: number): number }): number {\n' +
      '  return trial.suggestFloat("x", 0, 1) + trial.suggestFloat("y", 0, 1);\n}\n',
  );
  const command = (spec: CommandSpec) => () =>
    expectComplete(
      runCommandTrial({ spec, params: { x: 0.5 }, trialNumber: 0, studyName: 'bench', workdirRoot: dir }),
    );
  const space = parseSearchSpace([{ name: 'x', type: 'float', low: 0, high: 1 }]);
  const sh = () => bareSpawn(TRIVIAL_SH);
  const node = () => bareSpawn([process.execPath, '-e', '0']);

  // Trials asked from and told to an in-memory study, as `optimize` does.
  let study: Study;
  const freshStudy = async () => {
    study = await createStudy({ sampler: new RandomSampler({ seed: 0 }) });
  };
  const inStudy = (objective: (trial: Trial) => unknown) => async () => {
    const trial = await study.ask();
    await study.tell(trial, (await objective(trial)) as number);
  };
  const moduleRun = (spec: ModuleSpec) => async () => {
    const trial = await study.ask();
    await expectComplete(runModuleTrial({ spec, trial, workdirRoot: dir }));
    await study.tell(trial, 0);
  };
  return [
    { name: 'runCommandTrial: sh -c echo', baseline: sh, once: command({ argv: TRIVIAL_SH }) },
    {
      name: 'runCommandTrial: sh -c echo, memory limit (prlimit)',
      baseline: sh,
      once: command({ argv: TRIVIAL_SH, limits: { memoryMb: 512 } }),
    },
    {
      name: 'commandObjective in a study: sh -c echo',
      baseline: sh,
      setUp: freshStudy,
      once: inStudy(commandObjective({ argv: TRIVIAL_SH }, { space, studyName: 'bench', workdirRoot: dir })),
    },
    {
      name: 'runCommandTrial: python3 -c print',
      baseline: () => bareSpawn(['python3', '-c', 'print(1)']),
      once: command({ argv: ['python3', '-c', 'print("tuneforge:result value=1")'] }),
    },
    {
      name: 'runModuleTrial: .js module, 1 suggest',
      baseline: node,
      setUp: freshStudy,
      once: moduleRun({ path: jsModule }),
    },
    {
      name: 'runModuleTrial: .ts module, 2 suggests',
      baseline: node,
      setUp: freshStudy,
      once: moduleRun({ path: tsModule }),
    },
    {
      name: 'moduleObjective in a study: .ts module',
      baseline: node,
      setUp: freshStudy,
      once: inStudy(moduleObjective(tsModule, { workdirRoot: dir })),
    },
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const trials = Number(args.get('trials') ?? 50);
  if (!Number.isInteger(trials) || trials < 1)
    throw new Error(`--trials must be an integer >= 1, got ${args.get('trials')}`);
  const dir = mkdtempSync(join(tmpdir(), 'tuneforge-bench-sandbox-'));
  const capabilities = await probeSandbox();
  try {
    const rows: string[][] = [];
    for (const sc of scenarios(dir)) {
      await sc.setUp?.();
      for (let i = 0; i < WARMUP; i++) await sc.once();
      const times: number[] = [];
      const bare: number[] = [];
      const diffs: number[] = [];
      for (let i = 0; i < trials; i++) {
        const t = await timeOnce(sc.once);
        const b = await timeOnce(sc.baseline);
        times.push(t);
        bare.push(b);
        diffs.push(t - b);
      }
      const signed = (v: number) => (v >= 0 ? `+${fmt(v)}` : fmt(v));
      rows.push([
        sc.name,
        fmt(median(times)),
        fmt(percentile(times, 0.9)),
        fmt(median(bare)),
        signed(median(diffs)),
      ]);
      process.stderr.write(`${sc.name}: median ${fmt(median(times))} ms\n`);
    }
    const headers = [
      'scenario (one trial, spawn → result)',
      'median ms',
      'p90 ms',
      'bare spawn median ms',
      'overhead ms (median of paired differences)',
    ];
    const machine =
      `${trials} trials each after ${WARMUP} warm-up; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ` +
      `memory limiter: ${capabilities.memoryLimiter ?? 'none'}`;
    console.log(args.has('markdown') ? renderMarkdown(headers, rows) : renderTable(headers, rows));
    console.log(`\n${machine}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
