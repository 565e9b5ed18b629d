/**
 * Module objectives on real child processes: define-by-run over IPC gives the same trials as in-process
 * for the same seed, and a module that hangs, crashes, throws or blows its heap ends FAIL while the
 * parent goes on.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createStudy,
  MedianPruner,
  parseSearchSpace,
  RandomSampler,
  suggestFromSpace,
  type FrozenTrial,
  type Objective,
} from '@tuneforge/core';
import {
  moduleObjective,
  ObjectiveFailedError,
  runModuleTrial,
  type ModuleOutcome,
  type ModuleSpec,
} from './index';
import { objective as conditionalObjective } from '../../../examples/conditional/conditional-objective';

jest.setTimeout(30_000);

const CONDITIONAL = resolve(__dirname, '../../../examples/conditional/conditional-objective.ts');

let dir: string;
const modules: Record<string, string> = {
  'hang.js': 'exports.objective = () => { for (;;) {} };',
  'crash.cjs':
    'exports.objective = (trial) => { trial.suggestFloat("x", 0, 1); console.error("segfault-ish"); process.exit(3); };',
  'throws.mjs':
    'export function objective(trial) { trial.suggestFloat("x", 0, 1); throw new RangeError("diverged at epoch 3"); }',
  'heap.js':
    'exports.objective = () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); };',
  // Yields between lines, like a training loop: a loop that never yields cannot flush stdout at all (and
  // is caught by the wall-time limit instead).
  'noisy.js':
    'exports.objective = async () => { for (;;) { console.log("x".repeat(1000)); await new Promise((r) => setImmediate(r)); } };',
  'exits-early.js': 'exports.objective = () => { process.exit(0); };',
  'no-export.js': 'exports.notAnObjective = 1;',
  'syntax.ts': 'export function objective( {',
  'conflict.js':
    'exports.objective = (trial) => { trial.suggestFloat("x", 0, 1); return trial.suggestInt("x", 0, 10); };',
  'returns-text.js': 'exports.objective = () => "not a number";',
  'returns-nothing.js': 'exports.objective = () => {};',
  'non-finite.js':
    'exports.objective = async (trial) => { await trial.report(-Infinity, 0); return [NaN, Infinity]; };',
  'default.mjs': 'export default async function (trial) { return trial.suggestInt("n", 1, 3) * 2; }',
  'typed.mts':
    'export const objective = (trial: { suggestInt(n: string, l: number, h: number): number }): number => trial.suggestInt("n", 1, 3);',
  // A "type": "module" package: .js and .ts files there are ES modules.
  'esm/package.json': '{ "type": "module" }',
  'esm/plain.js': 'export const objective = (trial) => trial.suggestInt("n", 1, 3);',
  'esm/typed.ts':
    'export const objective = (trial: { suggestInt(n: string, l: number, h: number): number }): number => trial.suggestInt("n", 1, 3);',
  'env.js': `exports.objective = async (trial) => {
    await trial.setUserAttr("names", Object.keys(process.env).sort());
    await trial.setUserAttr("cwd", process.cwd());
    return 0;
  };`,
  // Its own TrialPruned: the runner matches the name, so no import is needed.
  'prunes.ts': `class TrialPruned extends Error { constructor(m: string) { super(m); this.name = 'TrialPruned'; } }
  export async function objective(trial: { suggestFloat(n: string, l: number, h: number): number; report(v: number, s: number): Promise<void>; shouldPrune(): boolean; paramsSoFar: object }) {
    const x = trial.suggestFloat('x', 0, 1);
    for (let step = 0; step < 5; step++) {
      await trial.report(x + step, step);
      if (trial.shouldPrune()) throw new TrialPruned('stopped at ' + step + ' with ' + JSON.stringify(trial.paramsSoFar));
    }
    return x;
  }`,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tuneforge-module-int-'));
  mkdirSync(join(dir, 'esm'));
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(dir, name), source);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(name: string, limits: ModuleSpec['limits'] = {}): ModuleSpec {
  return { path: join(dir, name), limits: { wallTimeMs: 10_000, killGraceMs: 500, ...limits } };
}

/** Runs one trial of `name` against a fresh study's trial and returns the outcome and the stored trial. */
async function runOnce(
  name: string,
  limits: ModuleSpec['limits'] = {},
): Promise<{ outcome: ModuleOutcome; trial: FrozenTrial }> {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
  const trial = await study.ask();
  const outcome = await runModuleTrial({ spec: spec(name, limits), trial, workdirRoot: dir });
  await trial.flush();
  return { outcome, trial: trial.snapshot() };
}

