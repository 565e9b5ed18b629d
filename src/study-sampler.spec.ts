/**
 * The scheduler plans trials and the workers sample what it could not plan: for one study they must
 * run the same sampler, with the same options, as the library's createSampler builds it (DESIGN.md,
 * "Trials in flight"). This spec reads both roles' samplers for the same definitions; it sits above the
 * roles' folders because a role does not import another (eslint.config.mjs, `tuneforge/boundaries`).
 */
import {
  createSampler,
  InMemoryStorage,
  TpeSampler,
  type JsonObject,
  type SamplerSpec,
  type Study,
} from '@tuneforge/core';
import { DEFINITION_ATTR, type StudyDefinition } from '@tuneforge/platform';
import type { ObjectiveRegistry } from '@tuneforge/sandbox';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformConfig } from './config/platform-config';
import type { RefillQueue } from './providers/refill-queue';
import { StudyScheduler } from './scheduler/study-scheduler.service';
import type { ObjectiveFactory } from './worker/objective-factory';
import { TrialRunner } from './worker/trial-runner';

/** A sampler's fields, recursively, with functions by their source (a per-instance closure is the same option). */
function settingsOf(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function') return `[function ${String(value)}]`;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return [...value].map(([k, v]) => [k, settingsOf(v, seen)]);
  if (Array.isArray(value)) return value.map((v) => settingsOf(v, seen));
  const out: Record<string, unknown> = { class: value.constructor?.name };
  for (const [k, v] of Object.entries(value)) out[k] = settingsOf(v, seen);
  return out;
}

const config = { queuePrefix: 'unused', workerId: 'w1', maxRetries: 1, sweepSeconds: 2 } as PlatformConfig;
const redis = {} as Redis;

function definition(name: string, sampler: SamplerSpec): StudyDefinition {
  return {
    name,
    directions: ['minimize'],
    searchSpace: null,
    sampler,
    pruner: { type: 'none' },
    objective: { kind: 'builtin', name: 'branin' },
    budget: { nTrials: 20, maxParallel: 8, timeoutSec: null },
    seed: sampler.seed ?? null,
  };
}

/** The sampler each role loads for a stored platform study (nothing else of the roles runs). */
async function rolesSamplers(def: StudyDefinition): Promise<{ scheduler: unknown; worker: unknown }> {
  const storage = new InMemoryStorage();
  const record = await storage.createStudy({
    studyName: def.name,
    directions: def.directions,
    systemAttrs: { [DEFINITION_ATTR]: def as unknown as JsonObject },
  });
  const scheduler = new StudyScheduler(
    storage,
    config,
    {} as RefillQueue,
    {} as Queue,
    {} as ObjectiveRegistry,
    redis,
  );
  const runner = new TrialRunner(
    storage,
    config,
    {} as RefillQueue,
    { create: () => () => 0 } as unknown as ObjectiveFactory,
    redis,
  );
  // The worker's Redis pruning index is not what this spec is about.
  Object.assign(runner, { index: { ensureStudy: async () => undefined } });
  const planned = (await (scheduler as any).scheduled(record.studyId, def)) as { study: Study };
  const loaded = (await (runner as any).load(record.studyId)) as { study: Study };
  return { scheduler: planned.study.sampler, worker: loaded.study.sampler };
}

describe("the scheduler's and the workers' sampler", () => {
  it.each<SamplerSpec>([
    { type: 'tpe', seed: 7 },
    { type: 'tpe', seed: 7, options: { constantLiar: 'best', liarWeight: 0.5, multivariate: false } },
    { type: 'auto', seed: 7 },
    { type: 'gp', seed: 7 },
    { type: 'cmaes', seed: 7 },
    { type: 'random', seed: 7 },
    { type: 'qmc', seed: 7 },
  ])('is built identically, as createSampler builds it: %p', async (spec) => {
    const { scheduler, worker } = await rolesSamplers(definition(`s-${spec.type}`, spec));
    expect(settingsOf(worker)).toEqual(settingsOf(scheduler));
    expect(settingsOf(scheduler)).toEqual(settingsOf(createSampler(spec)));
  });

  it('has the constant liar on for TPE in both roles, as the library default', async () => {
    const { scheduler, worker } = await rolesSamplers(definition('liar', { type: 'tpe', seed: 7 }));
    const library = settingsOf(new TpeSampler({ seed: 7 }));
    expect(settingsOf(scheduler)).toEqual(library);
    expect(settingsOf(worker)).toEqual(library);
    expect(library).toEqual(settingsOf(new TpeSampler({ seed: 7, constantLiar: 'worst' })));
    expect(library).not.toEqual(settingsOf(new TpeSampler({ seed: 7, constantLiar: false })));
  });
});
