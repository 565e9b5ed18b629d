/** One series of a drawn chart, as `data-series` on the chart's box says it. */
export interface SeriesSummary {
  readonly name: string;
  /** Data items drawn. */
  readonly count: number;
  /** The last data item, e.g. [trial, hypervolume] of a history. */
  readonly last: unknown;
}

interface DrawnChart {
  getOption(): unknown;
}

/**
 * The series a chart holds after drawing, read back from ECharts (not from what was asked): what the
 * browser tests check of a chart without reading pixels, and a reader can inspect.
 */
export function seriesSummary(chart: DrawnChart): SeriesSummary[] {
  const option = chart.getOption() as { series?: Array<{ name?: unknown; data?: unknown }> };
  return (option.series ?? []).map((s) => {
    const data = Array.isArray(s.data) ? s.data : [];
    return {
      name: typeof s.name === 'string' ? s.name : '',
      count: data.length,
      last: data.length > 0 ? data[data.length - 1] : null,
    };
  });
}

/** Writes the summary on the chart's box. */
export function markSeries(box: HTMLElement, chart: DrawnChart): void {
  box.setAttribute('data-series', JSON.stringify(seriesSummary(chart)));
}
