/* eslint-disable no-loss-of-precision -- reference values are quoted with all the digits their source printed */
import { logH } from './log-h';

/** Φ(z) by composite Simpson integration of the density from −12 (independent of erfcx). */
function cdfBySimpson(z: number): number {
  const lo = -12;
  const steps = 20000;
  const h = (z - lo) / steps;
  const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = phi(lo) + phi(z);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * phi(lo + i * h);
  return (s * h) / 3;
}

describe('logH', () => {
  it('agrees with the direct formula log(z Φ(z) + φ(z)) in the normal range', () => {
    for (const z of [-3, -2, -1, -0.5, 0, 0.7, 1, 2, 4]) {
      const direct = Math.log(z * cdfBySimpson(z) + Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI));
      expect(logH(z)).toBeCloseTo(direct, 10);
    }
  });

  // log h(z) and Φ(z)/h(z) with 50-digit arithmetic (mpmath), across the three formulas' ranges.
  const reference: Array<[number, number, number]> = [
    [3, 1.0987396653277077727, 0.33284096845179523558],
    [0, -0.91893853320467274178, 1.2533141373155002512],
    [-1, -2.4851210257126413368, 1.9042712333296918229],
    [-2, -4.7687835239171141569, 2.6794168839555859839],
    [-4.99, -16.690729996795876685, 5.3524172382768836176],
    [-5, -16.744301162660990143, 5.3618162412880885298],
    [-8, -37.122364261692633, 8.2393965068400668851],
    [-25, -319.86146358149595433, 25.079620234266532815],
    [-40, -808.29856835661996024, 40.049906657648518193],
  ];

  it.each(reference)('log h(%p) and its derivative match 50-digit arithmetic', (z, value, slope) => {
    const dz = new Float64Array(1);
    expect(Math.abs(logH(z, dz) - value)).toBeLessThan(1e-13 * Math.max(1, Math.abs(value)));
    expect(Math.abs(dz[0] - slope) / slope).toBeLessThan(1e-12);
  });

  it('stays finite and accurate far in the tail, where h(z) itself underflows', () => {
    // h(z) ~ φ(z)/z² (1 − 3/z² + 15/z⁴ − …) as z → −∞; the next term, 105/z⁶, is below 1e-9 here.
    for (const z of [-100, -1e3, -1e5]) {
      const asymptotic =
        -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z) + Math.log1p(-3 / z ** 2 + 15 / z ** 4);
      expect(Math.exp(-0.5 * z * z)).toBe(0);
      // Within the series' truncation error plus a few ulps of a value as large as 5e9.
      expect(Math.abs(logH(z) - asymptotic)).toBeLessThan(1e-9 + 1e-15 * Math.abs(asymptotic));
    }
    expect(logH(-Infinity)).toBe(-Infinity);
  });

  it('has the derivative Φ(z)/h(z) everywhere (finite differences)', () => {
    const dz = new Float64Array(1);
    for (const z of [-60, -7, -5.0001, -4.9999, -3, -1.0001, -0.9999, 0, 2]) {
      logH(z, dz);
      const eps = 1e-6 * Math.max(1, Math.abs(z));
      const fd = (logH(z + eps) - logH(z - eps)) / (2 * eps);
      expect(Math.abs(dz[0] - fd) / Math.abs(fd)).toBeLessThan(1e-6);
    }
  });

  it('is log z for large z (h(z) → z)', () => {
    expect(logH(50)).toBeCloseTo(Math.log(50), 14);
    expect(logH(NaN)).toBeNaN();
  });
});
