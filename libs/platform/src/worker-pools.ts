/**
 * Worker pools by resource. A study names what each of its trials needs (`resources`, e.g. `{"gpu": 1}`); a
 * worker names what it offers (`TUNEFORGE_WORKER_RESOURCES=gpu=2,cpu=8`). Trials of one requirement share one
 * BullMQ queue (`trialQueueName`): a worker consumes the queues of the requirements it meets, and the queue of
 * trials that need nothing (`trials`, the default, which every worker consumes). Amounts are numbers (fractions
 * allowed, as Ray's `num_gpus: 0.5`); a resource a worker does not name it offers 0 of.
 */
import { TRIALS_QUEUE } from './queue-names';

/** What a trial needs, or what a worker offers: resource name → amount (> 0). */
export type Resources = Readonly<Record<string, number>>;

/** Resource names: lower-case letters, digits and '_', a letter first (they are part of queue names). */
export const RESOURCE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** The largest amount of one resource, so that amounts stay exact in their text form. */
export const MAX_RESOURCE_AMOUNT = 1_000_000;
/** Separates the default queue's name from the requirement in a pool's queue name (BullMQ refuses ':'). */
const POOL_QUEUE_SEPARATOR = '@';
/** Amounts are compared with this slack, so that ten trials of 0.1 GPU fit on one GPU. */
const EPSILON = 1e-9;

/** Why `value` is not a valid resource map, or null. `field` names it in the message. */
export function resourcesProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return `must be an object of resource name to amount, e.g. {"gpu": 1}, got ${JSON.stringify(value)}`;
  }
  for (const [name, amount] of Object.entries(value)) {
    const problem = amountProblem(name, amount);
    if (problem) return problem;
  }
  return null;
}

function amountProblem(name: string, amount: unknown): string | null {
  if (!RESOURCE_NAME.test(name)) {
    return `resource name '${name}' must be lower-case letters, digits or '_', starting with a letter (at most 32)`;
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > MAX_RESOURCE_AMOUNT) {
    return `amount of '${name}' must be a number > 0 and <= ${MAX_RESOURCE_AMOUNT}, got ${JSON.stringify(amount)}`;
  }
  return null;
}

/** Thrown by `parseResources` for a malformed list; the message says what to write. */
export class InvalidResourcesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidResourcesError';
  }
}

/**
 * Reads `name=amount` pairs separated by commas (`gpu=2,cpu=8`; spaces around items are ignored; empty: no
 * resources). The form of `TUNEFORGE_WORKER_RESOURCES` and of a pool's requirement in its queue name.
 * @throws InvalidResourcesError naming the bad item
 */
export function parseResources(text: string): Resources {
  const resources: Record<string, number> = {};
  const trimmed = text.trim();
  if (trimmed === '') return resources;
  for (const item of trimmed.split(',')) {
    const pair = item.trim();
    const eq = pair.indexOf('=');
    if (eq < 0) {
      throw new InvalidResourcesError(`'${pair}' needs an amount: write name=amount, e.g. gpu=2,cpu=8`);
    }
    const name = pair.slice(0, eq).trim();
    const amountText = pair.slice(eq + 1).trim();
    const amount = amountText === '' ? NaN : Number(amountText);
    const problem = amountProblem(name, amount);
    if (problem) throw new InvalidResourcesError(problem);
    if (name in resources) throw new InvalidResourcesError(`'${name}' is named twice`);
    resources[name] = amount;
  }
  return resources;
}

/** The canonical text of a resource map (names sorted): `cpu=2,gpu=1`; '' for none. */
export function formatResources(resources: Resources): string {
  return Object.keys(resources)
    .sort()
    .map((name) => `${name}=${resources[name]}`)
    .join(',');
}

/** Whether a trial needs any resource (otherwise it goes to the default queue, which every worker serves). */
export function needsResources(need: Resources | undefined): need is Resources {
  return need !== undefined && Object.keys(need).length > 0;
}

/**
 * The queue of the trials that need `need`: `trials` when they need nothing, else `trials@<canonical need>`
 * (`trials@gpu=1`), so that every study of one requirement shares one queue and its workers.
 */
export function trialQueueName(need: Resources | undefined): string {
  return needsResources(need)
    ? `${TRIALS_QUEUE}${POOL_QUEUE_SEPARATOR}${formatResources(need)}`
    : TRIALS_QUEUE;
}

/** The requirement of a trial queue (`trialQueueName`'s inverse). @throws InvalidResourcesError for another name */
export function requirementOfQueue(queueName: string): Resources {
  if (queueName === TRIALS_QUEUE) return {};
  const head = `${TRIALS_QUEUE}${POOL_QUEUE_SEPARATOR}`;
  if (!queueName.startsWith(head)) throw new InvalidResourcesError(`'${queueName}' is not a trial queue`);
  return parseResources(queueName.slice(head.length));
}

/** Whether a worker offering `offer` can run one trial needing `need`. */
export function meetsRequirement(offer: Resources, need: Resources): boolean {
  return Object.entries(need).every(([name, amount]) => (offer[name] ?? 0) + EPSILON >= amount);
}

/**
 * How many trials needing `need` a worker offering `offer` runs at once: what its resources allow, at most
 * `concurrency` (TUNEFORGE_WORKER_CONCURRENCY). 0 when it cannot run one.
 */
export function trialsAtOnce(offer: Resources, need: Resources, concurrency: number): number {
  let n = concurrency;
  for (const [name, amount] of Object.entries(need)) {
    n = Math.min(n, Math.floor((offer[name] ?? 0) / amount + EPSILON));
  }
  return Math.max(0, n);
}

/** `gpu ≥ 1, cpu ≥ 2`: a requirement as people read it. */
export function describeRequirement(need: Resources): string {
  return Object.keys(need)
    .sort()
    .map((name) => `${name} ≥ ${need[name]}`)
    .join(', ');
}

/**
 * Why trials needing `need` cannot start, given what the live workers offer; null when some live worker can
 * run them (or they need nothing: every worker serves the default queue).
 */
export function unmetRequirementReason(
  need: Resources | undefined,
  liveOffers: readonly Resources[],
): string | null {
  if (!needsResources(need)) return null;
  if (liveOffers.some((offer) => meetsRequirement(offer, need))) return null;
  return `no live worker offers ${describeRequirement(need)}`;
}