function expectFail(outcome: ModuleOutcome, kind: string, reason: RegExp): void {
  expect(outcome).toMatchObject({ state: 'FAIL', kind });
  if (outcome.state === 'FAIL') expect(outcome.reason).toMatch(reason);
}

function summary(trials: readonly FrozenTrial[]) {
  return trials.map((t) => ({
    state: t.state,
    params: t.params,
    distributions: t.distributions,
    values: t.values,
    intermediateValues: t.intermediateValues,
    userAttrs: t.userAttrs,
  }));
}

describe('module objectives: define-by-run over IPC', () => {
  it('gives the same trials for the same seed as the same objective run in-process', async () => {
    const run = async (objective: Objective) => {
      const study = await createStudy({
        sampler: new RandomSampler({ seed: 1 }),
        pruner: new MedianPruner({ nStartupTrials: 3 }),
      });
      await study.optimize(objective, { nTrials: 8 });
      return study.trials;
    };
    const inProcess = await run(conditionalObjective);
    const sandboxed = await run(moduleObjective(CONDITIONAL, { workdirRoot: dir }));
    expect(summary(sandboxed)).toEqual(summary(inProcess));
    // The run exercised the conditional space and the pruner, not a trivial path.
    expect(new Set(inProcess.map((t) => t.params.model))).toEqual(new Set(['linear', 'tree', 'mlp']));
    expect(inProcess.some((t) => 'units_l1' in t.params)).toBe(true);
    expect(inProcess.some((t) => t.state === 'PRUNED')).toBe(true);
    expect(inProcess.some((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it("matches the example's declarative space: the same seed gives the same parameters", async () => {
    const space = parseSearchSpace(
      JSON.parse(readFileSync(resolve(__dirname, '../../../examples/conditional/space.json'), 'utf8')),
    );
    const params = async (objective: Objective) => {
      const study = await createStudy({
        sampler: new RandomSampler({ seed: 3 }),
        pruner: new MedianPruner({ nStartupTrials: 100 }),
      });
      await study.optimize(objective, { nTrials: 30 });
      return study.trials.map((t) => [t.params, t.distributions]);
    };
    expect(
      await params((trial) => {
        suggestFromSpace(trial, space);
        return 0;
      }),
    ).toEqual(await params(conditionalObjective));
  });

  it('lets the module end its trial PRUNED with a TrialPruned of its own', async () => {
    const study = await createStudy({
      sampler: new RandomSampler({ seed: 2 }),
      pruner: new MedianPruner({ nStartupTrials: 2 }),
    });
    await study.optimize(moduleObjective(spec('prunes.ts'), { workdirRoot: dir }), { nTrials: 8 });
    const pruned = study.trials.filter((t) => t.state === 'PRUNED');
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) expect(Object.keys(t.intermediateValues).length).toBeLessThan(5);
  });

  it('loads CommonJS and ES modules, in JavaScript and TypeScript, and passes NaN and Infinity through', async () => {
    for (const name of ['default.mjs', 'typed.mts', 'esm/plain.js', 'esm/typed.ts']) {
      expect((await runOnce(name)).outcome).toMatchObject({ state: 'COMPLETE' });
    }
    const { outcome, trial } = await runOnce('non-finite.js');
    expect(outcome).toMatchObject({ state: 'COMPLETE', value: [Number.NaN, Infinity] });
    expect(trial.intermediateValues).toEqual({ 0: -Infinity });
  });

  it("keeps the server's secrets out of the module's environment and runs it in a fresh folder", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      DATABASE_URL: 'postgres://x',
      REDIS_URL: 'redis://x',
      TUNEFORGE_API_TOKEN: 't',
    });
    try {
      const { outcome, trial } = await runOnce('env.js');
      expect(outcome.state).toBe('COMPLETE');
      const names = trial.userAttrs.names as string[];
      for (const secret of ['DATABASE_URL', 'REDIS_URL', 'TUNEFORGE_API_TOKEN', 'NODE_OPTIONS'])
        expect(names).not.toContain(secret);
      expect(names).toEqual(expect.arrayContaining(['PATH', 'TUNEFORGE_TRIAL_NUMBER', 'TUNEFORGE_STUDY']));
      expect(String(trial.userAttrs.cwd)).toContain(join(dir, 'tuneforge-trial-0-'));
    } finally {
      process.env = saved;
    }
  });
});

describe('module objectives: failures end FAIL, and the parent keeps serving', () => {
  afterEach(async () => {
    expect((await runOnce('default.mjs')).outcome.state).toBe('COMPLETE');
  });

  it('a hung module, over the wall-time limit', async () => {
    const started = Date.now();
    expectFail(
      (await runOnce('hang.js', { wallTimeMs: 1500 })).outcome,
      'wall-time',
      /wall-time limit of 1.5 s exceeded/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a heap blow-up, over the heap cap', async () => {
    expectFail((await runOnce('heap.js', { heapMb: 48 })).outcome, 'memory', /heap limit of 48 MiB exceeded/);
  });

  it('a crash, with the exit code and the stderr tail', async () => {
    const { outcome, trial } = await runOnce('crash.cjs');
    expectFail(outcome, 'exit', /exited with code 3; stderr tail:\nsegfault-ish/);
    expect(Object.keys(trial.params)).toEqual(['x']);
  });

  it("the objective's own error, with its message as the reason", async () => {
    const { outcome } = await runOnce('throws.mjs');
    expectFail(outcome, 'objective', /^diverged at epoch 3$/);
    expect(outcome.state === 'FAIL' && outcome.errorName).toBe('RangeError');
  });

  it("the study's own errors, raised in the child as in-process", async () => {
    const { outcome } = await runOnce('conflict.js');
    expectFail(outcome, 'objective', /Parameter 'x' was suggested as float\(low=0, high=1\) and now as int/);
    expect(outcome.state === 'FAIL' && outcome.errorName).toBe('DistributionConflictError');
  });

  it('a module flooding its output, over the output limit', async () => {
    expectFail(
      (await runOnce('noisy.js', { outputBytes: 256 * 1024 })).outcome,
      'output',
      /output limit of 256 KiB exceeded/,
    );
  });

  it('a module that exits before returning', async () => {
    expectFail(
      (await runOnce('exits-early.js')).outcome,
      'no-result',
      /exited with code 0 before its objective returned/,
    );
  });

  it('a module without an objective, or that does not compile', async () => {
    expectFail((await runOnce('no-export.js')).outcome, 'spawn', /exports no objective function/);
    expectFail((await runOnce('syntax.ts')).outcome, 'spawn', /could not load .*syntax\.ts/);
  });

  it('a value that is not a number', async () => {
    expectFail(
      (await runOnce('returns-text.js')).outcome,
      'objective',
      /returned "not a number", which is not a number/,
    );
    expectFail(
      (await runOnce('returns-nothing.js')).outcome,
      'objective',
      /returned undefined, which is not a number/,
    );
  });

  it('through a study: FAILs are recorded with their reason and the study goes on', async () => {
    const study = await createStudy();
    await study.optimize(moduleObjective(spec('throws.mjs'), { workdirRoot: dir }), {
      nTrials: 2,
      catch: [ObjectiveFailedError],
    });
    expect(study.trials.map((t) => [t.state, t.systemAttrs.fail_reason])).toEqual([
      ['FAIL', 'diverged at epoch 3'],
      ['FAIL', 'diverged at epoch 3'],
    ]);
  });
});
