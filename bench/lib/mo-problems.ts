/**
 * The multi-objective suite (`bench/suite/suite-mo.json`): its problems as functions (every objective
 * minimized; constraints ≤ 0 feasible), read with their parameters, reference points and true hypervolumes.
 * They live here rather than among the sandbox's built-in problems, which are single-objective.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUITE_DIR } from './suite';

export interface MoSuiteProblem {
  name: string;
  category: string;
  n_objectives: number;
  params: { name: string; type: 'float'; low: number; high: number; log: boolean }[];
  reference_point: number[];
  true_hypervolume: { value: number; source: string };
  budget: { trials: number };
  constraints: { name: string; formula: string }[];
  test_vectors: {
    params: Record<string, number>;
    values: number[];
    constraints: number[];
    feasible: boolean;
  }[];
}

export interface MoSuite {
  suite: string;
  seeds: number[];
  default_budget: { trials: number };
  protocol: { checkpoints: number[] };
  problems: MoSuiteProblem[];
}

export interface MoProblem {
  values(x: Record<string, number>): number[];
  /** One value per constraint, ≤ 0 where it holds; [] for unconstrained problems. */
  constraints(x: Record<string, number>): number[];
}

/** ZDT's g for n = 6: 1 + 9/(n − 1) Σ_{i=2..n} x_i. */
function zdtG(x: Record<string, number>): number {
  return 1 + (9 * (x.x2 + x.x3 + x.x4 + x.x5 + x.x6)) / 5;
}

const none = (): number[] => [];

export const MO_PROBLEMS: Record<string, MoProblem> = {
  zdt1: {
    values: (x) => {
      const g = zdtG(x);
      return [x.x1, g * (1 - Math.sqrt(x.x1 / g))];
    },
    constraints: none,
  },
  zdt2: {
    values: (x) => {
      const g = zdtG(x);
      return [x.x1, g * (1 - (x.x1 / g) ** 2)];
    },
    constraints: none,
  },
  zdt3: {
    values: (x) => {
      const g = zdtG(x);
      const r = x.x1 / g;
      return [x.x1, g * (1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * x.x1))];
    },
    constraints: none,
  },
  dtlz2_3: {
    values: (x) => {
      const g = (x.x3 - 0.5) ** 2 + (x.x4 - 0.5) ** 2 + (x.x5 - 0.5) ** 2 + (x.x6 - 0.5) ** 2;
      const a = (x.x1 * Math.PI) / 2;
      const b = (x.x2 * Math.PI) / 2;
      return [
        (1 + g) * Math.cos(a) * Math.cos(b),
        (1 + g) * Math.cos(a) * Math.sin(b),
        (1 + g) * Math.sin(a),
      ];
    },
    constraints: none,
  },
  binh_korn: {
    values: ({ x, y }) => [4 * x * x + 4 * y * y, (x - 5) ** 2 + (y - 5) ** 2],
    constraints: ({ x, y }) => [(x - 5) ** 2 + y * y - 25, 7.7 - (x - 8) ** 2 - (y + 3) ** 2],
  },
};

let cached: MoSuite | null = null;

export function loadMoSuite(): MoSuite {
  cached ??= JSON.parse(readFileSync(join(SUITE_DIR, 'suite-mo.json'), 'utf8')) as MoSuite;
  return cached;
}

/** A problem's functions. @throws when the suite names a problem this file does not implement */
export function moProblem(name: string): MoProblem {
  const problem = MO_PROBLEMS[name];
  if (!problem) throw new Error(`no implementation of the multi-objective problem ${JSON.stringify(name)}`);
  return problem;
}
