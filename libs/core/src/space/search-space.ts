/**
 * The declarative search space: what the CLI reads from `--space file.json` and what a REST study
 * definition carries, for objectives that cannot call `trial.suggest*` themselves (commands in any
 * language). It is an ordered list, because define-by-run order matters: a parameter's `when` can only
 * look at parameters suggested before it, exactly as an `if` in an objective can.
 */
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
} from '../distributions';
import { InvalidArgumentError, InvalidDistributionError } from '../errors';

/**
 * `{ <earlier parameter>: value | value[] }`: the parameter is active only when every named parameter
 * is active and equal to the value (or to one of the values).
 */
export type SpaceCondition = Readonly<Record<string, readonly CategoricalChoice[]>>;

/** One parameter of a declarative space, validated. */
export interface SpaceParameter {
  readonly name: string;
  readonly distribution: Distribution;
  /** null when the parameter is always active. Values are normalized to arrays. */
  readonly when: SpaceCondition | null;
}

/** A validated declarative search space, in suggestion order. Build it with `parseSearchSpace`. */
export interface SearchSpaceDefinition {
  readonly parameters: readonly SpaceParameter[];
}

/** A declarative space is invalid; `parameter` and `field` say where (null when the whole document is wrong). */
export class InvalidSearchSpaceError extends InvalidArgumentError {
  constructor(
    message: string,
    readonly parameter: string | null = null,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

const NUMERIC_FIELDS = ['name', 'type', 'low', 'high', 'log', 'step', 'when'] as const;
const CATEGORICAL_FIELDS = ['name', 'type', 'choices', 'when'] as const;
const TYPES = ['float', 'int', 'categorical'] as const;

type Entry = Record<string, unknown>;

function fail(parameter: string, field: string | null, reason: string): never {
  const where = field === null ? `parameter '${parameter}'` : `parameter '${parameter}', field '${field}'`;
  throw new InvalidSearchSpaceError(`search space: ${where}: ${reason}`, parameter, field);
}

function isPlainObject(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isChoice(v: unknown): v is CategoricalChoice {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v))
  );
}

