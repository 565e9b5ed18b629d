/**
 * Constraints from objectives that are not JS functions: a command's `tuneforge:result … constraints=…`
 * line and a module's `{ values, constraints }` land in the trial's `constraints` system attribute, as a
 * study's `constraintsFunc` stores them, so feasibility reads the same; bad constraint values end FAIL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSTRAINTS_ATTR, createStudy, isFeasible, parseSearchSpace, RandomSampler } from '@tuneforge/core';
import { commandObjective, moduleObjective, ObjectiveFailedError } from './index';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tuneforge-constraints-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const space = parseSearchSpace([{ name: 'x', type: 'float', low: 0, high: 1 }]);

/** An objective for `study` running a shell command that prints `line`. */
function echo(study: { studyName: string }, line: string) {
  return commandObjective(
    { argv: ['sh', '-c', `echo "${line}"`] },
    { space, studyName: study.studyName, workdirRoot: dir },
  );
}

async function twoObjectiveStudy() {
  return createStudy({ directions: ['minimize', 'minimize'], sampler: new RandomSampler({ seed: 3 }) });
}

describe('constraints from a command objective', () => {
  it('stores the result line constraints on the trial; old result lines stay valid', async () => {
    const study = await twoObjectiveStudy();
    await study.optimize(echo(study, 'tuneforge:result values=1,2 constraints=0.25,-1'), { nTrials: 1 });
    await study.optimize(echo(study, 'tuneforge:result values=3,4 constraints=0,-2e-3'), { nTrials: 1 });
    await study.optimize(echo(study, 'tuneforge:result values=5,6'), { nTrials: 1 });
    const trials = study.trials;
    expect(trials.map((t) => [t.state, t.values, t.systemAttrs[CONSTRAINTS_ATTR]])).toEqual([
      ['COMPLETE', [1, 2], [0.25, -1]],
      ['COMPLETE', [3, 4], [0, -0.002]],
      ['COMPLETE', [5, 6], undefined],
    ]);
    expect(trials.map(isFeasible)).toEqual([false, true, true]);
    // Feasible first: trial 0 dominates trial 1 but is infeasible; trial 2 is dominated by trial 1.
    expect(study.bestTrials.map((t) => t.number)).toEqual([1]);
  });

  it('ends the trial FAIL naming the constraint that is not a finite number', async () => {
    const study = await twoObjectiveStudy();
    await study.optimize(echo(study, 'tuneforge:result values=1,2 constraints=0,inf'), {
      nTrials: 1,
      catch: [ObjectiveFailedError],
    });
    const [trial] = study.trials;
    expect(trial.state).toBe('FAIL');
    expect(trial.systemAttrs.fail_reason).toMatch(/constraints\[1\] must be a finite number .*got "inf"/);
    expect(trial.systemAttrs[CONSTRAINTS_ATTR]).toBeUndefined();
  });
});

describe('constraints from a module objective', () => {
  const module = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it('stores { values, constraints } on the trial; a plain array stays valid', async () => {
    const path = module(
      'constrained.js',
      [
        'exports.objective = (trial) => {',
        '  const x = trial.suggestFloat("x", 0, 1);',
        '  if (trial.number === 2) return [x, 1 - x];',
        '  return { values: [x, 1 - x], constraints: [x - 0.5, -1] };',
        '};',
      ].join('\n'),
    );
    const study = await twoObjectiveStudy();
    await study.optimize(moduleObjective(path, { workdirRoot: dir }), { nTrials: 3 });
    const trials = study.trials;
    expect(trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
    for (const t of trials.slice(0, 2)) {
      const x = t.params.x as number;
      expect(t.values).toEqual([x, 1 - x]);
      expect(t.systemAttrs[CONSTRAINTS_ATTR]).toEqual([x - 0.5, -1]);
      expect(isFeasible(t)).toBe(x <= 0.5);
    }
    expect(trials[2].systemAttrs[CONSTRAINTS_ATTR]).toBeUndefined();
  });

  it.each([
    [
      '{ values: [1, 2], constraints: [0, NaN] }',
      /constraints \[0, NaN\], which must be an array of finite numbers/,
    ],
    ['{ values: [1, 2], constraints: 3 }', /constraints 3, which must be an array of finite numbers/],
    ['{ values: "a", constraints: [0] }', /values "a", which is not a number or an array of numbers/],
    [
      '{ value: [1, 2] }',
      /an object with "value"; expected a number, an array of numbers or \{ values, constraints \}/,
    ],
  ])('ends the trial FAIL when it returns %s', async (returned, reason) => {
    const path = module(`bad-${Math.abs(hash(returned))}.js`, `exports.objective = () => (${returned});`);
    const study = await twoObjectiveStudy();
    await study.optimize(moduleObjective(path, { workdirRoot: dir }), {
      nTrials: 1,
      catch: [ObjectiveFailedError],
    });
    const [trial] = study.trials;
    expect(trial.state).toBe('FAIL');
    expect(trial.systemAttrs.fail_reason).toMatch(reason);
    expect(trial.systemAttrs[CONSTRAINTS_ATTR]).toBeUndefined();
  });
});

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}
