import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './support/free-port';
import { runPrunedStudy, startPlatform, type Platform } from './support/platform-harness';
import { startRedisCluster, type LocalRedisCluster } from './support/redis-cluster';

const run = promisify(execFile);

jest.setTimeout(240_000);

/** Every key on one node of the cluster (a test cluster holds few). */
async function keysOn(port: number): Promise<string[]> {
  const { stdout } = await run('redis-cli', ['-p', String(port), '--scan']);
  return stdout.split('\n').filter((k) => k.length > 0);
}

/**
 * The platform on a Redis Cluster (issue 14 item 4): api, scheduler and two workers started with
 * REDIS_CLUSTER_NODES on a three-node cluster of the test's own run a study to the end, with pruning (the
 * pruning index's pipelines), metrics and deletion (a SCAN over every node).
 */
describe('the platform on a Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let platform: Platform;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    // REDIS_URL points where nothing listens: any connection made outside the cluster would fail the study.
    const nowhere = await freePort();
    platform = await startPlatform({
      workers: 2,
      env: { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: `redis://127.0.0.1:${nowhere}` },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await cluster?.stop();
  });

  it('runs a pruned study end to end, its queue keys in one slot, and deletes its keys from every node', async () => {
    const study = await runPrunedStudy(platform, 'on-a-cluster', 120_000);
    expect(study.counts.PRUNED).toBeGreaterThan(0);

    const byNode = await Promise.all(cluster.ports.map(keysOn));
    // BullMQ's keys (prefix as a hash tag) all live on one node; the study's pruning index on one node.
    const queueNodes = byNode.filter((keys) =>
      keys.some((k) => k.startsWith(`{${platform.prefix}}:trials:`)),
    );
    expect(queueNodes).toHaveLength(1);
    const studyTag = `${platform.prefix}:study:{${platform.prefix}:${study.id}}:`;
    const studyNodes = byNode.filter((keys) => keys.some((k) => k.startsWith(studyTag)));
    expect(studyNodes).toHaveLength(1);

    // The metrics the roles recorded on the cluster, read back in one pipeline.
    const metrics = await platform.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toMatch(/tuneforge_scheduler_trials_created_total(\{[^}]*\})? [1-9]/);
    expect((await platform.request('/health', { auth: false })).status).toBe(200);

    expect((await platform.request(`/studies/${study.id}`, { method: 'DELETE' })).status).toBe(204);
    const left = (await Promise.all(cluster.ports.map(keysOn))).flat().filter((k) => k.startsWith(studyTag));
    expect(left).toEqual([]);
  });
});
