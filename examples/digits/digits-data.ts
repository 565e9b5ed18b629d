/**
 * The 8x8 handwritten digits of `data/digits.csv` (UCI, CC BY 4.0; see data/README.md), scaled to [0, 1]
 * and split once into stratified train and validation sets with a fixed seed, so that every trial of a
 * study (and every process running trials) scores on the same images.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xoshiro128 } from '@tuneforge/core';

export const DIGITS_FEATURES = 64;
export const DIGITS_CLASSES = 10;
/** The largest pixel value of the data set (4x4 blocks of 32x32 bitmaps, counted). */
const PIXEL_MAX = 16;

/** `n` examples: features row-major in `x` (n x d), class labels in `y`. */
export interface Dataset {
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly n: number;
  readonly d: number;
}

export interface DigitsSplit {
  readonly train: Dataset;
  readonly validation: Dataset;
}

export interface SplitOptions {
  /** Share of each class held out for validation. @defaultValue 0.2 */
  validationFraction?: number;
  /** Seed of the shuffle that picks the held-out images. @defaultValue 0 */
  seed?: number;
}

/** Repository root resolved from this file, so the demo runs from any working directory. */
export const DIGITS_CSV_PATH = join(__dirname, '..', '..', 'data', 'digits.csv');

/** Parses the CSV text: 64 pixels (0..16) then the label (0..9) per line; pixels scaled to [0, 1]. */
export function parseDigitsCsv(text: string): Dataset {
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  const n = lines.length;
  const x = new Float64Array(n * DIGITS_FEATURES);
  const y = new Uint8Array(n);
  lines.forEach((line, row) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== DIGITS_FEATURES + 1) {
      throw new Error(
        `digits.csv line ${row + 1}: expected ${DIGITS_FEATURES + 1} values, got ${cells.length}`,
      );
    }
    for (let j = 0; j < DIGITS_FEATURES; j++) {
      const v = cells[j];
      if (!Number.isInteger(v) || v < 0 || v > PIXEL_MAX) {
        throw new Error(
          `digits.csv line ${row + 1}: pixel ${j} must be an integer in 0..${PIXEL_MAX}, got ${line.split(',')[j]}`,
        );
      }
      x[row * DIGITS_FEATURES + j] = v / PIXEL_MAX;
    }
    const label = cells[DIGITS_FEATURES];
    if (!Number.isInteger(label) || label < 0 || label >= DIGITS_CLASSES) {
      throw new Error(
        `digits.csv line ${row + 1}: label must be an integer in 0..${DIGITS_CLASSES - 1}, got ${label}`,
      );
    }
    y[row] = label;
  });
  return { x, y, n, d: DIGITS_FEATURES };
}

/** The examples of `data` at `indices`, in that order. */
export function subset(data: Dataset, indices: readonly number[]): Dataset {
  const x = new Float64Array(indices.length * data.d);
  const y = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    x.set(data.x.subarray(src * data.d, (src + 1) * data.d), dst * data.d);
    y[dst] = data.y[src];
  });
  return { x, y, n: indices.length, d: data.d };
}

/**
 * Holds out round(fraction * count) images of every class, chosen by a seeded Fisher–Yates shuffle,
 * so both sides keep the class balance and the split never changes between runs.
 */
export function stratifiedSplit(data: Dataset, options: SplitOptions = {}): DigitsSplit {
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`validationFraction must be in (0, 1), got ${fraction}`);
  }
  const rng = new Xoshiro128(options.seed ?? 0);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < data.n; i++) {
    const list = byClass.get(data.y[i]) ?? [];
    list.push(i);
    byClass.set(data.y[i], list);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(label)!;
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    const held = Math.round(fraction * list.length);
    validation.push(...list.slice(0, held));
    train.push(...list.slice(held));
  }
  // Sorted indices keep the file order inside each side; the trainer shuffles per epoch anyway.
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train: subset(data, train), validation: subset(data, validation) };
}

let cached: DigitsSplit | null = null;

/** The 80/20 split of data/digits.csv, read and split once per process. */
export function loadDigits(): DigitsSplit {
  cached ??= stratifiedSplit(parseDigitsCsv(readFileSync(DIGITS_CSV_PATH, 'utf8')));
  return cached;
}
