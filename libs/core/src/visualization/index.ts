/**
 * Plot data: pure functions from trials to plain JSON, one per plot of Optuna's `optuna.visualization`.
 * They choose no chart library; the HTML report and the dashboard both draw from them.
 */
export { plotObjective, type PlotObjective, type PlotStudy } from './plot-common';
export { paramAxis, axisCoordinate, type AxisScale, type ParamAxis } from './param-axis';
export * from './optimization-history';
export * from './slice';
export * from './contour';
export * from './parallel-coordinates';
export * from './intermediate-values';
export * from './empirical-distribution';
export * from './timeline';
export * from './pareto-front';
export * from './hypervolume-history-plot';
export * from './study-plots';
