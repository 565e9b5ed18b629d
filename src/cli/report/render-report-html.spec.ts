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
    expect(panels(render(['minimize', 'maximize']))).toEqual(
      expect.arrayContaining(['pareto-front', 'hypervolume-history']),
    );
    expect(render(['minimize', 'maximize'])).toContain('Pareto front');
  });
});

describe('the report of a constrained multi-objective study', () => {
  // f1, f2 minimized; trial 0 would dominate everything but breaks its constraint, trial 3 is dominated.
  const rows: Array<[number[], number[]]> = [
    [[0, 0], [0.5]],
    [[1, 3], [-1]],
    [[3, 1], [0]],
    [[4, 4], [-1]],
  ];
  const trials: FrozenTrial[] = rows.map(([values, constraints], number) => ({
    ...complete(number, 0, { x: number }),
    distributions: { x: { type: 'float', low: 0, high: 10, log: false, step: null } },
    values,
    systemAttrs: { constraints },
  }));
  const model = buildReportModel({
    studyName: 'constrained',
    directions: ['minimize', 'minimize'],
    trials,
    generatedAt: 0,
  });
  const html = renderReportHtml(model, ASSETS);
  const block = /<script type="application\/json" id="tuneforge-report-data">(.*?)<\/script>/s.exec(html)![1];
  const { plots } = JSON.parse(block);

  it('lists the feasible Pareto front as best, not the infeasible trial that looks better', () => {
    expect(model.best.map((b) => b.number)).toEqual([1, 2]);
    const front = /<table class="front">.*?<tbody>(.*?)<\/tbody>/s.exec(html)![1];
    expect([...front.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([1, 2]);
    expect(html).toContain('(2 feasible trials)');
  });

  it('says in the trial table which trials are feasible', () => {
    expect(model.table.columns.slice(0, 5)).toEqual(['number', 'state', 'values_0', 'values_1', 'feasible']);
    expect(model.table.rows.map((r) => r.cells[4])).toEqual(['no', 'yes', 'yes', 'yes']);
  });

  it('embeds the front with the infeasible trials flagged, and the hypervolume history', () => {
    expect(
      plots.paretoFront.points.map((p: { number: number; feasible: boolean; dominated: boolean }) => [
        p.number,
        p.feasible,
        p.dominated,
      ]),
    ).toEqual([
      [0, false, true],
      [1, true, false],
      [2, true, false],
      [3, true, true],
    ]);
    expect(plots.paretoFront.constrained).toBe(true);
    // Default reference point: the worst of each objective (4, 4) moved 10 % of its range (0.4) further.
    expect(plots.hypervolumeHistory.referencePoint).toEqual([4.4, 4.4]);
    const volumes = plots.hypervolumeHistory.points.map((p: { hypervolume: number }) => p.hypervolume);
    // Trial 0 is infeasible and adds nothing; trial 1 adds 3.4 x 1.4, trial 2 the rest of its box.
    expect(volumes[0]).toBe(0);
    expect(volumes[1]).toBeCloseTo(3.4 * 1.4, 12);
    expect(volumes[2]).toBeCloseTo(3.4 * 1.4 + 1.4 * 3.4 - 1.4 * 1.4, 12);
    expect(volumes[3]).toBe(volumes[2]);
  });

  it('says in each panel how infeasible trials are drawn and where the hypervolume is measured from', () => {
    const note = (id: string) =>
      new RegExp(`<section class="panel" id="panel-${id}"><h2>[^<]*</h2><p class="note">([^<]*)</p>`).exec(
        html,
      )![1];
    expect(note('pareto-front')).toMatch(
      /Infeasible trials \(a constraint &#62; 0\) are hollow purple diamonds/,
    );
    expect(note('hypervolume-history')).toMatch(
      /Reference point \(4\.4, 4\.4\): the worst value of each objective/,
    );
  });
});

describe('jsonForScript', () => {
  it('keeps `<` and line separators out of the script block', () => {
    const text = jsonForScript({ a: '</script><!--', b: '\u2028' });
    expect(text).not.toMatch(/[<\u2028]/);
    expect(JSON.parse(text)).toEqual({ a: '</script><!--', b: '\u2028' });
  });
});
