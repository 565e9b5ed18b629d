import type { Distribution, ParamValue } from '../../distributions';
import type { JsonObject } from '../../json';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/trial-state';

/** What a test says about a trial; everything else gets a plain default. */
export interface TrialSketch {
  state?: TrialState;
  values?: readonly number[] | null;
  params?: Record<string, ParamValue>;
  distributions?: Record<string, Distribution>;
  intermediateValues?: Record<number, number>;
  systemAttrs?: JsonObject;
  datetimeStart?: number | null;
  datetimeComplete?: number | null;
}

/** A frozen trial for plot and importance tests: COMPLETE, no params, started at `number` seconds. */
export function makeTrial(number: number, sketch: TrialSketch = {}): FrozenTrial {
  const state = sketch.state ?? 'COMPLETE';
  return {
    trialId: 100 + number,
    number,
    state,
    values: sketch.values === undefined ? (state === 'COMPLETE' ? [number] : null) : sketch.values,
    params: sketch.params ?? {},
    distributions: sketch.distributions ?? {},
    intermediateValues: sketch.intermediateValues ?? {},
    userAttrs: {},
    systemAttrs: sketch.systemAttrs ?? {},
    datetimeStart: sketch.datetimeStart === undefined ? number * 1000 : sketch.datetimeStart,
    datetimeComplete:
      sketch.datetimeComplete === undefined
        ? state === 'RUNNING'
          ? null
          : number * 1000 + 500
        : sketch.datetimeComplete,
  };
}
