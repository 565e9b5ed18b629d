/** The shared benchmark suites (`bench/suite/suite.json` and `suite-validation.json`): problems, seeds, budget. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITE_DIR = join(__dirname, '..', 'suite');

/** `public` is suite.json (the suite we tune on); `validation` is the suite for checking against overfitting. */
export const SUITE_FILES = { public: 'suite.json', validation: 'suite-validation.json' } as const;
export type SuiteName = keyof typeof SUITE_FILES;
export const SUITE_NAMES = Object.keys(SUITE_FILES) as SuiteName[];

export interface SuiteProblem {
  name: string;
  category: 'continuous' | 'mixed' | 'conditional' | 'pruning';
  params: { name: string; type: 'float' | 'int' | 'categorical' }[];
  optimum: { value: number };
  budget: { trials: number; max_steps_per_trial?: number };
}

export interface Suite {
  suite: string;
  seeds: number[];
  default_budget: { trials: number };
  problems: SuiteProblem[];
}

const cache = new Map<SuiteName, Suite>();

export function loadSuite(name: SuiteName = 'public'): Suite {
  if (!cache.has(name)) {
    cache.set(name, JSON.parse(readFileSync(join(SUITE_DIR, SUITE_FILES[name]), 'utf8')) as Suite);
  }
  return cache.get(name)!;
}

/** Whether every parameter of the problem is an unconditional float (where CMA-ES runs). */
export function isAllFloat(problem: { params: { type: string; conditions?: unknown[] }[] }): boolean {
  return problem.params.every((p) => p.type === 'float' && !(p.conditions && p.conditions.length > 0));
}
