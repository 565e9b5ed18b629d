import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStudy, InvalidArgumentError, RandomSampler } from '@tuneforge/core';
import {
  BUILTIN_PROBLEMS,
  getBuiltinProblem,
  isParamActive,
  suggestProblemParams,
  type BuiltinProblem,
  type ParamSpec,
} from './builtin-problems';

interface SuiteVector {
  params: Record<string, string | number>;
  value: number;
  intermediate?: Record<string, number>;
}
interface SuiteProblem {
  name: string;
  category: string;
  params: Array<ParamSpec & { log?: boolean }>;
  optimum: { value: number };
  budget: { trials: number; max_steps_per_trial?: number };
  test_vectors: SuiteVector[];
}

// The suite files are the reference; the problems themselves never read them.
function readSuite(file: string): { problems: SuiteProblem[] } {
  return JSON.parse(readFileSync(join(__dirname, '../../../bench/suite', file), 'utf8')) as {
    problems: SuiteProblem[];
  };
}
const suite = readSuite('suite.json');
const validationSuite = readSuite('suite-validation.json');
const allSuiteProblems = [...suite.problems, ...validationSuite.problems];

/** ~1e-9 relative, with a tiny absolute floor for values that are zero up to rounding (ackley5 at 0). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-12);
}

describe('BUILTIN_PROBLEMS', () => {
  it("holds exactly the suites' problems, in their order, then the throughput objective", () => {
    expect(Object.keys(BUILTIN_PROBLEMS)).toEqual([...allSuiteProblems.map((p) => p.name), 'quadratic']);
    expect(Object.keys(BUILTIN_PROBLEMS)).toEqual([
      'sphere5',
      'branin',
      'hartmann6',
      'rosenbrock4',
      'ackley5',
      'styblinski_tang5',
      'logscale',
      'model_select',
      'learning_curve',
      'bohachevsky1',
      'zakharov5',
      'dixon_price4',
      'powell4',
      'shekel4',
      'hartmann3',
      'gbm_mixed',
      'optimizer_choice',
      'quadratic',
    ]);
    expect(BUILTIN_PROBLEMS.quadratic.evaluate({ x: 5 })).toBe(9);
  });

  describe.each(allSuiteProblems.map((p) => [p.name, p] as const))('%s', (name, reference) => {
    const problem = BUILTIN_PROBLEMS[name];

    it('has the suite category, optimum and parameter specs', () => {
      expect(problem.name).toBe(name);
      expect(problem.category).toBe(reference.category);
      expect(problem.optimum).toBe(reference.optimum.value);
      expect(problem.params).toEqual(
        reference.params.map((spec) => ({
          ...spec,
          // The suite writes `log: false` on every numeric param; categoricals carry no `log`.
          ...(spec.type === 'categorical' ? {} : { log: spec.log ?? false }),
        })),
      );
    });

    it.each(reference.test_vectors.map((v, i) => [i, v] as const))('matches test vector %i', (_i, vector) => {
      expectClose(problem.evaluate(vector.params), vector.value);
      for (const [step, loss] of Object.entries(vector.intermediate ?? {})) {
        expectClose(problem.curve!(vector.params, Number(step)), loss);
      }
    });

    it('takes its optimum value at the first test vector (the argmin)', () => {
      expectClose(problem.evaluate(reference.test_vectors[0].params), problem.optimum);
    });
  });

  it('gives the pruning problem a 50-step curve whose last step is the objective value', () => {
    const lc = BUILTIN_PROBLEMS.learning_curve;
    expect(lc.maxSteps).toBe(50);
    const params = { lr: 0.06323413637327344, width: 417, dropout: 0.3918565120298607 };
    expect(lc.curve!(params, 50)).toBe(lc.evaluate(params));
    expect(() => lc.curve!(params, 0)).toThrow(InvalidArgumentError);
    expect(() => lc.curve!(params, 51)).toThrow(/1\.\.50/);
    expect(BUILTIN_PROBLEMS.sphere5.curve).toBeUndefined();
  });

  it('is frozen, so no caller can change a problem for the others', () => {
    expect(Object.isFrozen(BUILTIN_PROBLEMS)).toBe(true);
    expect(Object.isFrozen(BUILTIN_PROBLEMS.branin.params[0])).toBe(true);
    expect(Object.isFrozen(BUILTIN_PROBLEMS.model_select.params[0].choices)).toBe(true);
  });
});

describe('evaluate input checks', () => {
  it('names a missing or non-numeric parameter', () => {
    expect(() => BUILTIN_PROBLEMS.sphere5.evaluate({ x1: 0, x2: 0, x3: 0, x4: 0 })).toThrow(
      new InvalidArgumentError("Parameter 'x5' must be a finite number, got undefined."),
    );
    expect(() => BUILTIN_PROBLEMS.logscale.evaluate({ lr: '0.1', num_layers: 3, momentum: 0.5 })).toThrow(
      /'lr'/,
    );
  });

  it('names an unknown categorical value with the allowed ones', () => {
    expect(() => BUILTIN_PROBLEMS.model_select.evaluate({ model: 'xgboost' })).toThrow(
      'Parameter \'model\' must be one of svm, random_forest, mlp, got "xgboost".',
    );
  });

  it('asks optimizer_choice for sgd_nesterov only when sgd_momentum > 0.5', () => {
    const sgd = { optimizer: 'sgd', sgd_lr: 0.01, sgd_weight_decay: 1e-4 };
    const problem = BUILTIN_PROBLEMS.optimizer_choice;
    expect(() => problem.evaluate({ ...sgd, sgd_momentum: 0.9 })).toThrow(/'sgd_nesterov'/);
    // At momentum <= 0.5 the parameter is inactive: its absence costs 0.01 and a stray value is ignored.
    expect(problem.evaluate({ ...sgd, sgd_momentum: 0.5, sgd_nesterov: 'yes' })).toBe(
      problem.evaluate({ ...sgd, sgd_momentum: 0.5 }),
    );
  });

  it('ignores inactive parameters passed along', () => {
    const value = BUILTIN_PROBLEMS.model_select.evaluate({
      model: 'mlp',
      mlp_lr: 1e-3,
      mlp_hidden: 128,
      svm_C: 5,
    });
    expectClose(value, 0.04);
  });
});

describe('getBuiltinProblem', () => {
  it('returns the problem of that name', () => {
    expect(getBuiltinProblem('branin')).toBe(BUILTIN_PROBLEMS.branin);
  });

  it('refuses an unknown name and lists the known ones', () => {
    expect(() => getBuiltinProblem('rastrigin')).toThrow(InvalidArgumentError);
    expect(() => getBuiltinProblem('rastrigin')).toThrow(
      'Unknown built-in problem "rastrigin"; known problems: sphere5, branin, hartmann6, rosenbrock4, ackley5, ' +
        'styblinski_tang5, logscale, model_select, learning_curve, bohachevsky1, zakharov5, dixon_price4, ' +
        'powell4, shekel4, hartmann3, gbm_mixed, optimizer_choice, quadratic.',
    );
    // Inherited object keys are not problems.
    expect(() => getBuiltinProblem('toString')).toThrow(InvalidArgumentError);
  });
});

describe('isParamActive', () => {
  const spec: ParamSpec = {
    name: 'units_l1',
    type: 'int',
    low: 1,
    high: 8,
    conditions: [{ param: 'layers', op: 'gt', value: 1 }],
  };

  it('needs every condition to hold, strictly for gt', () => {
    expect(isParamActive(spec, { layers: 2 })).toBe(true);
    expect(isParamActive(spec, { layers: 1 })).toBe(false);
    expect(isParamActive(spec, {})).toBe(false);
    expect(isParamActive({ ...spec, conditions: [] }, {})).toBe(true);
  });
});

describe('suggestProblemParams', () => {
  /** Runs `nTrials` random trials of `problem` and returns the params and value of each. */
  async function runStudy(problem: BuiltinProblem, nTrials: number, seed: number) {
    const study = await createStudy({ sampler: new RandomSampler({ seed }) });
    const seen: Array<Record<string, string | number>> = [];
    await study.optimize(
      (trial) => {
        const params = suggestProblemParams(trial, problem);
        seen.push(params);
        return problem.evaluate(params);
      },
      { nTrials },
    );
    return { study, seen };
  }

  it('suggests only the active branch of a conditional problem, in list order', async () => {
    const problem = BUILTIN_PROBLEMS.model_select;
    const { study, seen } = await runStudy(problem, 30, 3);
    const branches: Record<string, string[]> = {
      svm: ['model', 'svm_C', 'svm_gamma', 'svm_kernel'],
      random_forest: ['model', 'rf_n_estimators', 'rf_max_depth'],
      mlp: ['model', 'mlp_lr', 'mlp_hidden'],
    };
    const models = new Set<string>();
    for (const trial of study.trials) {
      expect(trial.state).toBe('COMPLETE');
      const model = trial.params.model as string;
      models.add(model);
      expect(Object.keys(trial.params)).toEqual(branches[model]);
      expect(trial.values![0]).toBeGreaterThanOrEqual(problem.optimum);
      expect(trial.values![0]).toBe(problem.evaluate(trial.params as Record<string, string | number>));
    }
    expect(models).toEqual(new Set(['svm', 'random_forest', 'mlp']));
    expect(seen.map((p) => Object.keys(p))).toEqual(study.trials.map((t) => Object.keys(t.params)));
  });

  it('opens the second-level condition of optimizer_choice (sgd_nesterov after sgd_momentum > 0.5)', async () => {
    const { study } = await runStudy(BUILTIN_PROBLEMS.optimizer_choice, 60, 2);
    const sgd = study.trials.filter((t) => t.params.optimizer === 'sgd');
    for (const trial of sgd) {
      expect('sgd_nesterov' in trial.params).toBe((trial.params.sgd_momentum as number) > 0.5);
    }
    expect(sgd.some((t) => 'sgd_nesterov' in t.params)).toBe(true);
    expect(sgd.some((t) => !('sgd_nesterov' in t.params))).toBe(true);
  });

  it('uses each spec as the distribution: bounds, log scale and integer values', async () => {
    const problem = BUILTIN_PROBLEMS.learning_curve;
    const { study } = await runStudy(problem, 20, 11);
    for (const trial of study.trials) {
      expect(trial.distributions).toEqual({
        lr: { type: 'float', low: 1e-4, high: 1, log: true, step: null },
        width: { type: 'int', low: 16, high: 512, log: true, step: 1 },
        dropout: { type: 'float', low: 0, high: 0.8, log: false, step: null },
      });
      expect(Number.isInteger(trial.params.width)).toBe(true);
    }
  });

  it('gives the same trials for the same seed', async () => {
    const a = await runStudy(BUILTIN_PROBLEMS.hartmann6, 10, 5);
    const b = await runStudy(BUILTIN_PROBLEMS.hartmann6, 10, 5);
    expect(a.seen).toEqual(b.seen);
    expect(a.study.bestValue).toBe(b.study.bestValue);
  });

  it('works on any object with the three suggest methods', () => {
    const calls: string[] = [];
    const fake = {
      suggestFloat: (name: string, low: number) => (calls.push(`float ${name}`), low),
      suggestInt: (name: string, low: number) => (calls.push(`int ${name}`), low),
      suggestCategorical: <T>(name: string, choices: readonly T[]) => (calls.push(`cat ${name}`), choices[1]),
    };
    const params = suggestProblemParams(fake, BUILTIN_PROBLEMS.model_select);
    expect(params).toEqual({ model: 'random_forest', rf_n_estimators: 10, rf_max_depth: 2 });
    expect(calls).toEqual(['cat model', 'int rf_n_estimators', 'int rf_max_depth']);
  });
});
