import { CONSTRAINTS_ATTR } from '../multi-objective/constraints';
import { blankTrial, type FrozenTrial } from '../trial/frozen-trial';
import { FAIL_REASON_ATTR } from '../trial/trial';
import { formatTrials } from './format-trials';

const trial = (number: number, patch: Partial<FrozenTrial>): FrozenTrial => ({
  ...blankTrial(number + 10, number, 'COMPLETE'),
  params: { x: number / 2 },
  ...patch,
});

describe('formatTrials', () => {
  it('writes the base columns only for trials without attributes, constraints or failures', () => {
    expect(formatTrials([trial(0, { values: [1.5] })], 1, 'csv')).toBe(
      'number,state,value,params_x,datetime_start,datetime_complete\n0,COMPLETE,1.5,0,,\n',
    );
  });

  it('adds user attributes, constraints with whether they hold, and (in CSV) why a trial failed', () => {
    const trials = [
      trial(0, {
        values: [1, 2],
        userAttrs: { note: 'a, b', shape: [2, 3] },
        systemAttrs: { [CONSTRAINTS_ATTR]: [0.5, -1] },
      }),
      trial(1, { values: [3, 4], systemAttrs: { [CONSTRAINTS_ATTR]: [-0.5, 0] } }),
      trial(2, { state: 'FAIL', systemAttrs: { [FAIL_REASON_ATTR]: 'boom' } }),
    ];
    expect(formatTrials(trials, 2, 'csv').split('\n')).toEqual([
      'number,state,values_0,values_1,params_x,user_attrs_note,user_attrs_shape,datetime_start,datetime_complete,constraints,feasible,fail_reason',
      '0,COMPLETE,1,2,0,"a, b","[2,3]",,,"[0.5,-1]",false,',
      '1,COMPLETE,3,4,0.5,,,,,"[-0.5,0]",true,',
      '2,FAIL,,,1,,,,,,,boom',
      '',
    ]);
    const table = formatTrials(trials, 2, 'table').split('\n');
    expect(table[0].split(/\s+/)).toEqual([
      ...['number', 'state', 'values_0', 'values_1', 'params_x', 'user_attrs_note', 'user_attrs_shape'],
      ...['datetime_start', 'datetime_complete', 'constraints', 'feasible'],
    ]);
  });
});
