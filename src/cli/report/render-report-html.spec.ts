import type { FrozenTrial } from '@tuneforge/core';
import { escapeHtml, jsonForScript, renderReportHtml } from './render-report-html';
import { buildReportModel } from './report-model';

const ASSETS = { chartLibrary: 'var echarts = {}; // "</script>" in a string', clientScript: 'void 0;' };
const EVIL = '</script><script>alert(1)</script>';

function complete(number: number, value: number, params: FrozenTrial['params']): FrozenTrial {
  return {
    trialId: number,
    number,
    state: 'COMPLETE',
    values: [value],
    params,
    distributions: { [Object.keys(params)[0]]: { type: 'categorical', choices: [EVIL, 'b'] } },
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 0,
    datetimeComplete: 10,
  };
}

function render(directions: ('minimize' | 'maximize')[] = ['minimize']): string {
  const model = buildReportModel({
    studyName: EVIL,
    directions,
    trials: [complete(0, 1, { [EVIL]: EVIL }), complete(1, 2, { [EVIL]: 'b' })].map((t) => ({
      ...t,
      values: directions.map((_, i) => t.values![0] + i),
    })),
    userAttrs: { note: EVIL },
    generatedAt: 0,
  });
  return renderReportHtml(model, ASSETS);
}

describe('renderReportHtml', () => {
  it('escapes names everywhere, so that no study or parameter name can run a script', () => {
    const html = render();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(escapeHtml(EVIL));
    // Exactly our three scripts: the data block, the chart library and the client.
    expect(html.match(/<script[ >]/g)).toHaveLength(3);
  });

  it('embeds the plot data as JSON that reads back unchanged', () => {
    const html = render();
    const block = /<script type="application\/json" id="tuneforge-report-data">(.*?)<\/script>/s.exec(
      html,
    )![1];
    const data = JSON.parse(block);
    expect(data.directions).toEqual(['minimize']);
    expect(data.plots.slice.params[0].axis.categories).toEqual([EVIL, 'b']);
  });

  it('inlines the assets and loads nothing from elsewhere', () => {
    const html = render();
    expect(html).toContain('var echarts = {}; // "<\\/script>" in a string');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/);
  });

  it('has one panel per plot, and the Pareto front only with several objectives', () => {
    const panels = (html: string) => [...html.matchAll(/data-plot="([a-z-]+)"/g)].map((m) => m[1]);
    expect(panels(render())).toEqual([
      'optimization-history',
      'importances',
      'intermediate-values',
      'slice',
      'contour',
      'parallel-coordinates',
      'empirical-distribution',
      'timeline',
    ]);
    expect(panels(render(['minimize', 'maximize']))).toContain('pareto-front');
    expect(render(['minimize', 'maximize'])).toContain('Pareto front');
  });
});

describe('jsonForScript', () => {
  it('keeps `<` and line separators out of the script block', () => {
    const text = jsonForScript({ a: '</script><!--', b: '\u2028' });
    expect(text).not.toMatch(/[<\u2028]/);
    expect(JSON.parse(text)).toEqual({ a: '</script><!--', b: '\u2028' });
  });
});
