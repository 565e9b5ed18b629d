/**
 * A one-hidden-layer perceptron in plain TypeScript, small and fast enough to train inside a demo
 * study: softmax cross-entropy, mini-batch Adam with decoupled weight decay (AdamW), relu or tanh.
 * Each mini-batch goes through the layers as matrices (see matmul.ts), and all weights live in one
 * Float64Array so the optimizer is a single pass over it.
 */
import { Xoshiro128 } from '@tuneforge/core';
import type { Dataset } from './digits-data';
import { matmul, rowMajor, transposed } from './matmul';

export type Activation = 'relu' | 'tanh';

export interface MlpOptions {
  inputs: number;
  hiddenUnits: number;
  classes: number;
  /** @defaultValue 'relu' */
  activation?: Activation;
  /** Adam step size. @defaultValue 1e-3 */
  learningRate?: number;
  /** Decoupled decay: each step shrinks the weights (not the biases) by learningRate * weightDecay. @defaultValue 0 */
  weightDecay?: number;
  /** @defaultValue 32 */
  batchSize?: number;
  /** Seeds the initial weights and the per-epoch shuffles. @defaultValue 0 */
  seed?: number;
}

// Adam's usual constants (Kingma & Ba, 2015).
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
/** Rows per forward pass when scoring; larger blocks amortize the tile edges of matmul. */
const EVAL_ROWS = 256;

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
}

function checkRate(name: string, v: number, allowZero: boolean): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
  }
}

export class Mlp {
  readonly inputs: number;
  readonly hiddenUnits: number;
  readonly classes: number;
  readonly activation: Activation;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly batchSize: number;

  // `params` holds w1 (inputs x hidden), b1, w2 (hidden x classes), b2, each row-major.
  private readonly params: Float64Array;
  private readonly grads: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly offB1: number;
  private readonly offW2: number;
  private readonly offB2: number;
  private readonly rng: Xoshiro128;
  private adamSteps = 0;
  // Scratch for one block of rows: the gathered inputs, hidden activations (then their gradient),
  // class probabilities (then the gradient of the logits).
  private readonly xBlock: Float64Array;
  private readonly hidden: Float64Array;
  private readonly dHidden: Float64Array;
  private readonly probs: Float64Array;

  constructor(options: MlpOptions) {
    checkPositiveInt('inputs', options.inputs);
    checkPositiveInt('hiddenUnits', options.hiddenUnits);
    checkPositiveInt('classes', options.classes);
    this.inputs = options.inputs;
    this.hiddenUnits = options.hiddenUnits;
    this.classes = options.classes;
    this.activation = options.activation ?? 'relu';
    if (this.activation !== 'relu' && this.activation !== 'tanh') {
      throw new RangeError(`activation must be 'relu' or 'tanh', got ${JSON.stringify(this.activation)}`);
    }
    this.learningRate = options.learningRate ?? 1e-3;
    checkRate('learningRate', this.learningRate, false);
    this.weightDecay = options.weightDecay ?? 0;
    checkRate('weightDecay', this.weightDecay, true);
    this.batchSize = options.batchSize ?? 32;
    checkPositiveInt('batchSize', this.batchSize);

    const { inputs: d, hiddenUnits: h, classes: c } = this;
    this.offB1 = d * h;
    this.offW2 = this.offB1 + h;
    this.offB2 = this.offW2 + h * c;
    const size = this.offB2 + c;
    this.params = new Float64Array(size);
    this.grads = new Float64Array(size);
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    const rows = Math.max(this.batchSize, EVAL_ROWS);
    this.xBlock = new Float64Array(this.batchSize * d);
    this.hidden = new Float64Array(rows * h);
    this.dHidden = new Float64Array(this.batchSize * h);
    this.probs = new Float64Array(rows * c);

    this.rng = new Xoshiro128(options.seed ?? 0);
    // He init for relu (it zeroes half the inputs of the next layer), Glorot for tanh and the
    // output layer; biases start at 0.
    const scale1 = this.activation === 'relu' ? Math.sqrt(2 / d) : Math.sqrt(2 / (d + h));
    for (let i = 0; i < d * h; i++) this.params[i] = this.rng.normal() * scale1;
    const scale2 = Math.sqrt(2 / (h + c));
    for (let i = 0; i < h * c; i++) this.params[this.offW2 + i] = this.rng.normal() * scale2;
  }

