/** The overhead protocol's search spaces (bench/suite/README.md) and random points in them. */
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  sampleFromPrior,
  type ParamValue,
  type Rng,
  type SearchSpace,
} from '@tuneforge/core';

export const SPACES = {
  mixed10: {
    f0: floatDistribution(-5, 5),
    f1: floatDistribution(-5, 5),
    f2: floatDistribution(0, 1),
    f3: floatDistribution(0, 1),
    flog0: floatDistribution(1e-5, 1e-1, { log: true }),
    flog1: floatDistribution(1e-3, 1e3, { log: true }),
    i0: intDistribution(1, 100),
    ilog0: intDistribution(8, 1024, { log: true }),
    c0: categoricalDistribution(['a', 'b', 'c', 'd']),
    c1: categoricalDistribution(['w', 'x', 'y', 'z']),
  },
  float10: {
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x${i}`, floatDistribution(-5, 5)])),
    xlog0: floatDistribution(1e-5, 1e-1, { log: true }),
    xlog1: floatDistribution(1e-3, 1e3, { log: true }),
  },
} satisfies Record<string, SearchSpace>;

export type SpaceName = keyof typeof SPACES;

/** Uniform parameters (log-uniform for log ones), as the reference filled its histories. */
export function randomParams(rng: Rng, space: SearchSpace): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(space).map(([name, d]) => [name, sampleFromPrior(rng, d)]));
}
