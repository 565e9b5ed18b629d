import { Xoshiro128 } from './rng';

describe('Xoshiro128 (golden output)', () => {
  it('gives the same stream for the same seed, frozen here', () => {
    const rng = new Xoshiro128(42);
    const first = Array.from({ length: 4 }, () => rng.nextUint32());
    expect(first).toEqual(GOLDEN_42);
  });

  it('gives different streams for neighbouring seeds', () => {
    const a = new Xoshiro128(1).random();
    const b = new Xoshiro128(2).random();
    expect(a).not.toBe(b);
  });

  it('continues exactly from a saved state', () => {
    const rng = new Xoshiro128(7);
    rng.random();
    const saved = rng.getState();
    const expected = [rng.random(), rng.normal(), rng.int(10)];
    const copy = new Xoshiro128(0);
    copy.setState(saved);
    expect([copy.random(), copy.normal(), copy.int(10)]).toEqual(expected);
    expect(() => copy.setState([1, 2, 3])).toThrow(/four uint32 words/);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and normals with mean 0, variance 1', () => {
    const rng = new Xoshiro128(3);
    let sum = 0;
    let nsum = 0;
    let nsq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.random();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      const z = rng.normal();
      nsum += z;
      nsq += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(nsum / n).toBeCloseTo(0, 1);
    expect(nsq / n).toBeCloseTo(1, 1);
  });

  it('refuses bad arguments', () => {
    expect(() => new Xoshiro128(NaN)).toThrow(/seed must be a finite number/);
    expect(() => new Xoshiro128(1).int(0)).toThrow(/integer n > 0/);
  });
});

const GOLDEN_42 = [2837322924, 544945897, 479756282, 3500138142];
