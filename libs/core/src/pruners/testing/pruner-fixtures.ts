import type { JsonObject, JsonValue } from '../../json';
import { InMemoryStorage } from '../../storage/in-memory-storage';
import { RandomSampler } from '../../samplers/random/random-sampler';
import { createStudy, type Study } from '../../study/study';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { Trial } from '../../trial/trial';
import type { StudyDirection, TrialState } from '../../trial/trial-state';
import { trialContext, type TrialContext } from '../../trial/trial-context';
import type { Pruner } from '../pruner';
import type { PruningHistory } from '../pruning-history';
import { StudyPruningHistory } from '../study-pruning-history';

/** A learning curve written as values by step: `{ 0: 1.5, 1: 1.2 }`, or as an array (step = index). */
export type Curve = Readonly<Record<number, number>> | readonly number[];

function curveRecord(curve: Curve): Record<number, number> {
  return Array.isArray(curve) ? Object.fromEntries(curve.map((v, step) => [step, v])) : { ...curve };
}

/** A hand-made trial snapshot for fake studies. */
export function frozenTrial(
  number: number,
  fields: { state?: TrialState; value?: number; curve?: Curve; systemAttrs?: JsonObject } = {},
): FrozenTrial {
  return {
    trialId: number + 1,
    number,
    state: fields.state ?? 'RUNNING',
    values: fields.value === undefined ? null : [fields.value],
    params: {},
    distributions: {},
    intermediateValues: curveRecord(fields.curve ?? {}),
    userAttrs: {},
    systemAttrs: { ...(fields.systemAttrs ?? {}) },
    datetimeStart: 0,
    datetimeComplete: null,
  };
}

/** A StudyView over fixed trials, for stories that need exact histories (system attributes included). */
export function fakeStudy(
  trials: readonly FrozenTrial[],
  options: { directions?: readonly StudyDirection[]; studyName?: string } = {},
): StudyView {
  const directions = options.directions ?? ['minimize'];
  return {
    studyId: 1,
    studyName: options.studyName ?? 'fake-study',
    directions,
    get direction() {
      if (directions.length !== 1) throw new Error('multi-objective');
      return directions[0];
    },
    systemAttrs: {},
    getTrials: (states) => trials.filter((t) => !states || states.includes(t.state)),
    stop: () => undefined,
  };
}

/** The pruning history of fixed trials (`fakeStudy`'s), as the library derives it. */
export function fakeHistory(
  trials: readonly FrozenTrial[],
  options: { directions?: readonly StudyDirection[]; studyName?: string } = {},
): PruningHistory {
  return new StudyPruningHistory(fakeStudy(trials, options));
}

/** The context a pruner receives for `trial`, plus the system attributes it wrote. */
export function contextOf(trial: FrozenTrial): { ctx: TrialContext; written: Array<[string, JsonValue]> } {
  const written: Array<[string, JsonValue]> = [];
  return { ctx: trialContext(trial, written), written };
}

/** An in-memory study using `pruner`, holding one COMPLETE trial per curve. */
export async function studyWithCompleted(
  pruner: Pruner,
  curves: readonly Curve[],
  direction: StudyDirection = 'minimize',
): Promise<Study> {
  // A random sampler: the stories pin the pruner's decisions and attributes, not a sampler's.
  const study = await createStudy({
    storage: new InMemoryStorage(),
    sampler: new RandomSampler({ seed: 0 }),
    pruner,
    direction,
  });
  for (const curve of curves) await addCompleted(study, curve);
  return study;
}

/** Adds a COMPLETE trial whose value is the curve's last value (0 when that is missing or NaN). */
export async function addCompleted(study: Study, curve: Curve): Promise<FrozenTrial> {
  const intermediateValues = curveRecord(curve);
  const steps = Object.keys(intermediateValues).map(Number);
  const last = steps.length > 0 ? intermediateValues[Math.max(...steps)] : NaN;
  const value = Number.isNaN(last) ? 0 : last;
  return study.addTrial({ state: 'COMPLETE', value, intermediateValues });
}

/** Reports each value of `curve` in step order and records the steps at which the pruner said yes. */
export async function prunedSteps(trial: Trial, curve: Curve): Promise<number[]> {
  const record = curveRecord(curve);
  const pruned: number[] = [];
  for (const step of Object.keys(record)
    .map(Number)
    .sort((a, b) => a - b)) {
    await trial.report(record[step], step);
    if (trial.shouldPrune()) pruned.push(step);
  }
  return pruned;
}
