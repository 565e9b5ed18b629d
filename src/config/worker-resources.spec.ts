import { ConfigError, loadPlatformConfig } from './platform-config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tf', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadPlatformConfig: TUNEFORGE_WORKER_RESOURCES', () => {
  it('offers nothing when unset: the worker runs only trials that need nothing', () => {
    expect(loadPlatformConfig(base).workerResources).toEqual({});
  });

  it('reads name=amount pairs', () => {
    expect(
      loadPlatformConfig({ ...base, TUNEFORGE_WORKER_RESOURCES: 'gpu=2,cpu=8' }).workerResources,
    ).toEqual({
      gpu: 2,
      cpu: 8,
    });
  });

  it('refuses to start on a malformed list, saying what to write', () => {
    const load = () => loadPlatformConfig({ ...base, TUNEFORGE_WORKER_RESOURCES: 'gpu' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      "TUNEFORGE_WORKER_RESOURCES must list name=amount pairs separated by commas (e.g. gpu=2,cpu=8): 'gpu' needs an amount: write name=amount, e.g. gpu=2,cpu=8.",
    );
  });
});
