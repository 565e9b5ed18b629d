import { parseCommandLine } from './command-line';
import { InvalidObjectiveSpecError } from './errors';

describe('parseCommandLine', () => {
  it.each([
    ['python3 examples/python/train.py', ['python3', 'examples/python/train.py']],
    ['  sh   -c\t"echo hi"  ', ['sh', '-c', 'echo hi']],
    [`python3 -c 'print("x")'`, ['python3', '-c', 'print("x")']],
    [`a "b \\"c\\" \\\\ \\n" d`, ['a', 'b "c" \\ \\n', 'd']],
    [`a\\ b c\\'d`, ['a b', "c'd"]],
    [`x '' ""`, ['x', '', '']],
    [
      'echo $HOME $(rm -rf /) `id` *; ls | cat',
      ['echo', '$HOME', '$(rm', '-rf', '/)', '`id`', '*;', 'ls', '|', 'cat'],
    ],
    ['héllo wörld', ['héllo', 'wörld']],
  ])('splits %j without expanding anything', (text, expected) => {
    expect(parseCommandLine(text)).toEqual(expected);
  });

  it('joins quoted and unquoted parts of one word', () => {
    expect(parseCommandLine(`--name="a b"'c d'e`)).toEqual(['--name=a bc de']);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['python3 "train.py', /unterminated " quote at character 9/],
    ['a \\', /lone backslash/],
    ["it's", /unterminated ' quote at character 3/],
  ])('refuses %j', (text, reason) => {
    expect(() => parseCommandLine(text)).toThrow(InvalidObjectiveSpecError);
    expect(() => parseCommandLine(text)).toThrow(reason);
  });
});
