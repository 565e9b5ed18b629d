/** The shared benchmark suite (`bench/suite/suite.json`): its problems, seeds and budget. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITE_DIR = join(__dirname, '..', 'suite');

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

let cached: Suite | null = null;

export function loadSuite(): Suite {
  cached ??= JSON.parse(readFileSync(join(SUITE_DIR, 'suite.json'), 'utf8')) as Suite;
  return cached;
}

/** Whether every parameter of the problem is an unconditional float (where CMA-ES runs). */
export function isAllFloat(problem: { params: { type: string; conditions?: unknown[] }[] }): boolean {
  return problem.params.every((p) => p.type === 'float' && !(p.conditions && p.conditions.length > 0));
}