  /** Number of trainable weights and biases. */
  get parameterCount(): number {
    return this.params.length;
  }

  /** A copy of every weight and bias: w1 (inputs x hidden), b1, w2 (hidden x classes), b2, each row-major. */
  getParameters(): Float64Array {
    return this.params.slice();
  }

  /** Replaces every weight and bias (layout of `getParameters`); the optimizer's moments are kept. */
  setParameters(values: Float64Array): void {
    if (values.length !== this.params.length) {
      throw new RangeError(`expected ${this.params.length} parameters, got ${values.length}`);
    }
    this.params.set(values);
  }

  /** Gradient of the mean cross-entropy over `data` (at most batchSize rows), in the layout of `getParameters`. */
  gradient(data: Dataset): Float64Array {
    this.checkData(data);
    if (data.n > this.batchSize)
      throw new RangeError(`gradient takes at most ${this.batchSize} rows, got ${data.n}`);
    this.xBlock.set(data.x.subarray(0, data.n * this.inputs));
    this.forward(this.xBlock, 0, data.n);
    this.backward(data.n, data.y);
    return this.grads.slice();
  }

  /** One pass over `data` in a fresh seeded order; returns the mean training cross-entropy of the pass. */
  trainEpoch(data: Dataset): number {
    this.checkData(data);
    const d = this.inputs;
    const { xBlock } = this;
    const x = data.x;
    const order = new Uint32Array(data.n);
    for (let i = 0; i < data.n; i++) order[i] = i;
    for (let i = data.n - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const labels = new Uint8Array(this.batchSize);
    let total = 0;
    for (let start = 0; start < data.n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, data.n - start);
      // The shuffled rows, gathered into one contiguous block for matmul.
      for (let r = 0; r < rows; r++) {
        const src = order[start + r];
        for (let i = 0; i < d; i++) xBlock[r * d + i] = x[src * d + i];
        labels[r] = data.y[src];
      }
      this.forward(xBlock, 0, rows);
      total += this.crossEntropy(labels, 0, rows);
      this.backward(rows, labels);
      this.adamStep();
    }
    return total / data.n;
  }

  /** Mean cross-entropy on `data`. */
  loss(data: Dataset): number {
    this.checkData(data);
    let total = 0;
    for (let start = 0; start < data.n; start += EVAL_ROWS) {
      const rows = Math.min(EVAL_ROWS, data.n - start);
      this.forward(data.x, start * this.inputs, rows);
      total += this.crossEntropy(data.y, start, rows);
    }
    return total / data.n;
  }

