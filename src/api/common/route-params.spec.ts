import { BadRequestException } from '@nestjs/common';
import { MAX_INT4, parseRouteInt, parseStudyRef, undecodableParam } from './route-params';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { errors: Array<{ field: string }> }).errors[0].field;
  }
  throw new Error('expected a 400');
}

describe('parseRouteInt', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    [String(MAX_INT4), MAX_INT4],
  ])('reads %s', (raw, value) => {
    expect(parseRouteInt('number', raw, 0)).toBe(value);
  });

  it.each([
    '0x10',
    '1e3',
    '+1',
    '-1',
    ' 1',
    '1 ',
    '01',
    '00',
    '1.0',
    'abc',
    '',
    '2147483648',
    '9999999999',
    '99999999999999999999',
  ])('refuses %j naming the parameter', (raw) => {
    expect(fieldOf(() => parseRouteInt('number', raw, 0))).toBe('number');
  });

  it('refuses a value below the minimum', () => {
    expect(fieldOf(() => parseRouteInt('id', '0', 1))).toBe('id');
  });
});

describe('parseStudyRef', () => {
  it('reads all digits as an id and anything name-like as a name', () => {
    expect(parseStudyRef('12')).toBe(12);
    expect(parseStudyRef('branin-demo')).toBe('branin-demo');
    expect(parseStudyRef('1abc')).toBe('1abc');
    // A valid name (letters and digits), so a name: a 404 unless a study is called that.
    expect(parseStudyRef('0x10')).toBe('0x10');
  });

  it.each(['0', '01', '2147483648', '+1', ' 1', '-1', 'a b', '.hidden', ''])(
    'refuses %j naming id',
    (raw) => {
      expect(fieldOf(() => parseStudyRef(raw))).toBe('id');
    },
  );
});

describe('undecodableParam', () => {
  it.each([
    ['/studies/%E0', 'id'],
    ['/studies/%E0/trials', 'id'],
    ['/studies/3/trials/%E0%A4%A', 'number'],
    ['/studies/3/trials/%E0?limit=1', 'number'],
    ['/studies/3/%E0', 'path'],
    ['/dashboard/%E0', 'path'],
  ])('names the parameter of %s: %s', (path, field) => {
    expect(undecodableParam(path)).toBe(field);
  });
});
