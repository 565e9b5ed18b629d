import { InvalidArgumentError } from '../errors';
import { checkKnownOptions } from '../options/known-options';
import { asInputError } from './option-errors';
import {
  HyperbandPruner,
  MedianPruner,
  PATIENT_PRUNER_OPTIONS,
  NopPruner,
  PatientPruner,
  PercentilePruner,
  SuccessiveHalvingPruner,
  ThresholdPruner,
} from '../pruners';
import type { Pruner } from '../pruners/pruner';

export const PRUNER_TYPES = [
  'none',
  'median',
  'percentile',
  'successive-halving',
  'hyperband',
  'threshold',
  'patient',
] as const;
export type PrunerType = (typeof PRUNER_TYPES)[number];

/** A pruner described as data (CLI flags, REST study definitions). */
export interface PrunerSpec {
  type: PrunerType;
  /** Constructor options of that pruner; `patient` also takes `wrapped: PrunerSpec`. */
  options?: Record<string, unknown>;
}

/** Builds the pruner a spec describes. @throws InvalidArgumentError naming the bad field */
export function createPruner(spec: PrunerSpec): Pruner {
  return asInputError(`pruner '${spec.type}'`, () => buildPruner(spec));
}

function buildPruner(spec: PrunerSpec): Pruner {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const options = (spec.options ?? {}) as any;
  switch (spec.type) {
    case 'none':
      return new NopPruner(options);
    case 'median':
      return new MedianPruner(options);
    case 'percentile':
      return new PercentilePruner(options);
    case 'successive-halving':
      return new SuccessiveHalvingPruner(options);
    case 'hyperband':
      return new HyperbandPruner(options);
    case 'threshold':
      return new ThresholdPruner(options);
    case 'patient': {
      checkKnownOptions('PatientPruner', options, { ...PATIENT_PRUNER_OPTIONS, wrapped: true });
      const { wrapped, ...rest } = options as { wrapped?: PrunerSpec };
      return new PatientPruner(wrapped ? buildPruner(wrapped) : null, rest as never);
    }
    default:
      throw new InvalidArgumentError(
        `Unknown pruner ${JSON.stringify((spec as { type: unknown }).type)}; use one of ${PRUNER_TYPES.join(', ')}.`,
      );
  }
}
