/**
 * The benchmark problems of the shared suites (`bench/suite/suite.json` and the validation suite
 * `bench/suite/suite-validation.json`, protocol in `bench/suite/README.md`), hand-written so that demos, tests
 * and benchmarks need no file at run time. Every formula follows the suite's text operation by operation, so
 * that the values agree with its test vectors to ~1e-9 relative. All problems are minimized.
 */
import { InvalidArgumentError, type Trial } from '@tuneforge/core';

/** One parameter of a problem, as the suite writes it. */
export interface ParamSpec {
  name: string;
  type: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  choices?: string[];
  /** The parameter exists only when all of these hold for parameters earlier in the list. */
  conditions?: { param: string; op: 'eq' | 'gt'; value: string | number }[];
}

export interface BuiltinProblem {
  name: string;
  category: 'continuous' | 'mixed' | 'conditional' | 'pruning';
  /** In suggestion order (define-by-run); a condition refers only to earlier parameters. */
  params: ParamSpec[];
  /** f*, the minimum of `evaluate`. */
  optimum: number;
  /** Objective value of the active params. */
  evaluate(params: Record<string, string | number>): number;
  /** Pruning problems: loss at integer step t (1..maxSteps). */
  curve?(params: Record<string, string | number>, step: number): number;
  maxSteps?: number;
}

type Params = Record<string, string | number>;

function num(params: Params, name: string): number {
  const v = params[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`Parameter '${name}' must be a finite number, got ${JSON.stringify(v)}.`);
  }
  return v;
}

