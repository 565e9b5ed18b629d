import { InvalidArgumentError, UnknownOptionError } from '../errors';
import { HyperbandPruner, type HyperbandPrunerOptions } from './hyperband-pruner';
import { MedianPruner, type MedianPrunerOptions } from './median-pruner';
import { NopPruner } from './nop-pruner';
import { PatientPruner, type PatientPrunerOptions } from './patient-pruner';
import { PercentilePruner, type PercentilePrunerOptions } from './percentile-pruner';
import type { Pruner } from './pruner';
import { SuccessiveHalvingPruner, type SuccessiveHalvingPrunerOptions } from './successive-halving-pruner';
import { ThresholdPruner, type ThresholdPrunerOptions } from './threshold-pruner';

// Every documented option of each pruner, with a valid value (`Required<...>`: none can be missing).
const median: Required<MedianPrunerOptions> = {
  nStartupTrials: 2,
  nWarmupSteps: 1,
  intervalSteps: 2,
  nMinTrials: 3,
};
const percentile: Required<PercentilePrunerOptions> = { ...median, percentile: 25 };
const successiveHalving: Required<SuccessiveHalvingPrunerOptions> = {
  minResource: 1,
  reductionFactor: 3,
  minEarlyStoppingRate: 1,
  bootstrapCount: 2,
};
const hyperband: Required<HyperbandPrunerOptions> = {
  minResource: 1,
  maxResource: 27,
  reductionFactor: 3,
  bootstrapCount: 2,
};
const threshold: Required<ThresholdPrunerOptions> = {
  lower: 0,
  upper: 10,
  nWarmupSteps: 1,
  intervalSteps: 2,
};
const patient: Required<PatientPrunerOptions> = { patience: 2, minDelta: 0.1 };

// Options a pruner requires go into every build (`percentile`, `patience`, a threshold bound).
const pruners: Array<[string, Record<string, unknown>, (options: Record<string, unknown>) => Pruner]> = [
  ['MedianPruner', median, (o) => new MedianPruner(o)],
  ['PercentilePruner', percentile, (o) => new PercentilePruner({ percentile: 25, ...o })],
  ['SuccessiveHalvingPruner', successiveHalving, (o) => new SuccessiveHalvingPruner(o)],
  ['HyperbandPruner', hyperband, (o) => new HyperbandPruner(o)],
  ['ThresholdPruner', threshold, (o) => new ThresholdPruner({ upper: 10, ...o })],
  ['PatientPruner', patient, (o) => new PatientPruner(null, { patience: 2, ...o })],
  ['NopPruner', {}, (o) => new NopPruner(o as Record<string, never>)],
];

describe.each(pruners)('%s options', (owner, documented, build) => {
  it('accepts every documented option, each alone and all together', () => {
    for (const [name, value] of Object.entries(documented)) {
      // bootstrapCount needs a numeric min/max resource, given alongside it.
      const companion = name === 'bootstrapCount' ? documented : {};
      expect(() => build({ ...companion, [name]: value })).not.toThrow();
    }
    expect(() => build(documented)).not.toThrow();
  });

  it('refuses an unknown option, naming it and listing exactly the documented ones', () => {
    let error: unknown;
    try {
      build({ ...documented, bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const e = error as UnknownOptionError;
    expect(e.message).toBe(
      `${owner}: unknown option 'bogus'; known options: ${e.known.length ? e.known.join(', ') : '(none)'}`,
    );
    expect([...e.known].sort()).toEqual(Object.keys(documented).sort());
  });
});

describe('MedianPruner', () => {
  it("refuses `percentile`, PercentilePruner's option that it would otherwise overwrite with 50", () => {
    expect(() => new MedianPruner({ percentile: 10 } as MedianPrunerOptions)).toThrow(
      "MedianPruner: unknown option 'percentile'; known options: nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials",
    );
  });
});
