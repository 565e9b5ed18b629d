import { InvalidArgumentError, UnknownOptionError } from '../errors';
import { MedianPruner, NopPruner, PatientPruner } from '../pruners';
import { createPruner, type PrunerSpec } from './pruner-spec';

describe('createPruner', () => {
  it.each<[PrunerSpec, string]>([
    [
      { type: 'median', options: { bogus: 1 } },
      "pruner 'median': MedianPruner: unknown option 'bogus'; known options: nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials",
    ],
    [
      { type: 'percentile', options: { percentile: 25, bogus: 1 } },
      "pruner 'percentile': PercentilePruner: unknown option 'bogus'",
    ],
    [
      { type: 'successive-halving', options: { bogus: 1 } },
      "pruner 'successive-halving': SuccessiveHalvingPruner: unknown option 'bogus'",
    ],
    [
      { type: 'hyperband', options: { bogus: 1 } },
      "pruner 'hyperband': HyperbandPruner: unknown option 'bogus'",
    ],
    [
      { type: 'threshold', options: { upper: 1, bogus: 1 } },
      "pruner 'threshold': ThresholdPruner: unknown option 'bogus'",
    ],
    [
      { type: 'patient', options: { patience: 1, bogus: 1 } },
      "pruner 'patient': PatientPruner: unknown option 'bogus'; known options: patience, minDelta, wrapped",
    ],
    [
      { type: 'patient', options: { patience: 1, wrapped: { type: 'median', options: { bogus: 1 } } } },
      "pruner 'patient': MedianPruner: unknown option 'bogus'",
    ],
    [
      { type: 'none', options: { bogus: 1 } },
      "pruner 'none': NopPruner: unknown option 'bogus'; known options: (none)",
    ],
  ])('refuses an unknown option, naming the pruner and the option: %p', (spec, message) => {
    expect(() => createPruner(spec)).toThrow(UnknownOptionError);
    expect(() => createPruner(spec)).toThrow(message);
  });

  it('builds the pruners with their documented options', () => {
    expect(createPruner({ type: 'none' })).toBeInstanceOf(NopPruner);
    expect(createPruner({ type: 'median', options: { nStartupTrials: 2, nWarmupSteps: 1 } })).toBeInstanceOf(
      MedianPruner,
    );
    expect(
      createPruner({
        type: 'patient',
        options: { patience: 2, minDelta: 0.1, wrapped: { type: 'median', options: { nMinTrials: 2 } } },
      }),
    ).toBeInstanceOf(PatientPruner);
  });

  it('keeps naming the pruner in range errors', () => {
    expect(() => createPruner({ type: 'median', options: { nStartupTrials: -1 } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createPruner({ type: 'median', options: { nStartupTrials: -1 } })).toThrow(
      "pruner 'median': nStartupTrials must be an integer >= 0, got -1",
    );
  });
});
