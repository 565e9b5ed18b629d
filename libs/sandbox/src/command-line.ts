/**
 * Splits a command line given as one string (`tuneforge optimize --command "python3 train.py --fast"`)
 * into argv, with the quoting rules of a POSIX shell and none of its powers: words split on blanks,
 * 'single quotes' keep everything literally, "double quotes" let a backslash escape " and \, and a
 * backslash outside quotes escapes the next character. Nothing is expanded: `$HOME`, `$(…)`, `*`, `;`
 * and `|` are plain characters of an argument, since no shell ever runs.
 */
import { InvalidObjectiveSpecError } from './errors';

export function parseCommandLine(text: string): string[] {
  if (typeof text !== 'string') {
    throw new InvalidObjectiveSpecError(
      `a command line must be a string, got ${JSON.stringify(text)}`,
      'command',
    );
  }
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  let quoteStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      quoteStart = i;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= text.length) {
        throw new InvalidObjectiveSpecError(
          `command line ends with a lone backslash: ${JSON.stringify(text)}`,
          'command',
        );
      }
      current += text[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== null) {
    throw new InvalidObjectiveSpecError(
      `command line has an unterminated ${quote} quote at character ${quoteStart + 1}: ${JSON.stringify(text)}`,
      'command',
    );
  }
  if (inWord) args.push(current);
  if (args.length === 0) throw new InvalidObjectiveSpecError('the command line is empty', 'command');
  return args;
}
