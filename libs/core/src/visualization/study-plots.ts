import { importances, type ParamImportance } from '../importance/param-importances';
import type { FrozenTrial } from '../trial/frozen-trial';
import { contourPlot, type ContourData } from './contour';
import { empiricalDistribution, type EmpiricalDistributionData } from './empirical-distribution';
import { hypervolumeHistoryPlot, type HypervolumeHistoryData } from './hypervolume-history-plot';
import { intermediateValues, type IntermediateValuesData } from './intermediate-values';
import { optimizationHistory, type OptimizationHistoryData } from './optimization-history';
import { parallelCoordinates, type ParallelCoordinatesData } from './parallel-coordinates';
import { paretoFrontPlot, type ParetoFrontData } from './pareto-front';
import { paramNames } from './param-axis';
import { plotObjective, scoredTrials, type PlotStudy } from './plot-common';
import { slicePlot, type SliceData } from './slice';
import { timeline, type TimelineData } from './timeline';

/** The plot data of one plot kind; `kind` tells them apart in JSON. */
export type PlotData =
  | OptimizationHistoryData
  | SliceData
  | ContourData
  | ParallelCoordinatesData
  | IntermediateValuesData
  | EmpiricalDistributionData
  | TimelineData
  | ParetoFrontData
  | HypervolumeHistoryData;

export type PlotKind = PlotData['kind'];

export const PLOT_KINDS: readonly PlotKind[] = [
  'optimization-history',
  'slice',
  'contour',
  'parallel-coordinates',
  'intermediate-values',
  'empirical-distribution',
  'timeline',
  'pareto-front',
  'hypervolume-history',
];

export interface StudyPlotsOptions {
  /** The objective that slice, contour, parallel coordinates, EDF and importances show. @defaultValue 0 */
  readonly objective?: number;
  /** Where running trials end on the timeline, in epoch ms. @defaultValue the latest time in the trials */
  readonly now?: number;
  /** Seed of the importance forest. @defaultValue 0 */
  readonly importanceSeed?: number;
  /**
   * How many parameters the contour pairs up (n of them give n(n-1)/2 pairs): the most important ones,
   * or the first by name when importances are unknown. @defaultValue 4
   */
  readonly contourParams?: number;
  /** Grid nodes per numeric contour axis. @defaultValue 30 */
  readonly gridSize?: number;
}

/** Every plot of a study at once: what the HTML report embeds and the dashboard's study page draws. */
export interface StudyPlots {
  readonly optimizationHistory: OptimizationHistoryData;
  readonly slice: SliceData;
  readonly contour: ContourData;
  readonly parallelCoordinates: ParallelCoordinatesData;
  readonly intermediateValues: IntermediateValuesData;
  readonly empiricalDistribution: EmpiricalDistributionData;
  readonly timeline: TimelineData;
  /** Of every objective; null for a single-objective study. */
  readonly paretoFront: ParetoFrontData | null;
  /** Of every objective, from the default reference point; null for a single-objective study. */
  readonly hypervolumeHistory: HypervolumeHistoryData | null;
  /** null until two completed trials have every common parameter. */
  readonly importances: readonly ParamImportance[] | null;
}

/**
 * Importances are fitted on a seeded sample of this many trials at most: on all of 3 000 the forest took
 * about a second (and grows faster than the trials), on the API's event loop after each finished trial.
 */
const IMPORTANCE_MAX_TRIALS = 1_000;

/**
 * All plot data of a study from its trials. Pure and deterministic (the importance forest and its sample
 * are seeded), so a report written twice from the same trials is the same file, and the dashboard can cache
 * by trial count.
 */
export function studyPlots(
  trials: readonly FrozenTrial[],
  study: PlotStudy,
  options: StudyPlotsOptions = {},
): StudyPlots {
  const objective = plotObjective(study, options.objective).index;
  const usable = scoredTrials(trials, objective).map((s) => s.trial);
  const ranked =
    usable.length >= 2
      ? importances(usable, { seed: options.importanceSeed, objective, maxTrials: IMPORTANCE_MAX_TRIALS })
      : null;
  const contourCount = options.contourParams ?? 4;
  const contourNames = (
    ranked !== null && ranked.length > 0 ? ranked.map((r) => r.param) : paramNames(trials)
  )
    .slice(0, contourCount)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = study.directions.length;
  return {
    optimizationHistory: optimizationHistory(trials, study),
    slice: slicePlot(trials, study, { objective }),
    contour: contourPlot(trials, study, { objective, params: contourNames, gridSize: options.gridSize }),
    parallelCoordinates: parallelCoordinates(trials, study, { objective }),
    intermediateValues: intermediateValues(trials),
    empiricalDistribution: empiricalDistribution(trials, study, { objective }),
    timeline: timeline(trials, { now: options.now }),
    paretoFront: n >= 2 ? paretoFrontPlot(trials, study) : null,
    hypervolumeHistory: n >= 2 ? hypervolumeHistoryPlot(trials, study) : null,
    importances: ranked,
  };
}
