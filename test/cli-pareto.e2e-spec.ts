/**
 * Multi-objective studies through the real binary: `tuneforge optimize --directions` of a module returning
 * `{ values, constraints }` into a SQLite file, then `best-trials` (the feasible Pareto front and its
 * hypervolume) and `studies` (the hypervolume of each multi-objective study).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bruteForceHypervolume, dominates2d } from './support/brute-force-hypervolume';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'tuneforge.js');
const TWO_OBJECTIVES = join(__dirname, 'fixtures', 'two-objectives.objective.ts');
const QUADRATIC = join(__dirname, 'fixtures', 'quadratic.objective.ts');

function tuneforge(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface StoredTrial {
  number: number;
  state: string;
  values: number[] | null;
  systemAttrs: Record<string, unknown>;
}

/** As the CLI prints numbers: 6 significant digits. */
const short = (x: number) => String(Number(x.toPrecision(6)));

describe('tuneforge best-trials and studies (multi-objective)', () => {
  let dir: string;
  let storage: string;
  let trials: StoredTrial[];
  let front: StoredTrial[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneforge-cli-pareto-'));
    storage = `sqlite:${join(dir, 'mo.db')}`;
    const run = tuneforge([
      'optimize',
      TWO_OBJECTIVES,
      '--directions',
      'minimize,minimize',
      '--sampler',
      'nsga2',
      '--sampler-options',
      '{"populationSize":4}',
      '--seed',
      '3',
      '--n-trials',
      '12',
      '--storage',
      storage,
      '--study-name',
      'mo',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    trials = JSON.parse(tuneforge(['trials', 'mo', '--storage', storage, '--format', 'json']).stdout);
    const feasible = trials.filter((t) => (t.systemAttrs.constraints as number[]).every((c) => c <= 0));
    front = feasible.filter((t) => !feasible.some((o) => dominates2d(o.values!, t.values!)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the constraints the module returned on each trial', () => {
    expect(trials).toHaveLength(12);
    for (const t of trials) {
      const [x, y] = [t.values![0], t.values![1] - 1 + Math.sqrt(t.values![0])];
      expect(t.state).toBe('COMPLETE');
      const [c0, c1] = t.systemAttrs.constraints as number[];
      expect(c0).toBeCloseTo(x + y - 1.2, 12);
      expect(c1).toBe(t.number % 4 === 0 ? 1 : -1);
    }
  });

  it('prints the feasible Pareto front as a table, with the count and the hypervolume for the default reference point', () => {
    const { code, stdout } = tuneforge(['best-trials', 'mo', '--storage', storage]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^number\s+state\s+values_0\s+values_1\s+params_x\s+params_y\s+datetime_start/);
    const rows = lines.slice(2, 2 + front.length);
    expect(rows.map((r) => Number(r.split(/\s+/)[0]))).toEqual(front.map((t) => t.number));
    expect(front.length).toBeGreaterThan(0);
    const column = (i: number) => trials.map((t) => t.values![i]);
    const ref = [0, 1].map(
      (i) => Math.max(...column(i)) + 0.1 * (Math.max(...column(i)) - Math.min(...column(i))),
    );
    const volume = bruteForceHypervolume(
      front.map((t) => t.values!),
      ref,
    );
    const infeasible =
      trials.length -
      trials.filter((t) => (t.systemAttrs.constraints as number[]).every((c) => c <= 0)).length;
    expect(infeasible).toBeGreaterThanOrEqual(3); // trials 0, 4 and 8
    expect(lines.slice(2 + front.length)).toEqual([
      '',
      `${front.length} trial${front.length === 1 ? '' : 's'} on the feasible Pareto front (minimize, minimize); ${infeasible} COMPLETE trials infeasible.`,
      `Hypervolume ${short(volume)} for the reference point [${ref.map(short).join(', ')}] (the default: the worst value of each objective over the COMPLETE trials, moved 10 % of its range further (1 when the range is 0)).`,
    ]);
  });

  it('measures from --ref, and prints json and csv without the summary', () => {
    const given = tuneforge(['best-trials', 'mo', '--storage', storage, '--ref', '1.5,2.5']);
    expect(given.code).toBe(0);
    const volume = bruteForceHypervolume(
      front.map((t) => t.values!),
      [1.5, 2.5],
    );
    expect(given.stdout).toContain(
      `Hypervolume ${short(volume)} for the reference point [1.5, 2.5] (given with --ref).`,
    );
    const json = JSON.parse(
      tuneforge(['best-trials', 'mo', '--storage', storage, '--format', 'json']).stdout,
    );
    expect(json.map((t: StoredTrial) => t.number)).toEqual(front.map((t) => t.number));
    const csv = tuneforge(['best-trials', 'mo', '--storage', storage, '--format', 'csv'])
      .stdout.trim()
      .split('\n');
    expect(csv).toHaveLength(1 + front.length);
  });

  it('shows the hypervolume of multi-objective studies in studies, and nothing more for single-objective ones', () => {
    expect(
      tuneforge(['optimize', QUADRATIC, '--n-trials', '2', '--storage', storage, '--study-name', 'single'])
        .code,
    ).toBe(0);
    const { code, stdout } = tuneforge(['studies', '--storage', storage]);
    expect(code).toBe(0);
    const best = tuneforge(['best-trials', 'mo', '--storage', storage]).stdout;
    const [, volume, ref] = /Hypervolume (\S+) for the reference point (\[[^\]]+\])/.exec(best)!;
    expect(stdout).toMatch(
      new RegExp(
        `^mo\\tminimize,minimize\\tcomplete 12\\thypervolume ${volume} at ${ref.replace(/[[\]]/g, '\\$&')}$`,
        'm',
      ),
    );
    expect(stdout).toMatch(/^single\tminimize\tcomplete 2$/m);
    expect(stdout).toMatch(
      /^Hypervolume: of the feasible Pareto front, from the reference point after "at": the worst value/m,
    );
  });

  it('stores the constraints alike with --sandbox', () => {
    const run = tuneforge([
      'optimize',
      TWO_OBJECTIVES,
      '--sandbox',
      '--directions',
      'minimize,minimize',
      '--n-trials',
      '2',
      '--storage',
      storage,
      '--study-name',
      'mo-sandbox',
    ]);
    expect(run.code).toBe(0);
    const stored: StoredTrial[] = JSON.parse(
      tuneforge(['trials', 'mo-sandbox', '--storage', storage, '--format', 'json']).stdout,
    );
    expect(stored.map((t) => (t.systemAttrs.constraints as number[])[1])).toEqual([1, -1]);
  });

  it.each([
    [
      ['best-trials', 'mo', '--ref', '1'],
      "tuneforge: --ref needs 2 numbers (one per objective of 'mo', in the order minimize, minimize), got 1.",
    ],
    [
      ['best-trials', 'mo', '--ref', '1,abc'],
      "tuneforge: --ref must be numbers separated by commas (e.g. 1,2.5), got '1,abc'.",
    ],
    [
      ['best-trials', 'mo', '--format', 'xml'],
      "tuneforge: --format must be one of table, csv, json, got 'xml'.",
    ],
    [
      ['best-trials', 'single'],
      "tuneforge: Study 'single' has one objective: print its best trial with tuneforge best-trial single.",
    ],
  ])('refuses %j with one line and exit code 2', (args, message) => {
    const { code, stdout, stderr } = tuneforge([...args, '--storage', storage]);
    expect([code, stderr, stdout]).toEqual([2, `${message}\n`, '']);
  });

  it.each([
    [
      ['--directions', 'minimize'],
      /--directions must be two or more of minimize, maximize separated by commas/,
    ],
    [['--directions', 'minimize,up'], /got 'minimize,up'/],
    [
      ['--direction', 'minimize', '--directions', 'minimize,maximize'],
      /Give --direction \(one objective\) or --directions \(several\), not both\./,
    ],
    [
      ['--directions', 'minimize,maximize', '--study-name', 'mo'],
      /^tuneforge: --directions minimize,maximize: .*Leave --directions out to continue it\.$/,
    ],
  ])('refuses optimize %j with one line and exit code 2', (flags, message) => {
    const { code, stderr } = tuneforge([
      'optimize',
      TWO_OBJECTIVES,
      '--n-trials',
      '1',
      '--storage',
      storage,
      ...flags,
    ]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });

  it('names a study that does not exist (exit 1)', () => {
    expect(tuneforge(['best-trials', 'nope', '--storage', storage])).toMatchObject({
      code: 1,
      stderr: `tuneforge: No study named 'nope'. \`tuneforge studies --storage ${storage}\` lists the studies there.\n`,
    });
  });
});
