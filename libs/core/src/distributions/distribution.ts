import { InvalidDistributionError } from '../errors';

/** A categorical choice: what can be stored as JSON and compared with `===`. */
export type CategoricalChoice = string | number | boolean | null;
/** The external (user-facing) value of a parameter. */
export type ParamValue = number | CategoricalChoice;

export interface FloatDistribution {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  /** Sample on a logarithmic scale (requires low > 0). */
  readonly log: boolean;
  /** Values are low + k * step; null for continuous. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Values are low + k * step (1 unless given). */
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly choices: readonly CategoricalChoice[];
}

/** Plain JSON objects, so that a distribution crosses storages, processes and REST unchanged. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;
export type NumericDistribution = FloatDistribution | IntDistribution;

export interface RangeOptions {
  /** @defaultValue false */
  log?: boolean;
  /** @defaultValue null for floats (continuous), 1 for ints */
  step?: number | null;
}

/** Tolerance when checking that a float range is a multiple of its step. */
const STEP_EPS = 1e-8;

function checkFinite(what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    // A string is quoted: '0' and 0 must not read alike in the message.
    const given = typeof v === 'string' ? `the string ${JSON.stringify(v)}` : String(v);
    throw new InvalidDistributionError(`${what} must be a finite number, got ${given}`);
  }
}

function checkRange(kind: string, low: number, high: number, log: boolean, step: number | null): void {
  checkFinite(`${kind} low`, low);
  checkFinite(`${kind} high`, high);
  if (low > high)
    throw new InvalidDistributionError(`${kind}: low must be <= high, got low=${low} > high=${high}`);
  if (log && step !== null && !(kind === 'int' && step === 1)) {
    throw new InvalidDistributionError(`${kind}: log and step cannot be used together (step=${step})`);
  }
  if (log && low <= 0) throw new InvalidDistributionError(`${kind}: log requires low > 0, got low=${low}`);
  if (step !== null) {
    checkFinite(`${kind} step`, step);
    if (step <= 0) throw new InvalidDistributionError(`${kind}: step must be > 0, got step=${step}`);
    const k = (high - low) / step;
    if (Math.abs(k - Math.round(k)) > STEP_EPS * Math.max(1, Math.abs(k))) {
      throw new InvalidDistributionError(
        `${kind}: the range high - low = ${high - low} is not a multiple of step=${step} (low=${low}, high=${high})`,
      );
    }
  }
}

export function floatDistribution(low: number, high: number, options: RangeOptions = {}): FloatDistribution {
  const log = options.log ?? false;
  const step = options.step ?? null;
  checkRange('float', low, high, log, step);
  return { type: 'float', low, high, log, step };
}

export function intDistribution(low: number, high: number, options: RangeOptions = {}): IntDistribution {
  const log = options.log ?? false;
  const step = options.step ?? 1;
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new InvalidDistributionError(`int: low and high must be integers, got low=${low}, high=${high}`);
  }
  if (!Number.isInteger(step))
    throw new InvalidDistributionError(`int: step must be an integer, got step=${step}`);
  if (log && step !== 1)
    throw new InvalidDistributionError(`int: log and step cannot be used together (step=${step})`);
  if (log && low < 1) throw new InvalidDistributionError(`int: log requires low >= 1, got low=${low}`);
  checkRange('int', low, high, log, step);
  return { type: 'int', low, high, log, step };
}

export function categoricalDistribution(choices: readonly CategoricalChoice[]): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new InvalidDistributionError('categorical: choices must be a non-empty array');
  }
  for (const c of choices) {
    const t = typeof c;
    if (!(c === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(c)))) {
      throw new InvalidDistributionError(
        `categorical: choices must be strings, finite numbers, booleans or null, got ${JSON.stringify(c)}`,
      );
    }
  }
  if (new Set(choices).size !== choices.length) {
    throw new InvalidDistributionError(
      `categorical: choices must be distinct, got ${JSON.stringify(choices)}`,
    );
  }
  return { type: 'categorical', choices: [...choices] };
}