  /** Share of `data` whose most probable class is the label. */
  accuracy(data: Dataset): number {
    this.checkData(data);
    const c = this.classes;
    const probs = this.probs;
    let correct = 0;
    for (let start = 0; start < data.n; start += EVAL_ROWS) {
      const rows = Math.min(EVAL_ROWS, data.n - start);
      this.forward(data.x, start * this.inputs, rows);
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (probs[r * c + k] > probs[r * c + best]) best = k;
        if (best === data.y[start + r]) correct++;
      }
    }
    return correct / data.n;
  }

  private checkData(data: Dataset): void {
    if (data.d !== this.inputs)
      throw new RangeError(`data has ${data.d} features, the network ${this.inputs} inputs`);
  }

  /** Sum over `rows` of -log p(label); `labels[from + r]` is row r's label. */
  private crossEntropy(labels: Uint8Array, from: number, rows: number): number {
    let sum = 0;
    // The floor keeps a confidently wrong prediction finite.
    for (let r = 0; r < rows; r++)
      sum -= Math.log(Math.max(this.probs[r * this.classes + labels[from + r]], 1e-300));
    return sum;
  }

  /** Rows of `x` from `offset` → activations in `hidden`, class probabilities in `probs`. */
  private forward(x: Float64Array, offset: number, rows: number): void {
    const { inputs: d, hiddenUnits: h, classes: c, params: w, hidden, probs, offB1, offW2, offB2 } = this;
    matmul(rows, h, d, rowMajor(x, offset, d), rowMajor(w, 0, h), rowMajor(hidden, 0, h));
    const relu = this.activation === 'relu';
    for (let r = 0; r < rows; r++) {
      const o = r * h;
      for (let j = 0; j < h; j++) {
        const z = hidden[o + j] + w[offB1 + j];
        hidden[o + j] = relu ? (z > 0 ? z : 0) : Math.tanh(z);
      }
    }
    matmul(rows, c, h, rowMajor(hidden, 0, h), rowMajor(w, offW2, c), rowMajor(probs, 0, c));
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      // Softmax with the maximum subtracted, so exp never overflows.
      let max = -Infinity;
      for (let k = 0; k < c; k++) {
        probs[o + k] += w[offB2 + k];
        if (probs[o + k] > max) max = probs[o + k];
      }
      let sum = 0;
      for (let k = 0; k < c; k++) {
        probs[o + k] = Math.exp(probs[o + k] - max);
        sum += probs[o + k];
      }
      for (let k = 0; k < c; k++) probs[o + k] /= sum;
    }
  }

  /** Gradient of the batch-mean cross-entropy into `grads`, after `forward` on the batch in `xBlock`. */
  private backward(rows: number, labels: Uint8Array): void {
    const { inputs: d, hiddenUnits: h, classes: c, params: w, grads: g, hidden, dHidden, probs } = this;
    const { offB1, offW2, offB2 } = this;
    // dLoss/dLogits = (softmax - onehot) / rows, in place of the probabilities.
    const inv = 1 / rows;
    for (let r = 0; r < rows; r++) {
      probs[r * c + labels[r]] -= 1;
      for (let k = 0; k < c; k++) probs[r * c + k] *= inv;
    }
    // dW2 = Hᵀ·dLogits, db2 = column sums of dLogits.
    matmul(h, c, rows, transposed(hidden, 0, h), rowMajor(probs, 0, c), rowMajor(g, offW2, c));
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += probs[r * c + k];
      g[offB2 + k] = s;
    }
    // dH = dLogits·W2ᵀ, then through the activation: relu' = [z > 0] (same as [h > 0]), tanh' = 1 - h².
    matmul(rows, h, c, rowMajor(probs, 0, c), transposed(w, offW2, c), rowMajor(dHidden, 0, h));
    const relu = this.activation === 'relu';
    for (let i = 0; i < rows * h; i++) {
      const a = hidden[i];
      dHidden[i] = relu ? (a > 0 ? dHidden[i] : 0) : dHidden[i] * (1 - a * a);
    }
    // dW1 = Xᵀ·dZ, db1 = column sums of dZ.
    matmul(d, h, rows, transposed(this.xBlock, 0, d), rowMajor(dHidden, 0, h), rowMajor(g, 0, h));
    for (let j = 0; j < h; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dHidden[r * h + j];
      g[offB1 + j] = s;
    }
  }

  /** AdamW (Loshchilov & Hutter, 2019): the decay shrinks the weights directly instead of entering the gradient. */
  private adamStep(): void {
    this.adamSteps++;
    const lr = this.learningRate;
    // Both moment estimates' bias corrections, folded into the step size.
    const stepSize = (lr * Math.sqrt(1 - BETA2 ** this.adamSteps)) / (1 - BETA1 ** this.adamSteps);
    const shrink = 1 - lr * this.weightDecay;
    this.adamUpdate(0, this.offB1, stepSize, shrink);
    this.adamUpdate(this.offB1, this.offW2, stepSize, 1);
    this.adamUpdate(this.offW2, this.offB2, stepSize, shrink);
    this.adamUpdate(this.offB2, this.params.length, stepSize, 1);
  }

  private adamUpdate(from: number, to: number, stepSize: number, shrink: number): void {
    const { params: w, grads: g, m, v } = this;
    for (let i = from; i < to; i++) {
      const gi = g[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * gi;
      v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
      w[i] = w[i] * shrink - (stepSize * m[i]) / (Math.sqrt(v[i]) + EPSILON);
    }
  }
}
