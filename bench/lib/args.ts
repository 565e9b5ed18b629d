/** `--name value` command-line options of the bench scripts. */

export function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--'))
      throw new Error(`unexpected argument ${JSON.stringify(a)} (options are --name value)`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** A comma list, or every entry of `all` when absent. Unknown names are an error naming the known ones. */
export function listArg(value: string | undefined, all: readonly string[], what: string): string[] {
  if (value === undefined) return [...all];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!all.includes(n)) throw new Error(`unknown ${what} ${JSON.stringify(n)}; known: ${all.join(', ')}`);
  }
  return names;
}

/** Seeds as `0-9`, `0,3,5` or `2`. */
export function seedsArg(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--seeds: expected e.g. 0-9 or 0,3,5, got ${JSON.stringify(value)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out;
}
