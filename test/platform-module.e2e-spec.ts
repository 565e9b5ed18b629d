import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..');

/**
 * A TypeScript module objective with a define-by-run conditional space gets the same trials for the same
 * seed through the CLI (in-process) and through the platform (child processes on the workers): draws
 * depend on the seed, the trial number and the parameter, not on the process that samples.
 */
describe('module objectives: CLI and platform agree', () => {
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

  it('samples the same conditional parameters for the same seed', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'conditional-module',
        objective: { module: 'conditional' },
        sampler: { type: 'random' },
        pruner: { type: 'none' },
        budget: { nTrials: 8, maxParallel: 2 },
        seed: 21,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id, 120_000);
    expect(study.state).toBe('COMPLETED');
    const { body: page } = await platform.request(`/studies/${study.id}/trials?limit=100`);
    const viaPlatform = page.items.map((t: { number: number; params: unknown }) => [t.number, t.params]);

    const cli = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin', 'tuneforge.js'),
        'optimize',
        'examples/conditional/conditional-objective.ts',
        '--n-trials',
        '8',
        '--sampler',
        'random',
        '--pruner',
        'none',
        '--seed',
        '21',
        '--storage',
        'memory:',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    const viaCli = [
      ...cli.stdout.matchAll(/Trial (\d+) finished with value: \S+ and parameters: (\{.*\})\./g),
    ].map((m) => [Number(m[1]), JSON.parse(m[2])]);
    expect(viaCli).toHaveLength(8);
    // The models differ across trials, so the parameter sets differ: a real conditional space.
    expect(new Set(viaCli.map(([, p]) => (p as { model: string }).model)).size).toBeGreaterThan(1);
    expect(viaPlatform).toEqual(viaCli);
  });
});
