/**
 * The stdout line protocol of command objectives (documented in libs/sandbox/README.md). One record a
 * line, starting at column 0 with `tuneforge:`; every other line is the program's own log:
 *
 *   tuneforge:report step=3 value=0.412      intermediate value of step 3 (an integer >= 0)
 *   tuneforge:result value=0.93              final value (single objective)
 *   tuneforge:result values=0.9,1.2          final values (one per objective)
 *   tuneforge:result values=0.9,1.2 constraints=-3,0.5
 *                                            with constraint values (finite, <= 0 where a constraint holds)
 *   tuneforge:attr key=some text             user attribute (JSON when the text parses as JSON, else a string)
 *
 * Numbers are decimal (`1`, `-0.5`, `1e-3`) or `nan` / `inf` / `-inf` in any case, so that Python's and
 * JavaScript's default formatting both work.
 */
import { TuneforgeError, type JsonValue } from '@tuneforge/core';

export const PROTOCOL_PREFIX = 'tuneforge:';

export type ProtocolRecord =
  | { readonly kind: 'report'; readonly step: number; readonly value: number }
  | {
      readonly kind: 'result';
      readonly values: readonly number[];
      /** One per constraint, finite, ≤ 0 where it holds; null when the line has no `constraints=`. */
      readonly constraints: readonly number[] | null;
    }
  | { readonly kind: 'attr'; readonly key: string; readonly value: JsonValue };

/** A line starts with `tuneforge:` but is not a valid record. The message quotes the line and says why. */
export class ProtocolError extends TuneforgeError {
  constructor(
    readonly line: string,
    readonly reason: string,
  ) {
    super(`malformed protocol line ${JSON.stringify(clip(line))}: ${reason}`);
  }
}

/** Lines quoted in errors are clipped, so that a runaway line cannot flood a trial's fail reason. */
const QUOTE_MAX = 200;

function clip(line: string): string {
  return line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX)}…` : line;
}

/** A piece of the line, quoted and clipped, for a reason. */
function quote(text: string): string {
  return JSON.stringify(clip(text));
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};
const ATTR_KEY = /^[A-Za-z_][\w.-]*$/;

/** Parses a protocol number; null when `text` is not one (Number('') is 0 and Number('0x1') is 1, hence the regex). */
export function parseProtocolNumber(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL[text.toLowerCase()];
  return special === undefined ? null : special;
}

/** `name=value` tokens separated by blanks; refuses repeated and unexpected names. */
function fields(line: string, body: string, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of body.split(/[ \t]+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw new ProtocolError(line, `expected name=value, got ${quote(token)}`);
    const name = token.slice(0, eq);
    if (!allowed.includes(name)) {
      throw new ProtocolError(line, `unknown field ${quote(name)} (expected ${allowed.join(', ')})`);
    }
    if (out.has(name)) throw new ProtocolError(line, `field ${quote(name)} given twice`);
    out.set(name, token.slice(eq + 1));
  }
  return out;
}

function number(line: string, field: string, text: string): number {
  const v = parseProtocolNumber(text);
  if (v === null) throw new ProtocolError(line, `${field} must be a number, got ${quote(text)}`);
  return v;
}

function numberList(line: string, field: string, text: string): number[] {
  return text.split(',').map((item, i) => number(line, `${field}[${i}]`, item));
}

/** Constraint values are stored as JSON (no NaN or Infinity), as a study's `constraintsFunc` returns them. */
function constraintList(line: string, text: string): number[] {
  const list = numberList(line, 'constraints', text);
  const bad = list.findIndex((c) => !Number.isFinite(c));
  if (bad >= 0) {
    throw new ProtocolError(
      line,
      `constraints[${bad}] must be a finite number (<= 0 where the constraint holds; a large number for very infeasible), got ${quote(text.split(',')[bad])}`,
    );
  }
  return list;
}

/**
 * Parses one stdout line (without its newline; a trailing `\r` is ignored). Returns null for a log
 * line, the record for a protocol line. @throws ProtocolError for a `tuneforge:` line that is malformed
 */
export function parseProtocolLine(rawLine: string): ProtocolRecord | null {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (!line.startsWith(PROTOCOL_PREFIX)) return null;
  const rest = line.slice(PROTOCOL_PREFIX.length);
  const match = /^(\S*)[ \t]*(.*)$/.exec(rest)!;
  const [, kind, body] = match;
  switch (kind) {
    case 'report': {
      const f = fields(line, body, ['step', 'value']);
      if (!f.has('step') || !f.has('value'))
        throw new ProtocolError(line, 'a report needs step=<int> and value=<number>');
      const stepText = f.get('step')!;
      if (!/^\d+$/.test(stepText) || !Number.isSafeInteger(Number(stepText))) {
        throw new ProtocolError(line, `step must be an integer >= 0, got ${quote(stepText)}`);
      }
      return { kind: 'report', step: Number(stepText), value: number(line, 'value', f.get('value')!) };
    }
    case 'result': {
      const f = fields(line, body, ['value', 'values', 'constraints']);
      if (f.has('value') === f.has('values'))
        throw new ProtocolError(line, 'a result needs exactly one of value=<number> or values=<n1>,<n2>,...');
      const values = f.has('value')
        ? [number(line, 'value', f.get('value')!)]
        : numberList(line, 'values', f.get('values')!);
      const constraintsText = f.get('constraints');
      return {
        kind: 'result',
        values,
        constraints: constraintsText === undefined ? null : constraintList(line, constraintsText),
      };
    }
    case 'attr': {
      const eq = body.indexOf('=');
      const key = eq < 0 ? body : body.slice(0, eq);
      if (eq < 0 || !ATTR_KEY.test(key)) {
        throw new ProtocolError(
          line,
          'an attr needs key=value with a key of letters, digits, _ . - (not starting with a digit)',
        );
      }
      return { kind: 'attr', key, value: attrValue(body.slice(eq + 1)) };
    }
    default:
      throw new ProtocolError(
        line,
        kind
          ? `unknown record ${quote(kind)} (expected report, result or attr)`
          : 'missing record kind (report, result or attr)',
      );
  }
}

/** JSON when the text is JSON (`10`, `true`, `"x"`, `{"a":1}`), else the text itself. */
function attrValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** The line that reports `value` at `step` (for JavaScript emitters and tests). */
export function formatReport(step: number, value: number): string {
  return `${PROTOCOL_PREFIX}report step=${step} value=${value}`;
}

/** The result line of one value or several, with the constraint values when given. */
export function formatResult(values: number | readonly number[], constraints?: readonly number[]): string {
  const result =
    typeof values === 'number'
      ? `${PROTOCOL_PREFIX}result value=${values}`
      : `${PROTOCOL_PREFIX}result values=${values.join(',')}`;
  return constraints ? `${result} constraints=${constraints.join(',')}` : result;
}

/** The line setting user attribute `key`; the value is written as JSON so that it reads back unchanged. */
export function formatAttr(key: string, value: JsonValue): string {
  return `${PROTOCOL_PREFIX}attr ${key}=${JSON.stringify(value)}`;
}
