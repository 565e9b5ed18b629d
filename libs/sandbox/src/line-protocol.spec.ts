import {
  formatAttr,
  formatReport,
  formatResult,
  parseProtocolLine,
  parseProtocolNumber,
  ProtocolError,
} from './line-protocol';

function reasonOf(line: string): string {
  try {
    parseProtocolLine(line);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).message).toContain(JSON.stringify(line));
    return (e as ProtocolError).reason;
  }
  throw new Error(`accepted ${JSON.stringify(line)}`);
}

describe('parseProtocolLine', () => {
  it('leaves every other line to the log', () => {
    for (const line of [
      '',
      'epoch 3 loss 0.2',
      ' tuneforge:result value=1',
      'TUNEFORGE:result value=1',
      'xtuneforge:report',
    ]) {
      expect(parseProtocolLine(line)).toBeNull();
    }
  });

  it('reads reports, results and attrs', () => {
    expect(parseProtocolLine('tuneforge:report step=3 value=0.412')).toEqual({
      kind: 'report',
      step: 3,
      value: 0.412,
    });
    expect(parseProtocolLine('tuneforge:report  value=-1e-3\tstep=0 \r')).toEqual({
      kind: 'report',
      step: 0,
      value: -0.001,
    });
    expect(parseProtocolLine('tuneforge:result value=0.93')).toEqual({
      kind: 'result',
      values: [0.93],
      constraints: null,
    });
    expect(parseProtocolLine('tuneforge:result values=0.9,1.2,-3')).toEqual({
      kind: 'result',
      values: [0.9, 1.2, -3],
      constraints: null,
    });
    expect(parseProtocolLine('tuneforge:result values=0.9,1.2 constraints=-3,0.5,0')).toEqual({
      kind: 'result',
      values: [0.9, 1.2],
      constraints: [-3, 0.5, 0],
    });
    expect(parseProtocolLine('tuneforge:result constraints=1e-3 value=2')).toEqual({
      kind: 'result',
      values: [2],
      constraints: [0.001],
    });
    expect(parseProtocolLine('tuneforge:attr note=hello = world')).toEqual({
      kind: 'attr',
      key: 'note',
      value: 'hello = world',
    });
    expect(parseProtocolLine('tuneforge:attr epochs=10')).toEqual({ kind: 'attr', key: 'epochs', value: 10 });
    expect(parseProtocolLine('tuneforge:attr cfg={"a":[1,true]}')).toEqual({
      kind: 'attr',
      key: 'cfg',
      value: { a: [1, true] },
    });
  });

  it("accepts Python's and JavaScript's spellings of non-finite numbers", () => {
    expect(parseProtocolNumber('nan')).toBeNaN();
    expect(parseProtocolNumber('NaN')).toBeNaN();
    expect(parseProtocolNumber('inf')).toBe(Infinity);
    expect(parseProtocolNumber('-Infinity')).toBe(-Infinity);
    expect(parseProtocolNumber('.5')).toBe(0.5);
    expect(parseProtocolNumber('3.')).toBe(3);
    for (const bad of ['', '0x10', '1,5', '1e', 'one', '--1']) expect(parseProtocolNumber(bad)).toBeNull();
  });

  it.each([
    ['tuneforge:report step=x value=1', /step must be an integer >= 0/],
    ['tuneforge:report step=-1 value=1', /step must be an integer >= 0/],
    ['tuneforge:report step=1.5 value=1', /step must be an integer >= 0/],
    ['tuneforge:report step=1', /needs step=<int> and value=<number>/],
    ['tuneforge:report step=1 value=abc', /value must be a number, got "abc"/],
    ['tuneforge:report step=1 value=1 step=2', /"step" given twice/],
    ['tuneforge:report step=1 value=1 extra=2', /unknown field "extra"/],
    ['tuneforge:report step=1 value', /expected name=value/],
    ['tuneforge:result', /exactly one of value=/],
    ['tuneforge:result value=1 values=1,2', /exactly one of value=/],
    ['tuneforge:result values=1,,2', /values\[1\] must be a number/],
    ['tuneforge:result constraints=1', /exactly one of value=/],
    ['tuneforge:result value=1 constraints=', /constraints\[0\] must be a number, got ""/],
    ['tuneforge:result value=1 constraints=0,x', /constraints\[1\] must be a number, got "x"/],
    ['tuneforge:result value=1 constraints=0,inf', /constraints\[1\] must be a finite number .*got "inf"/],
    ['tuneforge:result value=1 constraints=nan', /constraints\[0\] must be a finite number/],
    ['tuneforge:result value=1 constraints=1 constraints=2', /"constraints" given twice/],
    ['tuneforge:attr =1', /key=value/],
    ['tuneforge:attr 1x=1', /key=value/],
    ['tuneforge:attr novalue', /key=value/],
    ['tuneforge:rezult value=1', /unknown record "rezult"/],
    ['tuneforge:', /missing record kind/],
  ])('refuses %j', (line, reason) => {
    expect(reasonOf(line)).toMatch(reason);
  });

  it('formats lines that parse back to the same record', () => {
    expect(parseProtocolLine(formatReport(7, 0.125))).toEqual({ kind: 'report', step: 7, value: 0.125 });
    expect(parseProtocolLine(formatResult(Number.NaN))).toEqual({
      kind: 'result',
      values: [Number.NaN],
      constraints: null,
    });
    expect(parseProtocolLine(formatResult([1, -Infinity]))).toEqual({
      kind: 'result',
      values: [1, -Infinity],
      constraints: null,
    });
    expect(parseProtocolLine(formatResult([1, 2], [-0.5, 3]))).toEqual({
      kind: 'result',
      values: [1, 2],
      constraints: [-0.5, 3],
    });
    expect(parseProtocolLine(formatAttr('msg', 'a b "c"'))).toEqual({
      kind: 'attr',
      key: 'msg',
      value: 'a b "c"',
    });
  });

  it('clips a long line in the error message', () => {
    const line = `tuneforge:report step=${'9'.repeat(1000)} value=1`;
    expect(() => parseProtocolLine(line)).toThrow(/…/);
    try {
      parseProtocolLine(line);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(500);
    }
  });
});
