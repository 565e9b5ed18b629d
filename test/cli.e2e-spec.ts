import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'tuneforge.js');
const QUADRATIC = join(__dirname, 'fixtures', 'quadratic.objective.ts');

function tuneforge(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tuneforge CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneforge-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      ['optimize', QUADRATIC, '--n-trials', 'ten'],
      "tuneforge: --n-trials must be a positive integer, got 'ten'.",
    ],
    [
      ['optimize', QUADRATIC, '--n-trials', '3', '--sampler', 'magic'],
      /--sampler must be one of auto, random, grid, tpe, cmaes, qmc, gp, nsga2, nsga3, got 'magic'/,
    ],
    [['optimize', QUADRATIC, '--n-trials', '3', '--colour', 'red'], "tuneforge: unknown option '--colour'"],
    [['optimize', QUADRATIC], /Give --n-trials or --timeout/],
    [['optimize', 'missing.ts', '--n-trials', '3'], 'tuneforge: Objective module not found: missing.ts'],
    [
      ['optimize', join(__dirname, 'fixtures', 'no-export.objective.ts'), '--n-trials', '3'],
      /must export a function 'objective\(trial\)' \(found: notAnObjective\)/,
    ],
    [['optimize', '--builtin', 'moon', '--n-trials', '3'], /--builtin must be one of sphere5, .*got 'moon'/],
    [['optimize', '--command', 'python3 x.py', '--n-trials', '3'], /--command needs --space/],
    [
      [
        'optimize',
        '--command',
        'python3 nothere.py',
        '--space',
        '[{"name":"x","type":"float","low":0,"high":1}]',
        '--n-trials',
        '3',
      ],
      `tuneforge: --command: nothere.py does not exist in ${ROOT} (scripts are found from the folder tuneforge runs in).`,
    ],
    [
      ['optimize', QUADRATIC, '--n-trials', '3', '--space', '[{"name":"x","type":"float","low":0,"high":1}]'],
      'tuneforge: --space is the search space of --command; a module file defines its own: leave --space out.',
    ],
    [
      [
        'optimize',
        '--command',
        'python3 x.py',
        '--space',
        '[{"name":"x","type":"float","low":0,"high":1,"log":true}]',
        '--n-trials',
        '3',
      ],
      "tuneforge: --space: parameter 'x', field 'low': must be > 0 with log: true, got low=0",
    ],
    [
      ['optimize', QUADRATIC, '--n-trials', '3', '--storage', `sqlite:${join(__dirname, 'fixtures')}`],
      `tuneforge: --storage: ${join(__dirname, 'fixtures')} is a folder: name the database file, e.g. sqlite:${join(__dirname, 'fixtures', 'study.db')}.`,
    ],
    [['optimize', QUADRATIC, '--n-trials', '3', '--storage', 'mysql://x'], /mysql/],
    [['frobnicate'], "tuneforge: unknown command 'frobnicate'"],
    [
      ['optimize', QUADRATIC, '--n-trials', '3', '--sampler-options', '{"bogus":1}'],
      "tuneforge: --sampler-options: sampler 'auto': AutoSampler: unknown option 'bogus'; known options: seed, gpMaxTrials, categoricalShareForTpe, gpMaxInFlight, gpMaxObjectives",
    ],
    [
      [
        'optimize',
        QUADRATIC,
        '--n-trials',
        '3',
        '--sampler',
        'tpe',
        '--sampler-options',
        '{"nStartupTrial":1}',
      ],
      /^tuneforge: --sampler-options: sampler 'tpe': TpeSampler: unknown option 'nStartupTrial'; known options: seed, nStartupTrials, /,
    ],
    [
      ['optimize', QUADRATIC, '--n-trials', '3', '--pruner', 'median', '--pruner-options', '{"bogus":1}'],
      /^tuneforge: --pruner-options: pruner 'median': MedianPruner: unknown option 'bogus'/,
    ],
    [
      [
        'optimize',
        QUADRATIC,
        '--n-trials',
        '3',
        '--sampler',
        'tpe',
        '--sampler-options',
        '{"nStartupTrials":-1}',
      ],
      "tuneforge: sampler 'tpe': nStartupTrials must be an integer >= 0, got -1",
    ],
  ])('refuses %j with one line and exit code 2', (args, message) => {
    const { code, stderr } = tuneforge(args as string[]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    if (typeof message === 'string') expect(stderr.trim()).toBe(message);
    else expect(stderr).toMatch(message);
  });

  it('runs a module, prints one Optuna-style line per trial and the best trial, same seed same trials', () => {
    const run = () =>
      tuneforge(['optimize', QUADRATIC, '--n-trials', '12', '--seed', '4', '--sampler', 'tpe']);
    const first = run();
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n').filter((l) => l.includes('] Trial '));
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(
      /^\[I \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Trial 0 finished with value: [\d.e-]+ and parameters: \{"x": [-\d.e]+, "offset": [01]\}\. Best is trial 0 with value: [\d.e-]+\.$/,
    );
    expect(first.stdout).toMatch(/Best trial: \d+\n {2}value: [\d.e-]+\n {2}params: \{"x":/);
    const strip = (out: string) => out.replace(/\[I [^\]]+\]/g, '').replace(/study-[0-9a-f-]+/, 'study');
    expect(strip(run().stdout)).toBe(strip(first.stdout));
  });

  it('continues a SQLite study by name and reads it back with the study commands', () => {
    const storage = `sqlite:${join(dir, 'resume.db')}`;
    const common = ['--storage', storage, '--study-name', 'demo', '--sampler', 'random', '--seed', '1'];
    expect(tuneforge(['optimize', QUADRATIC, '--n-trials', '4', ...common]).stdout).toMatch(
      /Created study 'demo'/,
    );
    const again = tuneforge(['optimize', QUADRATIC, '--n-trials', '3', ...common]);
    expect(again.stdout).toMatch(/Continuing study 'demo' \(4 trials so far\)/);
    expect(again.stdout).toMatch(/Trial 6 finished/);
    expect(tuneforge(['studies', '--storage', storage]).stdout).toMatch(/^demo\tminimize\tcomplete 7$/m);
    const csv = tuneforge(['trials', 'demo', '--storage', storage, '--format', 'csv'])
      .stdout.trim()
      .split('\n');
    expect(csv[0]).toBe('number,state,value,params_x,params_offset,datetime_start,datetime_complete');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const best = JSON.parse(tuneforge(['best-trial', 'demo', '--storage', storage]).stdout);
    expect(best.state).toBe('COMPLETE');
    expect(tuneforge(['delete-study', 'demo', '--storage', storage]).stdout).toMatch(/Deleted study 'demo'/);
    expect(tuneforge(['best-trial', 'demo', '--storage', storage])).toMatchObject({
      code: 1,
      stderr: `tuneforge: No study named 'demo'. \`tuneforge studies --storage ${storage}\` lists the studies there.\n`,
    });
  });

  it('resumes after SIGKILL with no lost or duplicated trial numbers', async () => {
    const storage = `sqlite:${join(dir, 'killed.db')}`;
    const args = [
      BIN,
      'optimize',
      QUADRATIC,
      '--n-trials',
      '500',
      '--storage',
      storage,
      '--study-name',
      'k',
      '--sampler',
      'random',
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, TUNEFORGE_TEST_DELAY_MS: '20' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if ((out.match(/\] Trial /g) ?? []).length >= 15) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const resumed = tuneforge([
      'optimize',
      QUADRATIC,
      '--n-trials',
      '5',
      '--storage',
      storage,
      '--study-name',
      'k',
      '--sampler',
      'random',
    ]);
    expect(resumed.code).toBe(0);
    const trials = JSON.parse(
      tuneforge(['trials', 'k', '--storage', storage, '--format', 'json']).stdout,
    ) as Array<{ number: number; state: string }>;
    const numbers = trials.map((t) => t.number);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
    // The trial the kill interrupted stays RUNNING (no heartbeat in embedded mode); everything else finished.
    expect(trials.filter((t) => t.state === 'RUNNING').length).toBeLessThanOrEqual(1);
    expect(trials.filter((t) => t.state === 'COMPLETE').length).toBeGreaterThanOrEqual(20);
  });
});
