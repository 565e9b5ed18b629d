import { categoricalDistribution, floatDistribution } from '../distributions';
import { contourPlot } from './contour';
import { makeTrial } from './testing/make-trial';

const x = floatDistribution(0, 1);
const y = floatDistribution(1, 100, { log: true });
const c = categoricalDistribution(['a', 'b', 'c']);

describe('contourPlot', () => {
  const trials = [
    makeTrial(0, { values: [1], params: { x: 0, y: 1, c: 'a' }, distributions: { x, y, c } }),
    makeTrial(1, { values: [2], params: { x: 1, y: 100, c: 'c' }, distributions: { x, y, c } }),
    makeTrial(2, { values: [3], params: { x: 0.5, y: 10 }, distributions: { x, y } }),
    makeTrial(3, { state: 'FAIL', params: { x: 0.2, y: 2, c: 'b' }, distributions: { x, y, c } }),
  ];

  it('pairs every two parameters in name order, with the completed trials that have both', () => {
    const data = contourPlot(trials, { directions: ['minimize'] }, { gridSize: 5 });
    expect(data.params).toEqual(['c', 'x', 'y']);
    expect(data.pairs.map((p) => [p.x.name, p.y.name])).toEqual([
      ['c', 'x'],
      ['c', 'y'],
      ['x', 'y'],
    ]);
    const xy = data.pairs[2];
    expect(xy.points).toEqual([
      { number: 0, x: 0, y: 1, value: 1 },
      { number: 1, x: 1, y: 100, value: 2 },
      { number: 2, x: 0.5, y: 10, value: 3 },
    ]);
    expect(data.pairs[0].points.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [2, 1],
    ]);
  });

  it('interpolates a grid over the ranges, log axes evenly in log space, categories one node each', () => {
    const data = contourPlot(trials, { directions: ['minimize'] }, { gridSize: 5 });
    const xy = data.pairs[2].grid!;
    expect(xy.xs).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(xy.ys.map((v) => Math.log10(v))).toEqual([0, 0.5, 1, 1.5, 2].map((e) => expect.closeTo(e, 12)));
    expect(xy.z).toHaveLength(5);
    expect(xy.z[0]).toHaveLength(5);
    // Nodes on the data points carry their values: (0, 1), (1, 100), and (0.5, 10) at the centre.
    expect(xy.z[0][0]).toBe(1);
    expect(xy.z[4][4]).toBe(2);
    expect(xy.z[2][2]).toBe(3);
    expect(data.pairs[0].grid!.xs).toEqual([0, 1, 2]);
  });

  it('leaves the grid out when asked, or with fewer than two points', () => {
    expect(contourPlot(trials, { directions: ['minimize'] }, { gridSize: 0 }).pairs[2].grid).toBeNull();
    expect(contourPlot(trials.slice(0, 1), { directions: ['minimize'] }).pairs[0].grid).toBeNull();
  });

  it('refuses a grid of one node', () => {
    expect(() => contourPlot(trials, { directions: ['minimize'] }, { gridSize: 1 })).toThrow(
      'gridSize must be 0 or an integer >= 2, got 1',
    );
  });
});
