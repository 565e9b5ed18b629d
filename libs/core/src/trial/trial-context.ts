import type { JsonObject, JsonValue } from '../json';
import type { FrozenTrial } from './frozen-trial';

/**
 * The trial a sampler or pruner is working on: its snapshot plus a way to record state in the
 * trial's system attributes (written to storage by the study right after the call returns, and
 * visible in `systemAttrs` at once). State kept there lets any process continue the study.
 */
export interface TrialContext extends FrozenTrial {
  setSystemAttr(key: string, value: JsonValue): void;
}

/**
 * Builds the TrialContext handed to samplers and pruners: the snapshot, with system attributes that
 * show writes at once and collect them in `pending` for the caller to store.
 */
export function trialContext(snapshot: FrozenTrial, pending: Array<[string, JsonValue]>): TrialContext {
  const systemAttrs: JsonObject = { ...snapshot.systemAttrs };
  return {
    ...snapshot,
    systemAttrs,
    setSystemAttr(key: string, value: JsonValue) {
      systemAttrs[key] = value;
      pending.push([key, value]);
    },
  };
}
