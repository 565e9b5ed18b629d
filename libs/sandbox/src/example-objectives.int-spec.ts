/**
 * The examples, run the way a worker runs them: from the registry of `examples/objectives` manifests, through
 * `objectiveFor`, in a seeded study.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createStudy, MedianPruner, RandomSampler } from '@tuneforge/core';
import { ObjectiveFailedError, ObjectiveRegistry, objectiveFor } from './index';

jest.setTimeout(30_000);

const OBJECTIVES = resolve(__dirname, '../../../examples/objectives');

let root: string;
let registry: ObjectiveRegistry;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tuneforge-examples-int-'));
  registry = await ObjectiveRegistry.fromDirectory(OBJECTIVES);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function optimize(name: string, nTrials: number, seed: number) {
  const study = await createStudy({
    sampler: new RandomSampler({ seed }),
    pruner: new MedianPruner({ nStartupTrials: 3 }),
  });
  await study.optimize(objectiveFor(registry.get(name), { studyName: study.studyName, workdirRoot: root }), {
    nTrials,
    catch: [ObjectiveFailedError],
  });
  return study;
}

describe('examples through the registry', () => {
  it('python-train: reports a learning curve, sets its accuracy and returns the validation loss', async () => {
    const study = await optimize('python-train', 6, 4);
    const finished = study.trials.filter((t) => t.state === 'COMPLETE');
    expect(finished.length).toBeGreaterThan(0);
    expect(study.trials.filter((t) => t.state === 'FAIL')).toEqual([]);
    for (const t of finished) {
      const steps = Object.keys(t.intermediateValues).map(Number);
      expect(steps).toEqual(Array.from({ length: t.params.epochs as number }, (_, i) => i + 1));
      expect(t.values![0]).toBe(t.intermediateValues[t.params.epochs as number]);
      expect(t.userAttrs.accuracy).toBeGreaterThan(0.5);
    }
    expect(study.bestValue).toBeLessThan(0.6);
  });

  it('shell-quadratic: returns (x - 2)^2 + (y + 1)^2 of the suggested parameters', async () => {
    const study = await optimize('shell-quadratic', 4, 9);
    const finished = study.trials.filter((t) => t.state === 'COMPLETE');
    // The pruner waits for 3 finished trials before judging, so at least those complete.
    expect(finished.length).toBeGreaterThanOrEqual(3);
    for (const t of finished) {
      const { x, y } = t.params as { x: number; y: number };
      expect(t.values![0]).toBeCloseTo((x - 2) ** 2 + (y + 1) ** 2, 9);
      expect(t.userAttrs.distance).toBeCloseTo(Math.sqrt(t.values![0]), 9);
    }
    expect(study.trials.filter((t) => t.state === 'FAIL')).toEqual([]);
  });

  it('conditional: the TypeScript module runs in its sandbox with define-by-run parameters', async () => {
    const study = await optimize('conditional', 3, 1);
    expect(study.trials.map((t) => t.state).every((s) => s === 'COMPLETE' || s === 'PRUNED')).toBe(true);
    for (const t of study.trials) expect(Object.keys(t.params)[0]).toBe('model');
  });
});