function finiteNumber(name: string, entry: Entry, field: 'low' | 'high' | 'step'): number {
  const v = entry[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    fail(name, field, `must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The entries in order, with their names, from either accepted document shape. */
function entriesOf(json: unknown): Array<[string, Entry]> {
  if (Array.isArray(json)) {
    return json.map((entry, i) => {
      if (!isPlainObject(entry)) {
        throw new InvalidSearchSpaceError(
          `search space: entry ${i} must be an object { name, type, ... }, got ${JSON.stringify(entry)}`,
        );
      }
      if (typeof entry.name !== 'string' || entry.name.length === 0) {
        throw new InvalidSearchSpaceError(
          `search space: entry ${i}: field 'name' must be a non-empty string, got ${JSON.stringify(entry.name)}`,
          null,
          'name',
        );
      }
      return [entry.name, entry];
    });
  }
  if (isPlainObject(json)) {
    // JSON.parse keeps document order for object keys, except integer-like keys, which JavaScript lists
    // first in ascending order: that would silently reorder the space, so those names need the array form.
    const integerLike = Object.keys(json).find((key) => /^(0|[1-9]\d*)$/.test(key));
    if (integerLike !== undefined) {
      fail(integerLike, 'name', 'looks like an integer, which reorders an object map; use the array form');
    }
    return Object.entries(json).map(([key, entry]) => {
      if (!isPlainObject(entry))
        fail(key, null, `must be an object { type, ... }, got ${JSON.stringify(entry)}`);
      if (entry.name !== undefined && entry.name !== key) {
        fail(key, 'name', `must equal its key '${key}' when given, got ${JSON.stringify(entry.name)}`);
      }
      return [key, entry];
    });
  }
  throw new InvalidSearchSpaceError(
    `search space: must be an array of parameters or an object keyed by parameter name, got ${JSON.stringify(json)}`,
  );
}

function parseDistribution(name: string, entry: Entry): Distribution {
  const type = entry.type;
  if (!TYPES.includes(type as (typeof TYPES)[number])) {
    fail(
      name,
      'type',
      `must be one of ${TYPES.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(type)}`,
    );
  }
  const allowed: readonly string[] = type === 'categorical' ? CATEGORICAL_FIELDS : NUMERIC_FIELDS;
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) fail(name, key, `unknown field for a ${type as string} parameter`);
  }

  if (type === 'categorical') {
    const choices = entry.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
      fail(name, 'choices', `must be a non-empty array, got ${JSON.stringify(choices)}`);
    }
    return withField(name, 'choices', () => categoricalDistribution(choices as CategoricalChoice[]));
  }

  const low = finiteNumber(name, entry, 'low');
  const high = finiteNumber(name, entry, 'high');
  if (entry.log !== undefined && typeof entry.log !== 'boolean') {
    fail(name, 'log', `must be true or false, got ${JSON.stringify(entry.log)}`);
  }
  const log = entry.log === true;
  const stepGiven = entry.step !== undefined && entry.step !== null;
  const step = stepGiven ? finiteNumber(name, entry, 'step') : null;
  if (type === 'int') {
    if (!Number.isInteger(low)) fail(name, 'low', `must be an integer for an int parameter, got ${low}`);
    if (!Number.isInteger(high)) fail(name, 'high', `must be an integer for an int parameter, got ${high}`);
    if (step !== null && !Number.isInteger(step))
      fail(name, 'step', `must be an integer for an int parameter, got ${step}`);
  }
  if (low > high) fail(name, 'low', `must be <= high, got low=${low} > high=${high}`);
  // An int's default step is 1, so only an explicit step other than 1 conflicts with log.
  if (log && step !== null && !(type === 'int' && step === 1)) {
    fail(name, 'step', `cannot be used with log: true (step=${step})`);
  }
  if (log && low <= 0) fail(name, 'low', `must be > 0 with log: true, got low=${low}`);
  if (step !== null && step <= 0) fail(name, 'step', `must be > 0, got step=${step}`);
  // What is left for the constructors is the step grid: high - low must be a multiple of step.
  const field = step !== null ? 'step' : 'low';
  return type === 'int'
    ? withField(name, field, () => intDistribution(low, high, { log, step: step ?? 1 }))
    : withField(name, field, () => floatDistribution(low, high, { log, step }));
}

/** Runs a distribution constructor and names the parameter and field in its error. */
function withField(name: string, field: string, build: () => Distribution): Distribution {
  try {
    return build();
  } catch (e) {
    if (e instanceof InvalidDistributionError) fail(name, field, e.message);
    throw e;
  }
}

function parseWhen(
  name: string,
  raw: unknown,
  earlier: ReadonlyMap<string, Distribution>,
  all: ReadonlySet<string>,
): SpaceCondition | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    fail(
      name,
      'when',
      `must be a non-empty object { <earlier parameter>: value | [values] }, got ${JSON.stringify(raw)}`,
    );
  }
  const condition: Record<string, CategoricalChoice[]> = {};
  for (const [parent, wanted] of Object.entries(raw)) {
    const d = earlier.get(parent);
    if (!d) {
      fail(
        name,
        'when',
        all.has(parent)
          ? `refers to '${parent}', which comes after '${name}'; a condition can only use earlier parameters`
          : `refers to '${parent}', which is not a parameter of the space`,
      );
    }
    const values = Array.isArray(wanted) ? wanted : [wanted];
    if (values.length === 0) fail(name, 'when', `the values for '${parent}' must not be an empty array`);
    for (const v of values) {
      if (!isChoice(v))
        fail(
          name,
          'when',
          `value ${JSON.stringify(v)} for '${parent}' is not a string, number, boolean or null`,
        );
      // A value the parent can never take is a typo that would silently disable the parameter.
      const possible =
        d.type === 'categorical'
          ? d.choices.includes(v)
          : typeof v === 'number' && v >= d.low && v <= d.high && (d.type === 'float' || Number.isInteger(v));
      if (!possible) fail(name, 'when', `'${parent}' can never equal ${JSON.stringify(v)}`);
    }
    condition[parent] = values as CategoricalChoice[];
  }
  return condition;
}

/**
 * Validates a declarative search space: an array `[{ name, type, low, high, log, step, choices, when }]`
 * or an object keyed by parameter name (document order kept). Errors name the parameter and the field.
 * @throws InvalidSearchSpaceError
 */
export function parseSearchSpace(json: unknown): SearchSpaceDefinition {
  const entries = entriesOf(json);
  if (entries.length === 0)
    throw new InvalidSearchSpaceError('search space: must define at least one parameter');
  const all = new Set<string>();
  for (const [name] of entries) {
    if (all.has(name)) fail(name, 'name', 'is defined twice');
    all.add(name);
  }
  const earlier = new Map<string, Distribution>();
  const parameters: SpaceParameter[] = [];
  for (const [name, entry] of entries) {
    const distribution = parseDistribution(name, entry);
    const when = parseWhen(name, entry.when, earlier, all);
    parameters.push({ name, distribution, when });
    earlier.set(name, distribution);
  }
  return { parameters };
}

/** The space back as its JSON array form (what `parseSearchSpace` reads), e.g. to store it with a study. */
export function searchSpaceToJson(space: SearchSpaceDefinition): Array<Record<string, unknown>> {
  return space.parameters.map(({ name, distribution: d, when }) => {
    const out: Record<string, unknown> = { name, type: d.type };
    if (d.type === 'categorical') out.choices = [...d.choices];
    else {
      out.low = d.low;
      out.high = d.high;
      if (d.log) out.log = true;
      if (d.step !== null && !(d.type === 'int' && d.step === 1)) out.step = d.step;
    }
    if (when)
      out.when = Object.fromEntries(
        Object.entries(when).map(([k, v]) => [k, v.length === 1 ? v[0] : [...v]]),
      );
    return out;
  });
}

/** What `suggestFromSpace` needs of a trial: the live `Trial`, or a proxy of one in another process. */
export interface SuggestingTrial {
  suggestFloat(
    name: string,
    low: number,
    high: number,
    options?: { log?: boolean; step?: number | null },
  ): number;
  suggestInt(
    name: string,
    low: number,
    high: number,
    options?: { log?: boolean; step?: number | null },
  ): number;
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T;
}

/** Suggests one distribution on the trial, through the public define-by-run API. */
function suggestDistribution(trial: SuggestingTrial, name: string, d: Distribution): ParamValue {
  if (d.type === 'categorical') return trial.suggestCategorical(name, d.choices);
  if (d.type === 'int') return trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
  return trial.suggestFloat(name, d.low, d.high, { log: d.log, step: d.step });
}

/**
 * Suggests the active parameters of `space` on `trial`, in order (define-by-run: a parameter whose
 * `when` does not hold is never suggested, so the sampler never sees it), and returns their values.
 */
export function suggestFromSpace(
  trial: SuggestingTrial,
  space: SearchSpaceDefinition,
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const { name, distribution, when } of space.parameters) {
    const active =
      when === null ||
      Object.entries(when).every(
        ([parent, values]) => parent in params && values.includes(params[parent] as CategoricalChoice),
      );
    if (active) params[name] = suggestDistribution(trial, name, distribution);
  }
  return params;
}
