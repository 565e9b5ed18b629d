import { intermediateValues } from './intermediate-values';
import { makeTrial } from './testing/make-trial';

describe('intermediateValues', () => {
  it('gives each trial its curve by step, pruned and running ones included', () => {
    const trials = [
      makeTrial(2, { state: 'RUNNING', intermediateValues: { 0: 0.3 } }),
      makeTrial(0, { intermediateValues: { 10: 0.9, 2: 0.5, 1: 0.4 } }),
      makeTrial(1, { state: 'PRUNED', intermediateValues: { 1: 0.1, 2: NaN } }),
      makeTrial(3, { state: 'FAIL' }),
    ];
    const data = intermediateValues(trials);
    expect(data).toEqual({
      kind: 'intermediate-values',
      curves: [
        { number: 0, state: 'COMPLETE', pruned: false, steps: [1, 2, 10], values: [0.4, 0.5, 0.9] },
        { number: 1, state: 'PRUNED', pruned: true, steps: [1], values: [0.1] },
        { number: 2, state: 'RUNNING', pruned: false, steps: [0], values: [0.3] },
      ],
    });
  });
});
