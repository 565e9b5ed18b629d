import { Storage, TrialAlreadyFinishedError, type FrozenTrial } from '@tuneforge/core';
import { isTransientDatabaseError } from './transient-errors';

export interface TransientRetryOptions {
  /** Called before each wait, e.g. to log (rate-limited by the caller). */
  onRetry?: (method: string, attempt: number, error: Error) => void;
  /** First wait; doubles up to `maxDelayMs`. @defaultValue 100 */
  initialDelayMs?: number;
  /** @defaultValue 2000 */
  maxDelayMs?: number;
}

// Not idempotent (a retry after a commit whose answer was lost would create or take a second time), or
// not a database call.
const NOT_RETRIED = new Set<PropertyKey>([
  'connectionFaults',
  'createStudy',
  'createTrial',
  'createTrials',
  'claimWaitingTrial',
  'deleteStudy',
  'close',
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The storage, with every idempotent or conditional call retried while the database is unreachable
 * (isTransientDatabaseError), with exponential backoff and no limit: a platform worker's trial waits
 * for the database instead of failing, and a finished objective's result is committed when the
 * database is back, never lost and never run again for it. A retried `finishTrial` whose first try
 * committed (the answer was lost) returns the trial as that try left it.
 */
export function withTransientRetries(storage: Storage, options: TransientRetryOptions = {}): Storage {
  const retry = async <T>(
    method: string,
    call: () => Promise<T>,
    onConflictAfterRetry?: () => Promise<T>,
  ) => {
    let delay = options.initialDelayMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt > 1 && onConflictAfterRetry && error instanceof TrialAlreadyFinishedError) {
          return onConflictAfterRetry();
        }
        if (!isTransientDatabaseError(error)) throw error;
        options.onRetry?.(method, attempt, error as Error);
        await sleep(delay);
        delay = Math.min(delay * 2, options.maxDelayMs ?? 2000);
      }
    }
  };

  const finishTrial: Storage['finishTrial'] = (trialId, state, values, now) =>
    retry(
      'finishTrial',
      () => storage.finishTrial(trialId, state, values, now),
      async () => {
        const trial = await retry('getTrial', () => storage.getTrial(trialId));
        if (isSameFinish(trial, state, values)) return trial;
        throw new TrialAlreadyFinishedError(
          `Trial ${trial.number} (id ${trialId}) is ${trial.state}: it ended elsewhere while the database was unreachable.`,
        );
      },
    );

  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      if (property === 'finishTrial') return finishTrial;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (NOT_RETRIED.has(property)) return method.bind(target);
      return (...args: unknown[]) => retry(String(property), () => method.apply(target, args));
    },
  });
}

function isSameFinish(trial: FrozenTrial, state: string, values: readonly number[] | null): boolean {
  if (trial.state !== state) return false;
  const stored = trial.values ?? null;
  if (stored === null || values === null) return stored === values;
  return stored.length === values.length && stored.every((v, i) => Object.is(v, values[i]));
}
