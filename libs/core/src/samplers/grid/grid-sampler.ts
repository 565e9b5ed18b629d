import { describe, type CategoricalChoice, type Distribution, type ParamValue } from '../../distributions';
import { InvalidArgumentError } from '../../errors';
import type { JsonValue } from '../../json';
import { checkKnownOptions, type OptionNames } from '../../options/known-options';
import { createRng, type Rng } from '../../random/rng';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { Sampler, SearchSpace } from '../sampler';
import type { TrialContext } from '../../trial/trial-context';

export type GridSearchSpace = Record<string, readonly CategoricalChoice[]>;

export interface GridSamplerOptions {
  /** Order in which unvisited grid points are taken. @defaultValue a random seed */
  seed?: number;
}

const GRID_SAMPLER_OPTIONS: OptionNames<GridSamplerOptions> = { seed: true };

/** System attributes: which grid point a trial runs, and on which grid. */
export const GRID_ID_ATTR = 'grid_id';
export const GRID_SPACE_ATTR = 'search_space';

/**
 * Exhaustive search over an explicit grid: each trial takes one grid point no other trial has taken
 * (finished or running), in a seeded random order; when every point has finished, the study stops.
 * Points are taken under the study's ask lock, so concurrent workers of one study never repeat one;
 * once every point is taken but some still run, a new trial repeats one of those (as Optuna does).
 */
export class GridSampler implements Sampler {
  private readonly names: string[];
  private readonly grid: GridSearchSpace;
  private readonly size: number;
  private readonly rng: Rng;

  constructor(searchSpace: GridSearchSpace, options: GridSamplerOptions = {}) {
    if (!searchSpace || typeof searchSpace !== 'object') {
      throw new InvalidArgumentError('GridSampler needs a search space: { name: [values...] }.');
    }
    this.names = Object.keys(searchSpace).sort();
    this.grid = {};
    for (const name of this.names) {
      const values = searchSpace[name];
      if (!Array.isArray(values) || values.length === 0) {
        throw new InvalidArgumentError(`GridSampler: '${name}' needs a non-empty array of values.`);
      }
      const odd = values.find(
        (v: unknown) =>
          !(
            v === null ||
            typeof v === 'string' ||
            typeof v === 'boolean' ||
            (typeof v === 'number' && Number.isFinite(v))
          ),
      );
      if (odd !== undefined) {
        throw new InvalidArgumentError(
          `GridSampler: the values of '${name}' must be strings, finite numbers, booleans or null, got ${JSON.stringify(odd)}.`,
        );
      }
      this.grid[name] = [...values];
    }
    checkKnownOptions('GridSampler', options, GRID_SAMPLER_OPTIONS);
    this.size = this.names.reduce((n, name) => n * this.grid[name].length, 1);
    this.rng = createRng(options.seed);
  }

  /** Number of grid points. */
  get gridSize(): number {
    return this.size;
  }

  /** Called once per trial at ask time: assigns an unvisited grid point. */
  beforeTrial(study: StudyView, trial: TrialContext): void {
    if (GRID_ID_ATTR in trial.systemAttrs) return; // an enqueued trial that already has its point
    const unvisited = this.unvisited(study, true);
    const candidates = unvisited.length > 0 ? unvisited : this.unvisited(study, false);
    // Everything finished: a trial asked anyway repeats a random point.
    const pool = candidates.length > 0 ? candidates : Array.from({ length: this.size }, (_, i) => i);
    const gridId = pool[this.rng.int(pool.length)];
    trial.setSystemAttr(GRID_SPACE_ATTR, this.grid as unknown as JsonValue);
    trial.setSystemAttr(GRID_ID_ATTR, gridId);
    // The last free point is taken: start no further trial, so that none repeats a running point.
    if (unvisited.length <= 1) study.stop();
  }

  /** Called once per trial at ask time: the grid is sampled independently, point by point. */
  inferRelativeSearchSpace(): SearchSpace {
    return {};
  }

  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  /** Called for each parameter as the objective suggests it: the value of this trial's grid point. */
  sampleIndependent(
    _study: StudyView,
    trial: TrialContext,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (!(name in this.grid)) {
      throw new InvalidArgumentError(
        `GridSampler: parameter '${name}' is not in the grid (${this.names.join(', ')}); add its values to the grid.`,
      );
    }
    const gridId = trial.systemAttrs[GRID_ID_ATTR] as number;
    const value = this.pointOf(gridId)[name];
    if (
      distribution.type !== 'categorical' &&
      (typeof value !== 'number' || value < distribution.low || value > distribution.high)
    ) {
      throw new InvalidArgumentError(
        `GridSampler: value ${JSON.stringify(value)} of '${name}' is outside ${describe(distribution)}.`,
      );
    }
    return value;
  }

  /** Called at tell time: stops the study once this trial finishes the last unvisited point. */
  afterTrial(study: StudyView, trial: FrozenTrial): void {
    const left = this.unvisited(study, false).filter((id) => id !== trial.systemAttrs[GRID_ID_ATTR]);
    if (left.length === 0) study.stop();
  }

  /** The parameter values of grid point `gridId` (mixed radix over the sorted names). */
  pointOf(gridId: number): Record<string, CategoricalChoice> {
    const point: Record<string, CategoricalChoice> = {};
    let rest = gridId;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const values = this.grid[this.names[i]];
      point[this.names[i]] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    return point;
  }

  /** Grid ids not finished by a trial of this grid (nor running or queued, when `excludeRunning`). */
  private unvisited(study: StudyView, excludeRunning: boolean): number[] {
    const taken = new Set<number>();
    const key = JSON.stringify(this.grid);
    for (const t of study.getTrials()) {
      const id = t.systemAttrs[GRID_ID_ATTR];
      if (typeof id !== 'number' || JSON.stringify(t.systemAttrs[GRID_SPACE_ATTR]) !== key) continue;
      if (t.state === 'COMPLETE' || t.state === 'PRUNED' || t.state === 'FAIL') taken.add(id);
      // WAITING trials are planned by a scheduler and queued: their points are as good as running.
      else if (excludeRunning && (t.state === 'RUNNING' || t.state === 'WAITING')) taken.add(id);
    }
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (!taken.has(i)) out.push(i);
    return out;
  }
}