/** Rebuilds (and validates) a distribution read from JSON. */
export function distributionFromJson(json: unknown): Distribution {
  const d = json as Partial<Record<string, unknown>> | null;
  if (!d || typeof d !== 'object')
    throw new InvalidDistributionError(`not a distribution: ${JSON.stringify(json)}`);
  switch (d.type) {
    case 'float':
      return floatDistribution(d.low as number, d.high as number, {
        log: Boolean(d.log),
        step: (d.step as number | null | undefined) ?? null,
      });
    case 'int':
      return intDistribution(d.low as number, d.high as number, {
        log: Boolean(d.log),
        step: (d.step as number | undefined) ?? 1,
      });
    case 'categorical':
      return categoricalDistribution(d.choices as CategoricalChoice[]);
    default:
      throw new InvalidDistributionError(`unknown distribution type ${JSON.stringify(d.type)}`);
  }
}

/** External value → internal number (a categorical becomes the index of its choice). */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.type === 'categorical') {
    const i = d.choices.indexOf(value as CategoricalChoice);
    if (i < 0) {
      throw new InvalidDistributionError(
        `${JSON.stringify(value)} is not one of the choices ${JSON.stringify(d.choices)}`,
      );
    }
    return i;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidDistributionError(
      `${d.type} parameter value must be a finite number, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Internal number → external value. Ints are rounded, so samplers may return any real. */
export function toExternal(d: Distribution, internal: number): ParamValue {
  if (d.type === 'categorical') {
    const c = d.choices[Math.round(internal)];
    if (c === undefined)
      throw new InvalidDistributionError(`index ${internal} is out of range for ${describe(d)}`);
    return c;
  }
  if (d.type === 'int') return Math.round(internal);
  return internal;
}

/** Whether an internal value lies in the distribution (on its step grid, for stepped ones). */
export function contains(d: Distribution, internal: number): boolean {
  if (d.type === 'categorical')
    return Number.isInteger(internal) && internal >= 0 && internal < d.choices.length;
  if (!(internal >= d.low && internal <= d.high)) return false;
  if (d.type === 'int') {
    return Number.isInteger(internal) && (internal - d.low) % d.step === 0;
  }
  if (d.step === null) return true;
  const k = (internal - d.low) / d.step;
  return Math.abs(k - Math.round(k)) < 1e-8 * Math.max(1, Math.abs(k));
}

/** Whether the distribution has exactly one value (samplers then skip it). */
export function isSingle(d: Distribution): boolean {
  if (d.type === 'categorical') return d.choices.length === 1;
  if (d.low === d.high) return true;
  if (d.type === 'float' && d.step !== null) return d.high - d.low < d.step;
  if (d.type === 'int') return d.high - d.low < d.step;
  return false;
}

export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'categorical') {
    const bc = (b as CategoricalDistribution).choices;
    return a.choices.length === bc.length && a.choices.every((c, i) => c === bc[i]);
  }
  const bn = b as NumericDistribution;
  return a.low === bn.low && a.high === bn.high && a.log === bn.log && a.step === bn.step;
}

/** A short human-readable form used in error messages: `float(low=0, high=1, log)`. */
export function describe(d: Distribution): string {
  if (d.type === 'categorical') return `categorical(choices=${JSON.stringify(d.choices)})`;
  const extras = [
    d.log ? 'log' : '',
    d.step !== null && !(d.type === 'int' && d.step === 1) ? `step=${d.step}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${d.type}(low=${d.low}, high=${d.high}${extras ? ', ' + extras : ''})`;
}

/** Rounds an internal value onto the distribution's grid and clips it to [low, high]. */
export function snapToGrid(d: NumericDistribution, internal: number): number {
  const step = d.type === 'int' ? d.step : d.step;
  let v = internal;
  if (step !== null) v = d.low + Math.round((v - d.low) / step) * step;
  if (d.type === 'int') v = Math.round(v);
  return Math.min(d.high, Math.max(d.low, v));
}
