import { categoricalDistribution, floatDistribution } from '../distributions';
import { createRng } from '../random/rng';
import { PLOT_KINDS, studyPlots } from './study-plots';
import { makeTrial } from './testing/make-trial';

const a = floatDistribution(0, 1);
const k = categoricalDistribution(['p', 'q']);

function study(n: number) {
  const rng = createRng(5);
  return Array.from({ length: n }, (_, i) => {
    const params = {
      a: rng.random(),
      b: rng.random(),
      c: rng.random(),
      d: rng.random(),
      k: rng.int(2) ? 'q' : 'p',
    };
    const value = 10 * params.a + 3 * params.b + (params.k === 'q' ? 5 : 0);
    return makeTrial(i, {
      values: [value],
      params,
      distributions: { a, b: a, c: a, d: a, k },
      intermediateValues: { 1: value },
    });
  });
}

describe('studyPlots', () => {
  it('builds every plot, contours over the most important parameters, and is JSON that round-trips', () => {
    const plots = studyPlots(study(60), { directions: ['minimize'] }, { contourParams: 3, gridSize: 4 });
    expect(plots.importances!.map((r) => r.param).slice(0, 3)).toEqual(['a', 'k', 'b']);
    expect(plots.contour.params).toEqual(['a', 'b', 'k']);
    expect(plots.paretoFront).toBeNull();
    expect(plots.hypervolumeHistory).toBeNull();
    expect(plots.intermediateValues.curves).toHaveLength(60);
    const kinds = Object.values(plots)
      .filter((p) => p !== null && !Array.isArray(p))
      .map((p) => (p as { kind: string }).kind);
    const multiObjectiveOnly = ['pareto-front', 'hypervolume-history'];
    expect(new Set(kinds)).toEqual(new Set(PLOT_KINDS.filter((kind) => !multiObjectiveOnly.includes(kind))));
    expect(JSON.parse(JSON.stringify(plots))).toEqual(plots);
  });

  it('is the same for the same trials, and starts empty', () => {
    expect(studyPlots(study(20), { directions: ['minimize'] })).toEqual(
      studyPlots(study(20), { directions: ['minimize'] }),
    );
    const empty = studyPlots([], { directions: ['minimize', 'maximize'] });
    expect(empty.importances).toBeNull();
    expect(empty.paretoFront!.points).toEqual([]);
    expect(empty.hypervolumeHistory).toMatchObject({ referencePoint: null, points: [] });
    expect(empty.contour.pairs).toEqual([]);
  });
});
