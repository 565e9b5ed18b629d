import type { TrialResponse } from '../api';

type Test = (trial: TrialResponse) => boolean;

const COMPARISON = /^([^<>=!]+?)\s*(<=|>=|!=|=|<|>)\s*(.+)$/;

/**
 * The trial table's parameter search: words separated by spaces, all of which must match. `lr<0.01`,
 * `layers>=2`, `optimizer=adam` compare a parameter (numbers as numbers, anything else as text);
 * any other word is looked for in the parameters' names and values (`adam`, `lr`).
 */
export function parseSearch(text: string): Test {
  const tests = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map(wordTest);
  return (trial) => tests.every((test) => test(trial));
}

function wordTest(word: string): Test {
  const m = COMPARISON.exec(word);
  if (!m) {
    const needle = word.toLowerCase();
    return (t) =>
      Object.entries(t.params).some(([name, value]) =>
        `${name}=${String(value)}`.toLowerCase().includes(needle),
      );
  }
  const [, name, op, raw] = m;
  const wanted = Number(raw);
  const numeric = raw.trim() !== '' && Number.isFinite(wanted);
  return (t) => {
    if (!(name in t.params)) return false;
    const value = t.params[name];
    if (numeric && typeof value === 'number') return compare(value, wanted, op);
    // Text compares equal or not; an order between texts would mean nothing here.
    const same = String(value).toLowerCase() === raw.toLowerCase();
    return op === '=' ? same : op === '!=' ? !same : false;
  };
}

function compare(a: number, b: number, op: string): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '!=':
      return a !== b;
    default:
      return a === b;
  }
}
