import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/trial-state';
import { InvalidArgumentError } from '../errors';

/**
 * What every plot that shows objective values needs to know about the study. Plot data is plain JSON
 * and says nothing of colours or chart types: the HTML report and the live dashboard draw the same data.
 */
export interface PlotStudy {
  /** One direction per objective, as the study has them. */
  readonly directions: readonly StudyDirection[];
  /** Display names of the objectives. @defaultValue 'Objective Value' for one objective, 'Objective i' for several */
  readonly objectiveNames?: readonly string[];
}

/** Which objective a plot shows, and how to label it. */
export interface PlotObjective {
  readonly index: number;
  readonly name: string;
  readonly direction: StudyDirection;
}

/** The objective `index` of `study`, checked, with its display name. */
export function plotObjective(study: PlotStudy, index = 0): PlotObjective {
  const n = study.directions.length;
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new InvalidArgumentError(`objective must be an integer in [0, ${n - 1}], got ${index}`);
  }
  if (study.objectiveNames !== undefined && study.objectiveNames.length !== n) {
    throw new InvalidArgumentError(
      `objectiveNames must have one name per objective (${n}), got ${study.objectiveNames.length}`,
    );
  }
  const name = study.objectiveNames?.[index] ?? (n === 1 ? 'Objective Value' : `Objective ${index}`);
  return { index, name, direction: study.directions[index] };
}

/** A COMPLETE trial with a finite value for the chosen objective, and that value. */
export interface ScoredTrial {
  readonly trial: FrozenTrial;
  readonly value: number;
}

/**
 * The COMPLETE trials with a finite value for objective `index`, in trial-number order. Pruned and
 * failed trials have no final value to show, and JSON cannot carry an infinite one.
 */
export function scoredTrials(trials: readonly FrozenTrial[], index: number): ScoredTrial[] {
  const out: ScoredTrial[] = [];
  for (const trial of trials) {
    if (trial.state !== 'COMPLETE' || trial.values === null) continue;
    const value = trial.values[index];
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ trial, value });
  }
  return out.sort((a, b) => a.trial.number - b.trial.number);
}

/** Whether `a` is better than `b` in `direction`. */
export function isBetter(a: number, b: number, direction: StudyDirection): boolean {
  return direction === 'minimize' ? a < b : a > b;
}
