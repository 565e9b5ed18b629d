import { LineSplitter, TailBuffer } from './output-capture';

describe('TailBuffer', () => {
  it('keeps everything under the bound', () => {
    const t = new TailBuffer(100);
    t.append('a\n');
    t.append('b\n');
    expect(t.toString()).toBe('a\nb\n');
  });

  it('keeps only the last characters, marking the cut', () => {
    const t = new TailBuffer(5);
    for (const piece of ['hello ', 'wonderful ', 'world']) t.append(piece);
    expect(t.toString()).toBe('…world');
    t.append('!');
    expect(t.toString()).toBe('…orld!');
  });
});

describe('LineSplitter', () => {
  function split(chunks: Array<string | Buffer>, max = 10): Array<[string, boolean]> {
    const out: Array<[string, boolean]> = [];
    const s = new LineSplitter(max, (line, truncated) => out.push([line, truncated]));
    for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
    s.end();
    return out;
  }

  it('joins lines across chunks and flushes the last unterminated line', () => {
    expect(split(['ab', 'c\nde', '\n\nf'])).toEqual([
      ['abc', false],
      ['de', false],
      ['', false],
      ['f', false],
    ]);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('é€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual([['é€', false]]);
  });

  it('cuts an overlong line and skips its rest up to the newline', () => {
    expect(split(['0123456789ABC', 'DEF', 'GHI\nok\n'], 10)).toEqual([
      ['0123456789', true],
      ['ok', false],
    ]);
    expect(split(['x'.repeat(25) + '\nnext'], 10)).toEqual([
      ['x'.repeat(10), true],
      ['next', false],
    ]);
  });

  it('holds at most one line in memory however much arrives without a newline', () => {
    const out: string[] = [];
    const s = new LineSplitter(1000, (line) => out.push(line));
    const chunk = Buffer.alloc(64 * 1024, 'y');
    for (let i = 0; i < 200; i++) s.push(chunk);
    s.push(Buffer.from('\nend\n'));
    s.end();
    expect(out).toEqual(['y'.repeat(1000), 'end']);
  });
});
