/**
 * The CLI's edges, through the real binary (issue 11 items 7 and 8): one exit rule for a study in which
 * nothing completed, load errors that say where, continued studies that keep their direction, the
 * default sampler, the first line of a run, and no file or folder that the command was not asked for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskPassword } from '@tuneforge/storage';
import { freshPostgresDatabase } from '../libs/storage/src/testing/fresh-database';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'tuneforge.js');

/** Runs `tuneforge …` in `cwd`. */
function tuneforge(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file and folder under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tuneforge-cli-edges-'));
  writeFileSync(
    join(dir, 'throws.ts'),
    `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  trial.suggestFloat('x', 0, 1);
  throw new Error('boom');
}
`,
  );
  writeFileSync(
    join(dir, 'branin.ts'),
    `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  const x = trial.suggestFloat('x', -5, 10);
  return (x - 2) ** 2;
}
`,
  );
  writeFileSync(
    join(dir, 'syntax.ts'),
    `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  return trial.suggestFloat('x', 0, 1) +;
}
`,
  );
  // In a folder of its own: tsx would load a .ts sibling of the same name instead.
  mkdirSync(join(dir, 'js'));
  writeFileSync(
    join(dir, 'js', 'syntax.js'),
    `exports.objective = function (t) {
  return t.suggestFloat('x', 0, 1) +;
};
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh empty folder to run a command in, so that whatever it writes shows. */
function emptyFolder(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  return folder;
}

describe('optimize: a run in which no trial completed fails, one rule with or without --sandbox', () => {
  it.each([[[]], [['--sandbox']]])('a module that throws stops the study: exit 1 (%j)', (extra) => {
    const r = tuneforge(dir, ['optimize', 'throws.ts', '--n-trials', '3', ...extra]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'tuneforge: The objective failed: boom (pass --continue-on-error to keep going).\n',
    );
    expect(r.stdout).toMatch(
      /\] Trial 0 failed with parameters: \{"x": [\d.e-]+\} because of the following error: boom\n$/,
    );
  });

  it.each([[[]], [['--sandbox']]])(
    'with --continue-on-error every trial runs, and none completing is still exit 1 (%j)',
    (extra) => {
      const r = tuneforge(dir, ['optimize', 'throws.ts', '--n-trials', '3', '--continue-on-error', ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('tuneforge: No trial completed: all 3 trials failed (last error: boom).\n');
      expect(r.stdout.match(/\] Trial \d failed /g)).toHaveLength(3);
      expect(r.stdout).not.toMatch(/Best trial/);
    },
  );

  it('a command objective whose every run fails ends the same way', () => {
    const space = JSON.stringify([{ name: 'x', type: 'float', low: 0, high: 1 }]);
    const r = tuneforge(dir, [
      'optimize',
      '--command',
      'sh -c "exit 3"',
      '--space',
      space,
      '--n-trials',
      '2',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tuneforge: No trial completed: all 2 trials failed \(last error: .*3.*\)\.\n$/,
    );
  });
});

describe('optimize: an error that escapes the objective', () => {
  it('is one line and exit 1, not a stack trace', () => {
    writeFileSync(
      join(dir, 'stray.ts'),
      `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  setTimeout(() => { throw new Error('late boom'); }, 0);
  return trial.suggestFloat('x', 0, 1);
}
`,
    );
    const run = tuneforge(dir, ['optimize', 'stray.ts', '--n-trials', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'tuneforge: an error escaped the objective (a promise it did not await, or a timer): late boom\n',
    );
  });
});

describe('optimize: flags that cannot go together are refused before anything runs', () => {
  it.each([
    [
      ['--seed', '5', '--sampler-options', '{"seed": 3}'],
      'Give the seed once: --seed, or "seed" in --sampler-options.',
    ],
    [['--grid', '{"x": [1]}'], '--grid is the grid of --sampler grid; --sampler auto takes none.'],
    [
      ['--sampler-options', 'missing.json'],
      '--sampler-options must be a JSON object or a .json file; there is no file missing.json',
    ],
    [
      ['--directions', 'minimize,minimize'],
      '--builtin branin returns one value: give --direction, not --directions minimize,minimize.',
    ],
  ])('%j', (extra, message) => {
    expect(tuneforge(dir, ['optimize', '--builtin', 'branin', '--n-trials', '1', ...extra])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `tuneforge: ${message}\n`,
    });
  });
});

describe('optimize --sandbox --heap-mb', () => {
  it("caps the objective's heap: the trial fails with the limit, and the flag needs --sandbox", () => {
    writeFileSync(
      join(dir, 'hog.ts'),
      `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  const keep: number[][] = [];
  for (;;) keep.push(new Array(1e6).fill(trial.suggestFloat('x', 0, 1)));
}
`,
    );
    const capped = tuneforge(dir, ['optimize', 'hog.ts', '--n-trials', '1', '--sandbox', '--heap-mb', '64']);
    expect(capped.code).toBe(1);
    expect(capped.stdout).toMatch(
      /Trial 0 failed with parameters: .* because of the following error: heap limit of 64 MiB exceeded: the module ran out of JavaScript heap$/m,
    );
    expect(tuneforge(dir, ['optimize', 'hog.ts', '--n-trials', '1', '--heap-mb', '64'])).toMatchObject({
      code: 2,
      stderr:
        'tuneforge: --heap-mb caps the process of a module run with --sandbox: add --sandbox, or leave it out.\n',
    });
  });
});

describe('optimize: load errors say where', () => {
  it.each([
    ['syntax.ts', [], `syntax error at DIR/syntax.ts:2:40: Unexpected ";"`],
    ['syntax.ts', ['--sandbox'], `syntax error at DIR/syntax.ts:2:40: Unexpected ";"`],
    ['js/syntax.js', [], `syntax error at DIR/js/syntax.js:2:37: Unexpected token ';'`],
  ])('%s %j: file:line:col and the message, one line, exit 2', (file, extra, detail) => {
    const r = tuneforge(dir, ['optimize', file, '--n-trials', '1', ...extra]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`tuneforge: Could not load ${file}: ${detail.replace('DIR', dir)}\n`);
  });
});

describe('optimize: a continued study keeps its direction', () => {
  it('resumes a maximize study without --direction; only a contradicting --direction is refused', () => {
    const storage = `sqlite:${join(dir, 'maximize.db')}`;
    const common = ['optimize', 'branin.ts', '--storage', storage, '--study-name', 'm', '--seed', '3'];
    const first = tuneforge(dir, [...common, '--n-trials', '2', '--direction', 'maximize']);
    expect(first.code).toBe(0);
    const again = tuneforge(dir, [...common, '--n-trials', '2']);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(
      `Continuing study 'm' (2 trials so far) in the SQLite file ${join(dir, 'maximize.db')}.`,
    );
    const trials = JSON.parse(
      tuneforge(dir, ['trials', 'm', '--storage', storage, '--format', 'json']).stdout,
    ) as Array<{ values: number[] }>;
    expect(trials).toHaveLength(4);
    const best = JSON.parse(tuneforge(dir, ['best-trial', 'm', '--storage', storage]).stdout);
    expect(best.values[0]).toBe(Math.max(...trials.map((t) => t.values[0])));

    const contradicting = tuneforge(dir, [...common, '--n-trials', '2', '--direction', 'minimize']);
    expect(contradicting).toMatchObject({ code: 2, stdout: '' });
    expect(contradicting.stderr).toBe(
      "tuneforge: --direction minimize: Study 'm' optimizes maximize, not minimize. Leave --direction out to continue it.\n",
    );
    expect(tuneforge(dir, ['studies', '--storage', storage]).stdout).toBe('m\tmaximize\tcomplete 4\n');
  });
});

describe('several objectives and constraints: the feasible front, in every summary', () => {
  it('says that no trial is feasible; best-trial prints the front as an array', () => {
    writeFileSync(
      join(dir, 'infeasible.ts'),
      `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  const x = trial.suggestFloat('x', 0, 1);
  return { values: [x, 1 - x], constraints: [x + 1] };
}
`,
    );
    const storage = `sqlite:${join(dir, 'constrained.db')}`;
    const common = [
      '--storage',
      storage,
      '--seed',
      '1',
      '--n-trials',
      '3',
      '--directions',
      'minimize,minimize',
    ];
    const none = tuneforge(dir, ['optimize', 'infeasible.ts', '--study-name', 'none', ...common]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^Pareto front: empty, all 3 COMPLETE trials violate the constraints$/m);
    expect(JSON.parse(tuneforge(dir, ['best-trial', 'none', '--storage', storage]).stdout)).toEqual([]);

    // One trial on the front is still an array.
    writeFileSync(
      join(dir, 'pair.ts'),
      `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  trial.suggestFloat('x', 0, 1);
  return [1, 1];
}
`,
    );
    const some = tuneforge(dir, ['optimize', 'pair.ts', '--study-name', 'two', ...common]);
    expect(some.code).toBe(0);
    const front = JSON.parse(tuneforge(dir, ['best-trial', 'two', '--storage', storage]).stdout);
    expect(front).toHaveLength(3);
    expect(front[0]).toMatchObject({ number: 0, values: [1, 1] });
  });

  it('lists a study without a COMPLETE trial without a hypervolume', () => {
    const storage = `sqlite:${join(dir, 'none-complete.db')}`;
    const run = tuneforge(dir, [
      ...['optimize', 'throws.ts', '--storage', storage, '--study-name', 'nc'],
      ...['--directions', 'minimize,minimize', '--n-trials', '1'],
    ]);
    expect(run.code).toBe(1);
    expect(tuneforge(dir, ['studies', '--storage', storage]).stdout).toBe(
      'nc\tminimize,minimize\tfail 1\thypervolume -\n',
    );
  });

  it('refuses a one-objective sampler for several objectives before it stores anything', () => {
    const storage = `sqlite:${join(dir, 'cmaes.db')}`;
    const run = tuneforge(dir, [
      ...['optimize', 'pair.ts', '--storage', storage, '--study-name', 'c', '--sampler', 'cmaes'],
      ...['--directions', 'minimize,minimize', '--n-trials', '2'],
    ]);
    expect(run).toMatchObject({
      code: 2,
      stderr: 'tuneforge: CmaEsSampler supports single-objective studies only; this one has 2 objectives.\n',
    });
    expect(tuneforge(dir, ['studies', '--storage', storage]).stdout).not.toMatch(/\bc\b/);
  });

  it('marks an infeasible best trial of one objective as such', () => {
    writeFileSync(
      join(dir, 'infeasible-one.ts'),
      `export function objective(trial: { suggestFloat(n: string, a: number, b: number): number }) {
  const x = trial.suggestFloat('x', 0, 1);
  return { values: [x], constraints: [1] };
}
`,
    );
    const storage = `sqlite:${join(dir, 'constrained-one.db')}`;
    const run = tuneforge(dir, [
      ...['optimize', 'infeasible-one.ts', '--storage', storage, '--study-name', 'one', '--n-trials', '3'],
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Best trial: \d+ \(infeasible: no COMPLETE trial satisfies the constraints\)$/m,
    );
    const best = tuneforge(dir, ['best-trial', 'one', '--storage', storage]);
    expect(best.stderr).toBe(
      "tuneforge: no COMPLETE trial of 'one' satisfies its constraints; this is the one that violates them least.\n",
    );
    expect(JSON.parse(best.stdout)).toMatchObject({ state: 'COMPLETE' });
  });
});

describe('optimize: defaults and the first line', () => {
  it('--sampler defaults to auto, in the help as in README.md', () => {
    const help = tuneforge(dir, ['optimize', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      '--sampler <name> one of auto, random, grid, tpe, cmaes, qmc, gp, nsga2, nsga3 (default: "auto")',
    );
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(
      /`--sampler auto\|gp\|tpe\|cmaes\|qmc\|random\|grid\|nsga2\|nsga3` \(default `auto`/,
    );
  });

  it.each([
    [
      'memory:',
      () => "Created study 'first' in memory (nothing is saved: give --storage sqlite:<file> to keep it).",
    ],
    [
      'sqlite::memory:',
      () => "Created study 'first' in a private in-memory SQLite database (nothing is saved).",
    ],
    [`sqlite:first.db`, () => `Created study 'first' in the SQLite file ${join(dir, 'first.db')}.`],
  ])('says where the study is, in words: %s', (storage, line) => {
    const r = tuneforge(dir, [
      'optimize',
      'branin.ts',
      '--n-trials',
      '1',
      '--storage',
      storage,
      '--study-name',
      'first',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(line());
  });
});

describe('a Postgres storage', () => {
  it('says where the study is, and the readers read it without writing', async () => {
    const db = await freshPostgresDatabase('tuneforge_cli_edges');
    try {
      const empty = tuneforge(dir, ['studies', '--storage', db.url]);
      expect(empty).toEqual({
        code: 2,
        stdout: '',
        stderr: `tuneforge: No study was ever stored in ${maskPassword(db.url)}: check --storage.\n`,
      });
      const r = tuneforge(dir, [
        'optimize',
        'branin.ts',
        '--n-trials',
        '2',
        '--storage',
        db.url,
        '--study-name',
        'pg',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(
        `Created study 'pg' in the PostgreSQL database ${maskPassword(db.url)}.`,
      );
      expect(tuneforge(dir, ['studies', '--storage', db.url]).stdout).toBe('pg\tminimize\tcomplete 2\n');
      expect(JSON.parse(tuneforge(dir, ['best-trial', 'pg', '--storage', db.url]).stdout)).toMatchObject({
        state: 'COMPLETE',
      });
    } finally {
      await db.drop();
    }
  });
});

describe('no side effects: readers read, nothing creates a folder it was not asked for', () => {
  const NO_DB = (path: string) =>
    `tuneforge: No database at ${path}: check --storage (only optimize creates a database).\n`;

  it.each([
    [['studies']],
    [['trials', 'x']],
    [['best-trial', 'x']],
    [['report', 'x']],
    [['delete-study', 'x']],
  ])('%j on a missing SQLite file: "no database", exit 2, no file created', (args) => {
    const cwd = emptyFolder(`missing-${args[0]}`);
    const r = tuneforge(cwd, [...args, '--storage', 'sqlite:typo.db']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: NO_DB(join(cwd, 'typo.db')) });
    expect(tree(cwd)).toEqual([]);
  });

  it('a reader on a file without Tuneforge tables says so, and leaves the file as it was', () => {
    const cwd = emptyFolder('no-tables');
    writeFileSync(join(cwd, 'empty.db'), '');
    const r = tuneforge(cwd, ['studies', '--storage', 'sqlite:empty.db']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `tuneforge: No study was ever stored in sqlite:empty.db: check --storage.\n`,
    });
    expect(tree(cwd)).toEqual(['empty.db']);
    expect(readFileSync(join(cwd, 'empty.db'))).toHaveLength(0);
  });

  it('the readers and report leave an existing database byte for byte as it was', () => {
    const cwd = emptyFolder('readers');
    expect(
      tuneforge(cwd, [
        'optimize',
        join(dir, 'branin.ts'),
        '--n-trials',
        '3',
        '--storage',
        'sqlite:s.db',
        '--study-name',
        's',
      ]).code,
    ).toBe(0);
    const before = readFileSync(join(cwd, 's.db'));
    for (const args of [
      ['studies'],
      ['trials', 's'],
      ['best-trial', 's'],
      ['report', 's', '--out', 'r.html'],
    ]) {
      expect(tuneforge(cwd, [...args, '--storage', 'sqlite:s.db']).code).toBe(0);
    }
    expect(readFileSync(join(cwd, 's.db')).equals(before)).toBe(true);
    // SQLite's own WAL index files may appear beside a database it reads; nothing else does.
    expect(tree(cwd).filter((f) => !/^s\.db-(wal|shm)$/.test(f))).toEqual(['r.html', 's.db']);
  });

  it.each([
    [
      ['optimize', 'BRANIN', '--n-trials', '1', '--storage', 'sqlite:no/such/s.db'],
      'tuneforge: --storage: the folder CWD/no/such does not exist: create it, or choose another path.\n',
    ],
    [
      ['optimize', 'BRANIN', '--n-trials', '1', '--storage', 'sqlite:s.db', '--report', 'no/such/r.html'],
      'tuneforge: --report: the folder CWD/no/such does not exist: create it, or choose another path.\n',
    ],
    [
      ['report', 's', '--storage', 'sqlite:s.db', '--out', 'no/such/r.html'],
      'tuneforge: --out: the folder CWD/no/such does not exist: create it, or choose another path.\n',
    ],
  ])('%j: a missing folder is named, exit 2, nothing written', (args, message) => {
    const cwd = emptyFolder(`folder-${args[0]}-${args.length}`);
    const r = tuneforge(
      cwd,
      args.map((a) => a.replace('BRANIN', join(dir, 'branin.ts'))),
    );
    expect(r).toEqual({ code: 2, stdout: '', stderr: message.replace('CWD', cwd) });
    expect(tree(cwd)).toEqual([]);
  });

  it.each([
    [['optimize', 'BRANIN', '--n-trials', '1', '--storage', 'sqlite:s.db', '--report', 'out'], '--report'],
    [['report', 's', '--storage', 'sqlite:s.db', '--out', 'out'], '--out'],
  ])('%j: a folder given as the file to write is refused before anything runs, exit 2', (args, flag) => {
    const cwd = emptyFolder(`target-folder-${args[0]}`);
    mkdirSync(join(cwd, 'out'));
    const r = tuneforge(
      cwd,
      args.map((a) => a.replace('BRANIN', join(dir, 'branin.ts'))),
    );
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `tuneforge: ${flag}: ${join(cwd, 'out')} is a folder: give a file name, e.g. out/report.html.\n`,
    });
    expect(tree(cwd)).toEqual(['out']);
  });
});
