import type { Distribution, ParamValue } from '../distributions';
import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';

/** How an axis is scaled: numbers on a linear or logarithmic scale, or categories at 0, 1, 2, … */
export type AxisScale = 'linear' | 'log' | 'category';

/** How to draw one parameter on an axis. Point coordinates on it are numbers (a category's index). */
export interface ParamAxis {
  readonly name: string;
  readonly scale: AxisScale;
  /** Integer-valued parameter (int distributions, and categories): ticks need not show fractions. */
  readonly integer: boolean;
  /** [low, high] of the distribution(s) the trials used; [0, k - 1] for k categories. */
  readonly range: readonly [number, number];
  /** The category labels in index order (`String(choice)`); null for numeric axes. */
  readonly categories: readonly string[] | null;
}

/**
 * The axis of parameter `name` over the trials that have it. In a define-by-run study one name may meet
 * several distributions (ranges that changed between runs), so the axis spans all of them: numeric
 * ranges are joined, the scale is log only when every distribution was, and categories are the union of
 * the choices in order of first appearance. A name that was categorical in some trials and numeric in
 * others is drawn as categories of the values' text. Categories are labelled by `String(choice)`, so
 * choices that print alike (`1` and `'1'`) share one.
 */
export function paramAxis(trials: readonly FrozenTrial[], name: string): ParamAxis {
  const dists: Distribution[] = [];
  for (const t of trials) {
    const d = t.distributions[name];
    if (d !== undefined && name in t.params) dists.push(d);
  }
  if (dists.length === 0) throw new InvalidArgumentError(`no trial has the parameter '${name}'`);
  if (dists.some((d) => d.type === 'categorical')) {
    const labels = new Set<string>();
    for (const d of dists) if (d.type === 'categorical') for (const c of d.choices) labels.add(String(c));
    for (const t of trials) if (name in t.params) labels.add(String(t.params[name]));
    const categories = [...labels];
    return { name, scale: 'category', integer: true, range: [0, categories.length - 1], categories };
  }
  let low = Infinity;
  let high = -Infinity;
  let log = true;
  let integer = true;
  for (const d of dists) {
    if (d.type === 'categorical') continue;
    low = Math.min(low, d.low);
    high = Math.max(high, d.high);
    log &&= d.log;
    integer &&= d.type === 'int';
  }
  return { name, scale: log ? 'log' : 'linear', integer, range: [low, high], categories: null };
}

/** The coordinate of `value` on `axis`: the number itself, or the category's index. */
export function axisCoordinate(axis: ParamAxis, value: ParamValue): number {
  if (axis.categories === null) return value as number;
  return axis.categories.indexOf(String(value));
}

/** A position in [0, 1] along the axis (log axes in log space), for interpolation and distances. */
export function axisFraction(axis: ParamAxis, coordinate: number): number {
  const [low, high] = axis.range;
  if (high === low) return 0.5;
  if (axis.scale === 'log') return (Math.log(coordinate) - Math.log(low)) / (Math.log(high) - Math.log(low));
  return (coordinate - low) / (high - low);
}

/** The inverse of `axisFraction`. */
export function axisAtFraction(axis: ParamAxis, fraction: number): number {
  const [low, high] = axis.range;
  if (axis.scale === 'log') return Math.exp(Math.log(low) + fraction * (Math.log(high) - Math.log(low)));
  return low + fraction * (high - low);
}

/**
 * The parameter names that appear in the trials, sorted by name (as Optuna orders them, so every view
 * of a study lists them alike); with `requireAll`, only the names present in every trial.
 */
export function paramNames(trials: readonly FrozenTrial[], requireAll = false): string[] {
  const counts = new Map<string, number>();
  for (const t of trials) for (const n of Object.keys(t.params)) counts.set(n, (counts.get(n) ?? 0) + 1);
  const names = [...counts].filter(([, c]) => !requireAll || c === trials.length).map(([n]) => n);
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks that every requested parameter appears in some trial; returns the list to plot. */
export function selectParams(
  trials: readonly FrozenTrial[],
  params: readonly string[] | undefined,
  requireAll = false,
): string[] {
  if (params === undefined) return paramNames(trials, requireAll);
  const known = new Set(paramNames(trials));
  for (const p of params) {
    if (!known.has(p)) throw new InvalidArgumentError(`no trial has the parameter '${p}'`);
  }
  return [...params];
}