function choice(params: Params, name: string, choices: readonly string[]): string {
  const v = params[name];
  if (typeof v !== 'string' || !choices.includes(v)) {
    throw new InvalidArgumentError(
      `Parameter '${name}' must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

/** x1..xd as numbers. */
function vector(params: Params, d: number): number[] {
  return Array.from({ length: d }, (_, i) => num(params, `x${i + 1}`));
}

function box(d: number, low: number, high: number): ParamSpec[] {
  return Array.from({ length: d }, (_, i) => ({
    name: `x${i + 1}`,
    type: 'float' as const,
    low,
    high,
    log: false,
  }));
}

const sphere5: BuiltinProblem = {
  name: 'sphere5',
  category: 'continuous',
  params: box(5, -5, 5),
  optimum: 0,
  evaluate: (p) => vector(p, 5).reduce((s, x) => s + x * x, 0),
};

// Branin–Hoo with its usual constants; three global minima, f* = 5/(4*pi).
const BRANIN = { a: 1, b: 5.1 / (4 * Math.PI ** 2), c: 5 / Math.PI, r: 6, s: 10, t: 1 / (8 * Math.PI) };

const branin: BuiltinProblem = {
  name: 'branin',
  category: 'continuous',
  params: [
    { name: 'x1', type: 'float', low: -5, high: 10, log: false },
    { name: 'x2', type: 'float', low: 0, high: 15, log: false },
  ],
  optimum: 0.3978873577297384,
  evaluate: (p) => {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    const { a, b, c, r, s, t } = BRANIN;
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
  },
};

// Hartmann-6: alpha, A (4x6) and P (4x6, already scaled by 1e-4), row i, column j.
const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

const hartmann6: BuiltinProblem = {
  name: 'hartmann6',
  category: 'continuous',
  params: box(6, 0, 1),
  optimum: -3.3223680114155134,
  evaluate: (p) => {
    const x = vector(p, 6);
    let f = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2;
      f -= HARTMANN_ALPHA[i] * Math.exp(-inner);
    }
    return f;
  },
};

const rosenbrock4: BuiltinProblem = {
  name: 'rosenbrock4',
  category: 'continuous',
  params: box(4, -2.048, 2.048),
  optimum: 0,
  evaluate: (p) => {
    const x = vector(p, 4);
    let f = 0;
    for (let i = 0; i < 3; i++) f += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return f;
  },
};

const ackley5: BuiltinProblem = {
  name: 'ackley5',
  category: 'continuous',
  params: box(5, -32.768, 32.768),
  optimum: 0,
  evaluate: (p) => {
    const x = vector(p, 5);
    const squares = x.reduce((s, v) => s + v * v, 0);
    const cosines = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0);
    return -20 * Math.exp(-0.2 * Math.sqrt((1 / 5) * squares)) - Math.exp((1 / 5) * cosines) + 20 + Math.E;
  },
};

const styblinskiTang5: BuiltinProblem = {
  name: 'styblinski_tang5',
  category: 'continuous',
  params: box(5, -5, 5),
  // Each coordinate at -2.903534...: 5 * -39.16616570377142.
  optimum: -195.83082851885706,
  evaluate: (p) => 0.5 * vector(p, 5).reduce((s, x) => s + (x ** 4 - 16 * x ** 2 + 5 * x), 0),
};

const logscale: BuiltinProblem = {
  name: 'logscale',
  category: 'mixed',
  params: [
    { name: 'lr', type: 'float', low: 1e-5, high: 0.1, log: true },
    { name: 'num_layers', type: 'int', low: 1, high: 8, log: false },
    { name: 'momentum', type: 'float', low: 0, high: 0.99, log: false },
  ],
  optimum: 0,
  evaluate: (p) => {
    // Minimum at lr = 10^-3.5: only a sampler that honours `log` gets near it often.
    const u = Math.log10(num(p, 'lr')) + 3.5;
    const v = num(p, 'momentum') - 0.9;
    return u ** 2 + u * v + 4 * v ** 2 + 0.05 * (num(p, 'num_layers') - 5) ** 2;
  },
};

const MODELS = ['svm', 'random_forest', 'mlp'];
const SVM_KERNELS = ['rbf', 'poly', 'sigmoid'];
const SVM_KERNEL_PENALTY: Record<string, number> = { rbf: 0, poly: 0.03, sigmoid: 0.08 };

const when = (model: string) => [{ param: 'model', op: 'eq' as const, value: model }];

const modelSelect: BuiltinProblem = {
  name: 'model_select',
  category: 'conditional',
  params: [
    { name: 'model', type: 'categorical', choices: MODELS },
    { name: 'svm_C', type: 'float', low: 1e-3, high: 1e3, log: true, conditions: when('svm') },
    { name: 'svm_gamma', type: 'float', low: 1e-5, high: 10, log: true, conditions: when('svm') },
    { name: 'svm_kernel', type: 'categorical', choices: SVM_KERNELS, conditions: when('svm') },
    {
      name: 'rf_n_estimators',
      type: 'int',
      low: 10,
      high: 1000,
      log: true,
      conditions: when('random_forest'),
    },
    { name: 'rf_max_depth', type: 'int', low: 2, high: 32, log: false, conditions: when('random_forest') },
    { name: 'mlp_lr', type: 'float', low: 1e-5, high: 0.1, log: true, conditions: when('mlp') },
    { name: 'mlp_hidden', type: 'int', low: 8, high: 512, log: true, conditions: when('mlp') },
  ],
  // Branch minima: svm 0.02 (global), mlp 0.04, random_forest 0.06.
  optimum: 0.02,
  evaluate: (p) => {
    const model = choice(p, 'model', MODELS);
    if (model === 'svm') {
      const kernel = choice(p, 'svm_kernel', SVM_KERNELS);
      return (
        0.02 +
        SVM_KERNEL_PENALTY[kernel] +
        0.015 * (Math.log10(num(p, 'svm_C')) - 1.5) ** 2 +
        0.02 * (Math.log10(num(p, 'svm_gamma')) + 2.5) ** 2
      );
    }
    if (model === 'random_forest') {
      return (
        0.06 +
        0.004 * (Math.log2(num(p, 'rf_n_estimators')) - Math.log2(300)) ** 2 +
        0.0005 * (num(p, 'rf_max_depth') - 14) ** 2
      );
    }
    return (
      0.04 +
      0.02 * (Math.log10(num(p, 'mlp_lr')) + 3) ** 2 +
      0.008 * (Math.log2(num(p, 'mlp_hidden')) - 7) ** 2
    );
  },
};

const LEARNING_CURVE_STEPS = 50;

/**
 * A synthetic training curve: high lr converges fast (small tau) to a worse final loss, so early steps
 * favour it while loss(50) favours lr ~ 10^-1.7; the damped sine keeps curves from being monotone.
 */
function learningCurveLoss(p: Params, t: number): number {
  if (!Number.isInteger(t) || t < 1 || t > LEARNING_CURVE_STEPS) {
    throw new InvalidArgumentError(
      `learning_curve: step must be an integer in 1..${LEARNING_CURVE_STEPS}, got ${t}.`,
    );
  }
  const a = Math.log10(num(p, 'lr'));
  const width = num(p, 'width');
  const dropout = num(p, 'dropout');
  const final =
    0.08 + 0.06 * (a + 2.5) ** 2 + 0.02 * (Math.log2(width) - 7) ** 2 + 0.4 * (dropout - 0.25) ** 2;
  const tau = 4 * 10 ** (-0.35 * (a + 1)) * (1 + 2 * dropout) * (128 / width) ** 0.25;
  return (
    final +
    (2.3 - final) * Math.exp(-t / tau) +
    0.02 * Math.exp(-t / 25) * Math.sin(0.9 * t + 7 * dropout + 3 * a)
  );
}

const learningCurve: BuiltinProblem = {
  name: 'learning_curve',
  category: 'pruning',
  params: [
    { name: 'lr', type: 'float', low: 1e-4, high: 1, log: true },
    { name: 'width', type: 'int', low: 16, high: 512, log: true },
    { name: 'dropout', type: 'float', low: 0, high: 0.8, log: false },
  ],
  // Computed by the suite (exhaustive over width, grid over lr and dropout, then polished).
  optimum: 0.12441715050045822,
  evaluate: (p) => learningCurveLoss(p, LEARNING_CURVE_STEPS),
  curve: learningCurveLoss,
  maxSteps: LEARNING_CURVE_STEPS,
};

// ---- The validation suite (bench/suite/suite-validation.json): problems that were not used for tuning. ----

const bohachevsky1: BuiltinProblem = {
  name: 'bohachevsky1',
  category: 'continuous',
  params: box(2, -100, 100),
  optimum: 0,
  evaluate: (p) => {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    return x1 ** 2 + 2 * x2 ** 2 - 0.3 * Math.cos(3 * Math.PI * x1) - 0.4 * Math.cos(4 * Math.PI * x2) + 0.7;
  },
};

const zakharov5: BuiltinProblem = {
  name: 'zakharov5',
  category: 'continuous',
  params: box(5, -5, 10),
  optimum: 0,
  evaluate: (p) => {
    const x = vector(p, 5);
    // s = sum_{i=1..5} 0.5*i*x_i, with the 1-based i.
    const s = x.reduce((acc, v, i) => acc + 0.5 * (i + 1) * v, 0);
    return x.reduce((acc, v) => acc + v ** 2, 0) + s ** 2 + s ** 4;
  },
};

const dixonPrice4: BuiltinProblem = {
  name: 'dixon_price4',
  category: 'continuous',
  params: box(4, -10, 10),
  // At x_i = 2^(-(2^i - 2)/2^i), with either sign of x4.
  optimum: 0,
  evaluate: (p) => {
    const x = vector(p, 4);
    let f = (x[0] - 1) ** 2;
    // sum_{i=2..4} i*(2*x_i^2 - x_{i-1})^2; x[k] is x_{k+1}.
    for (let i = 2; i <= 4; i++) f += i * (2 * x[i - 1] ** 2 - x[i - 2]) ** 2;
    return f;
  },
};

const powell4: BuiltinProblem = {
  name: 'powell4',
  category: 'continuous',
  params: box(4, -4, 5),
  optimum: 0,
  evaluate: (p) => {
    const [x1, x2, x3, x4] = vector(p, 4);
    return (x1 + 10 * x2) ** 2 + 5 * (x3 - x4) ** 2 + (x2 - 2 * x3) ** 4 + 10 * (x1 - x4) ** 4;
  },
};

// Shekel (m = 10): row i of A is the centre of well i, c_i its depth parameter (smaller = deeper).
const SHEKEL_A = [
  [4, 4, 4, 4],
  [1, 1, 1, 1],
  [8, 8, 8, 8],
  [6, 6, 6, 6],
  [3, 7, 3, 7],
  [2, 9, 2, 9],
  [5, 3, 5, 3],
  [8, 1, 8, 1],
  [6, 2, 6, 2],
  [7, 3.6, 7, 3.6],
];
const SHEKEL_C = [0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5];

const shekel4: BuiltinProblem = {
  name: 'shekel4',
  category: 'continuous',
  params: box(4, 0, 10),
  // Computed by the suite (L-BFGS-B from the well centres and 200 random starts), near (4, 4, 4, 4).
  optimum: -10.536443153483528,
  evaluate: (p) => {
    const x = vector(p, 4);
    let f = 0;
    for (let i = 0; i < 10; i++) {
      let squared = 0;
      for (let j = 0; j < 4; j++) squared += (x[j] - SHEKEL_A[i][j]) ** 2;
      f -= 1 / (SHEKEL_C[i] + squared);
    }
    return f;
  },
};

// Hartmann-3: alpha, A (4x3) and P (4x3, already scaled by 1e-4), row i, column j.
const HARTMANN3_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN3_A = [
  [3, 10, 30],
  [0.1, 10, 35],
  [3, 10, 30],
  [0.1, 10, 35],
];
const HARTMANN3_P = [
  [0.3689, 0.117, 0.2673],
  [0.4699, 0.4387, 0.747],
  [0.1091, 0.8732, 0.5547],
  [0.0381, 0.5743, 0.8828],
];

const hartmann3: BuiltinProblem = {
  name: 'hartmann3',
  category: 'continuous',
  params: box(3, 0, 1),
  // Computed by the suite (L-BFGS-B from the literature point and 200 random starts).
  optimum: -3.862779787332662,
  evaluate: (p) => {
    const x = vector(p, 3);
    let f = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 3; j++) inner += HARTMANN3_A[i][j] * (x[j] - HARTMANN3_P[i][j]) ** 2;
      f -= HARTMANN3_ALPHA[i] * Math.exp(-inner);
    }
    return f;
  },
};

const gbmMixed: BuiltinProblem = {
  name: 'gbm_mixed',
  category: 'mixed',
  params: [
    { name: 'n_estimators', type: 'int', low: 10, high: 2000, log: true },
    { name: 'learning_rate', type: 'float', low: 0.001, high: 1, log: true },
    { name: 'max_depth', type: 'int', low: 2, high: 12, log: false },
    { name: 'subsample', type: 'float', low: 0.5, high: 1, log: false },
  ],
  optimum: 0.1,
  evaluate: (p) => {
    const a = Math.log10(num(p, 'learning_rate')) + 1.5;
    const b = Math.log10(num(p, 'n_estimators')) - 3;
    const dd = num(p, 'max_depth') - 6;
    // s: log10 of the shrinkage budget learning_rate * n_estimators against its ideal at this depth.
    const s = a + b + 0.1 * dd;
    const w = num(p, 'subsample') - 0.8;
    // g >= 0: s^2/2 near 0, steep for too few boosting steps (s < 0), about linear for s > 0.
    const g = Math.exp(-s) - 1 + s;
    return 0.1 + 0.1 * g + 0.02 * a ** 2 + 0.05 * a * w + 0.25 * w ** 2 + 0.003 * dd ** 2;
  },
};

const OPTIMIZERS = ['sgd', 'adam', 'lbfgs'];
const NESTEROV = ['no', 'yes'];
const LINE_SEARCHES = ['none', 'strong_wolfe'];

const withOptimizer = (optimizer: string) => [{ param: 'optimizer', op: 'eq' as const, value: optimizer }];

/** sgd_nesterov exists only when sgd_momentum > 0.5, so the cost of leaving it out depends on the momentum. */
function nesterovPenalty(p: Params): number {
  if (num(p, 'sgd_momentum') <= 0.5) return 0.01;
  return choice(p, 'sgd_nesterov', NESTEROV) === 'yes' ? 0 : 0.005;
}

const optimizerChoice: BuiltinProblem = {
  name: 'optimizer_choice',
  category: 'conditional',
  params: [
    { name: 'optimizer', type: 'categorical', choices: OPTIMIZERS },
    { name: 'sgd_lr', type: 'float', low: 1e-4, high: 1, log: true, conditions: withOptimizer('sgd') },
    { name: 'sgd_momentum', type: 'float', low: 0, high: 0.99, log: false, conditions: withOptimizer('sgd') },
    {
      name: 'sgd_weight_decay',
      type: 'float',
      low: 1e-6,
      high: 0.01,
      log: true,
      conditions: withOptimizer('sgd'),
    },
    {
      name: 'sgd_nesterov',
      type: 'categorical',
      choices: NESTEROV,
      conditions: [...withOptimizer('sgd'), { param: 'sgd_momentum', op: 'gt', value: 0.5 }],
    },
    { name: 'adam_lr', type: 'float', low: 1e-5, high: 0.1, log: true, conditions: withOptimizer('adam') },
    {
      name: 'adam_beta1',
      type: 'float',
      low: 0.5,
      high: 0.99,
      log: false,
      conditions: withOptimizer('adam'),
    },
    {
      name: 'adam_weight_decay',
      type: 'float',
      low: 1e-6,
      high: 0.1,
      log: true,
      conditions: withOptimizer('adam'),
    },
    { name: 'adam_warmup', type: 'int', low: 0, high: 10, log: false, conditions: withOptimizer('adam') },
    { name: 'lbfgs_history', type: 'int', low: 2, high: 64, log: true, conditions: withOptimizer('lbfgs') },
    {
      name: 'lbfgs_line_search',
      type: 'categorical',
      choices: LINE_SEARCHES,
      conditions: withOptimizer('lbfgs'),
    },
  ],
  // Branch minima: sgd 0.030 (global; momentum > 0.5 and nesterov), adam 0.034, lbfgs 0.050.
  optimum: 0.03,
  evaluate: (p) => {
    const optimizer = choice(p, 'optimizer', OPTIMIZERS);
    if (optimizer === 'sgd') {
      const momentum = num(p, 'sgd_momentum');
      // e: log10 of the effective step sgd_lr / (1 - momentum) against its ideal 10^-0.7.
      const e = Math.log10(num(p, 'sgd_lr')) - Math.log10(1 - momentum) + 0.7;
      return (
        0.03 +
        nesterovPenalty(p) +
        0.03 * e ** 2 +
        0.1 * (momentum - 0.9) ** 2 +
        0.003 * (Math.log10(num(p, 'sgd_weight_decay')) + 4) ** 2
      );
    }
    if (optimizer === 'adam') {
      const l = Math.log10(num(p, 'adam_lr')) + 3;
      return (
        0.034 +
        0.012 * l ** 2 +
        0.04 * (num(p, 'adam_beta1') - 0.9) ** 2 +
        0.002 * (Math.log10(num(p, 'adam_weight_decay')) + 2) ** 2 +
        0.0008 * (num(p, 'adam_warmup') - 3 - 2 * l) ** 2
      );
    }
    const lineSearchPenalty = choice(p, 'lbfgs_line_search', LINE_SEARCHES) === 'strong_wolfe' ? 0 : 0.03;
    return 0.05 + lineSearchPenalty + 0.004 * (Math.log2(num(p, 'lbfgs_history')) - 4) ** 2;
  },
};

function freezeProblem(problem: BuiltinProblem): BuiltinProblem {
  for (const spec of problem.params) {
    if (spec.choices) Object.freeze(spec.choices);
    if (spec.conditions) spec.conditions.forEach((c) => Object.freeze(c));
    Object.freeze(spec);
  }
  Object.freeze(problem.params);
  return Object.freeze(problem);
}

/**
 * Not a suite problem: the trivial objective of the suite's throughput protocol, (x - 2)^2 on [-10, 10],
 * for measuring what the platform itself costs per trial.
 */
const quadratic: BuiltinProblem = {
  name: 'quadratic',
  category: 'continuous',
  params: [{ name: 'x', type: 'float', low: -10, high: 10, log: false }],
  optimum: 0,
  evaluate: (p) => (num(p, 'x') - 2) ** 2,
};

/** The problems by name: suite.json's, then the validation suite's, each in its suite's order, then `quadratic`. */
export const BUILTIN_PROBLEMS: Readonly<Record<string, BuiltinProblem>> = Object.freeze(
  Object.fromEntries(
    [
      sphere5,
      branin,
      hartmann6,
      rosenbrock4,
      ackley5,
      styblinskiTang5,
      logscale,
      modelSelect,
      learningCurve,
      bohachevsky1,
      zakharov5,
      dixonPrice4,
      powell4,
      shekel4,
      hartmann3,
      gbmMixed,
      optimizerChoice,
      quadratic,
    ].map((p) => [p.name, freezeProblem(p)]),
  ),
);

/** @throws InvalidArgumentError naming the known problems when `name` is not one of them. */
export function getBuiltinProblem(name: string): BuiltinProblem {
  if (!Object.prototype.hasOwnProperty.call(BUILTIN_PROBLEMS, name)) {
    throw new InvalidArgumentError(
      `Unknown built-in problem ${JSON.stringify(name)}; known problems: ${Object.keys(BUILTIN_PROBLEMS).join(', ')}.`,
    );
  }
  return BUILTIN_PROBLEMS[name];
}

/** Whether `spec` is active given the values of the parameters before it (all conditions hold). */
export function isParamActive(spec: ParamSpec, chosen: Readonly<Params>): boolean {
  return (spec.conditions ?? []).every((c) => {
    if (!(c.param in chosen)) return false; // the parameter it refers to is itself inactive
    const v = chosen[c.param];
    return c.op === 'eq' ? v === c.value : typeof v === 'number' && v > Number(c.value);
  });
}

/** Suggests the active params in list order (define-by-run, conditions respected) on a Trial-like object. */
export function suggestProblemParams(
  trial: Pick<Trial, 'suggestFloat' | 'suggestInt' | 'suggestCategorical'>,
  problem: BuiltinProblem,
): Params {
  const chosen: Params = {};
  for (const spec of problem.params) {
    if (!isParamActive(spec, chosen)) continue;
    if (spec.type === 'categorical') {
      chosen[spec.name] = trial.suggestCategorical(spec.name, spec.choices ?? []);
    } else if (spec.type === 'int') {
      chosen[spec.name] = trial.suggestInt(spec.name, spec.low!, spec.high!, { log: spec.log ?? false });
    } else {
      chosen[spec.name] = trial.suggestFloat(spec.name, spec.low!, spec.high!, { log: spec.log ?? false });
    }
  }
  return chosen;
}
