import { readFileSync } from 'node:fs';
import {
  DIGITS_CLASSES,
  DIGITS_CSV_PATH,
  loadDigits,
  parseDigitsCsv,
  stratifiedSplit,
  type Dataset,
} from './digits-data';

function classCounts(data: Dataset): number[] {
  const counts = new Array<number>(DIGITS_CLASSES).fill(0);
  for (const label of data.y) counts[label]++;
  return counts;
}

describe('parseDigitsCsv', () => {
  it('scales pixels by 16 and keeps the label', () => {
    const row = [...Array.from({ length: 63 }, () => 0), 16, 7].join(',');
    const data = parseDigitsCsv(`${row}\n${row.replace(/^0/, '8')}\n`);
    expect(data.n).toBe(2);
    expect(data.d).toBe(64);
    expect([...data.y]).toEqual([7, 7]);
    expect(data.x[63]).toBe(1);
    expect(data.x[64]).toBe(0.5);
  });

  it('names the line of a malformed row', () => {
    expect(() => parseDigitsCsv('1,2,3\n')).toThrow('digits.csv line 1: expected 65 values, got 3');
    const badPixel = [...Array.from({ length: 63 }, () => 0), 17, 1].join(',');
    expect(() => parseDigitsCsv(badPixel)).toThrow('pixel 63 must be an integer in 0..16, got 17');
    const badLabel = [...Array.from({ length: 64 }, () => 0), 10].join(',');
    expect(() => parseDigitsCsv(badLabel)).toThrow('label must be an integer in 0..9, got 10');
  });
});

describe('loadDigits', () => {
  const { train, validation } = loadDigits();
  const all = parseDigitsCsv(readFileSync(DIGITS_CSV_PATH, 'utf8'));

  it('splits the 1797 images 80/20, each class on both sides in proportion', () => {
    expect(all.n).toBe(1797);
    expect(train.n + validation.n).toBe(1797);
    expect(validation.n).toBe(359);
    // Class sizes in the file: 178 182 177 183 181 182 181 179 174 180.
    expect(classCounts(validation)).toEqual([36, 36, 35, 37, 36, 36, 36, 36, 35, 36]);
    expect(classCounts(train)).toEqual([142, 146, 142, 146, 145, 146, 145, 143, 139, 144]);
  });

  it('scales every pixel into [0, 1]', () => {
    for (const set of [train, validation]) {
      expect(Math.min(...set.x)).toBe(0);
      expect(Math.max(...set.x)).toBe(1);
    }
  });

  it('reads the file once per process, and its split is the seed-0 split of the file', () => {
    expect(loadDigits()).toBe(loadDigits());
    const fresh = stratifiedSplit(all);
    expect(fresh.train.x).toEqual(train.x);
    expect(fresh.validation.y).toEqual(validation.y);
  });

  it('gives a different but equally stratified split for another seed', () => {
    const other = stratifiedSplit(all, { seed: 1 });
    expect(other.validation.x).not.toEqual(validation.x);
    expect(classCounts(other.validation)).toEqual(classCounts(validation));
  });

  it('refuses a validation fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(train, { validationFraction: 1 })).toThrow(
      'validationFraction must be in (0, 1), got 1',
    );
  });
});
