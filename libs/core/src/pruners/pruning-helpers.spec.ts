import { InvalidArgumentError } from '../errors';
import {
  bestIntermediateValue,
  checkIntegerOption,
  isFirstInIntervalStep,
  nanBest,
  nanPercentile,
  percentileAtStep,
  pruningDirection,
  reportedSteps,
} from './pruning-helpers';
import type { FrozenTrial } from '../trial/frozen-trial';
import { fakeHistory, fakeStudy, frozenTrial } from './testing/pruner-fixtures';

describe('pruning helpers', () => {
  describe('isFirstInIntervalStep', () => {
    it('is true at every step with an interval of 1 and no warm-up', () => {
      expect(isFirstInIntervalStep(0, [0], 0, 1)).toBe(true);
      expect(isFirstInIntervalStep(1, [0, 1], 0, 1)).toBe(true);
      expect(isFirstInIntervalStep(7, [0, 1, 7], 0, 1)).toBe(true);
    });

    it('is true only at the first reported step of each interval, counted from the warm-up', () => {
      // Warm-up 2, interval 3: intervals start at 2, 5, 8.
      expect(isFirstInIntervalStep(2, [0, 1, 2], 2, 3)).toBe(true);
      expect(isFirstInIntervalStep(3, [0, 1, 2, 3], 2, 3)).toBe(false);
      expect(isFirstInIntervalStep(4, [0, 1, 2, 3, 4], 2, 3)).toBe(false);
      expect(isFirstInIntervalStep(5, [0, 1, 2, 3, 4, 5], 2, 3)).toBe(true);
    });

    it('moves a check whose step was not reported to the next step reported', () => {
      // Steps 0 and 4 reported, interval 3: 4 is the first report of the interval [3, 6).
      expect(isFirstInIntervalStep(4, [0, 4], 0, 3)).toBe(true);
      expect(isFirstInIntervalStep(5, [0, 4, 5], 0, 3)).toBe(false);
      // Reports arriving out of order: only the largest other step matters.
      expect(isFirstInIntervalStep(6, [4, 0, 6], 0, 3)).toBe(true);
    });
  });

  describe('nanPercentile', () => {
    it('interpolates linearly between closest ranks as numpy.nanpercentile', () => {
      expect(nanPercentile([1, 2, 3, 4, 5], 25)).toBe(2);
      expect(nanPercentile([5, 4, 3, 2, 1], 75)).toBe(4);
      expect(nanPercentile([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], 25)).toBe(0.3);
      expect(nanPercentile([1, 2, 10], 40)).toBe(1.8);
      // The same float as numpy (0.5800000000000001), not merely a close one.
      expect(nanPercentile([0.3, 0.1, 0.7, 0.2], 90)).toBe(0.5800000000000001);
      expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
      expect(nanPercentile([1, 2, 3, 4], 0)).toBe(1);
      expect(nanPercentile([1, 2, 3, 4], 100)).toBe(4);
      expect(nanPercentile([7], 30)).toBe(7);
    });

    it('ignores NaN values and is NaN when nothing else is left', () => {
      expect(nanPercentile([0.1, 0.2, 0.3, 0.4, 0.5, NaN, NaN, NaN, NaN], 25)).toBe(0.2);
      expect(nanPercentile([NaN, NaN], 50)).toBeNaN();
      expect(nanPercentile([], 50)).toBeNaN();
    });
  });

  it('percentileAtStep reads the step of every trial that reported it, counting from the best end', () => {
    // The values the library's pruning history gives for `step`.
    const atStep = (trials: readonly FrozenTrial[], step: number) => fakeHistory(trials).valuesAtStep(step);
    const completed = [1, 2, 3, 4, 5].map((v, i) => frozenTrial(i, { state: 'COMPLETE', curve: { 3: v } }));
    completed.push(frozenTrial(5, { state: 'COMPLETE', curve: { 2: 100 } }));
    expect(percentileAtStep(atStep(completed, 3), 'minimize', 25, 1)).toBe(2);
    expect(percentileAtStep(atStep(completed, 3), 'maximize', 25, 1)).toBe(4);
    // Five trials reported step 3, one only step 2.
    expect(percentileAtStep(atStep(completed, 3), 'minimize', 25, 5)).toBe(2);
    expect(percentileAtStep(atStep(completed, 3), 'minimize', 25, 6)).toBeNaN();
    expect(percentileAtStep(atStep(completed, 9), 'minimize', 25, 1)).toBeNaN();
    // A NaN counts as reported for nMinTrials, but not in the percentile itself.
    const withNaN = [
      frozenTrial(0, { state: 'COMPLETE', curve: { 1: NaN } }),
      frozenTrial(1, { state: 'COMPLETE', curve: { 1: 4 } }),
    ];
    expect(percentileAtStep(atStep(withNaN, 1), 'minimize', 50, 2)).toBe(4);
  });

  it('bestIntermediateValue ignores NaN and is NaN for an all-NaN curve', () => {
    expect(bestIntermediateValue(frozenTrial(0, { curve: [0.1, 0.2] }), 'minimize')).toBe(0.1);
    expect(bestIntermediateValue(frozenTrial(0, { curve: [0.1, 0.2] }), 'maximize')).toBe(0.2);
    expect(bestIntermediateValue(frozenTrial(0, { curve: [0.3, NaN] }), 'minimize')).toBe(0.3);
    expect(bestIntermediateValue(frozenTrial(0, { curve: [NaN] }), 'maximize')).toBeNaN();
    expect(nanBest([], 'minimize')).toBeNaN();
  });

  it('reportedSteps sorts steps as numbers', () => {
    expect(reportedSteps(frozenTrial(0, { curve: { 10: 1, 9: 2, 100: 3 } }))).toEqual([9, 10, 100]);
  });

  it('pruningDirection refuses multi-objective studies', () => {
    expect(pruningDirection(fakeStudy([], { directions: ['maximize'] }))).toBe('maximize');
    const twoObjectives = fakeStudy([], { directions: ['minimize', 'maximize'], studyName: 'mo' });
    expect(() => pruningDirection(twoObjectives)).toThrow(InvalidArgumentError);
    expect(() => pruningDirection(twoObjectives)).toThrow(
      "Pruning supports one objective only; study 'mo' has 2",
    );
  });

  it('checkIntegerOption names the option', () => {
    expect(() => checkIntegerOption('intervalSteps', 0, 1)).toThrow(
      new RangeError('intervalSteps must be an integer >= 1, got 0'),
    );
    expect(() => checkIntegerOption('nWarmupSteps', 1.5, 0)).toThrow(RangeError);
    expect(() => checkIntegerOption('nWarmupSteps', NaN, 0)).toThrow(RangeError);
    expect(() => checkIntegerOption('nWarmupSteps', 3, 0)).not.toThrow();
  });
});
