import type { JsonObject, JsonValue } from '../json';
import type { TrialContext } from '../samplers/sampler';
import type { FrozenTrial } from './frozen-trial';

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
