import type { CategoricalChoice, Distribution, ParamValue } from '../distributions';
import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';

/** How one parameter becomes a number for the forest, and the interval that number ranges over. */
export interface ParamEncoding {
  readonly name: string;
  readonly bounds: readonly [number, number];
  readonly encode: (value: ParamValue) => number;
}

/**
 * The encoding of parameter `name` over the distributions the trials used for it, or null when they
 * cannot share one (categorical in some trials, numeric in others).
 *
 * The bounds are chosen so that volume follows how the parameter is sampled, because fANOVA integrates
 * over the box uniformly: log parameters are encoded by their logarithm; an int, a stepped float or a
 * categorical (its choice index) gets half a step of room on each side, so every value owns an equal
 * share of the axis. Several distributions of one name (ranges changed between runs) are joined.
 */
export function encodeParam(trials: readonly FrozenTrial[], name: string): ParamEncoding | null {
  const dists: Distribution[] = [];
  for (const t of trials) if (t.distributions[name] !== undefined) dists.push(t.distributions[name]);
  if (dists.length === 0) return null;
  if (dists.every((d) => d.type === 'categorical')) {
    const choices: CategoricalChoice[] = [];
    for (const d of dists) for (const c of d.choices) if (!choices.includes(c)) choices.push(c);
    return {
      name,
      bounds: [-0.5, choices.length - 0.5],
      encode: (v) => choices.indexOf(v as CategoricalChoice),
    };
  }
  if (dists.some((d) => d.type === 'categorical')) return null;
  let low = Infinity;
  let high = -Infinity;
  let log = true;
  let halfStep = Infinity;
  for (const d of dists) {
    if (d.type === 'categorical') continue;
    low = Math.min(low, d.low);
    high = Math.max(high, d.high);
    log &&= d.log;
    const step = d.type === 'int' ? d.step : d.step;
    halfStep = Math.min(halfStep, step === null ? 0 : step / 2);
  }
  if (log) {
    // A log int keeps half a unit of room on each side, measured before the logarithm (low >= 1).
    return {
      name,
      bounds: [Math.log(low - halfStep), Math.log(high + halfStep)],
      encode: (v) => Math.log(v as number),
    };
  }
  return { name, bounds: [low - halfStep, high + halfStep], encode: (v) => v as number };
}

/** The parameters every trial has and that can be encoded, sorted by name (the intersection search space). */
export function commonParams(trials: readonly FrozenTrial[]): string[] {
  if (trials.length === 0) return [];
  const names = Object.keys(trials[0].params).filter(
    (n) => trials.every((t) => n in t.params) && encodeParam(trials, n) !== null,
  );
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The encoding of each named parameter, or an error naming the one that has none. */
export function encodeParams(trials: readonly FrozenTrial[], names: readonly string[]): ParamEncoding[] {
  return names.map((name) => {
    const encoding = encodeParam(trials, name);
    if (encoding === null) {
      throw new InvalidArgumentError(
        `parameter '${name}' ${trials.some((t) => name in t.params) ? 'is categorical in some trials and numeric in others' : 'is in no completed trial'}`,
      );
    }
    return encoding;
  });
}
