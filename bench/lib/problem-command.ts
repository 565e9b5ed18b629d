/**
 * A built-in problem as a command objective that takes time, for `bench:platform-quality --trial-ms`:
 * a platform trial then lasts long enough for `maxParallel` trials to be in flight, as with a real
 * objective. Reads the trial's parameters from TUNEFORGE_PARAMS, waits, prints the value with the line
 * protocol (String(x) round-trips a double exactly).
 *
 *   node -r bin/swc-register.js bench/lib/problem-command.ts <problem> <ms>
 */
import { getBuiltinProblem, type BuiltinProblem } from '@tuneforge/sandbox';

/**
 * The problem's parameters as a declarative search space (the REST `searchSpace`), in suggestion order,
 * so that the scheduler plans the same distributions as `suggestProblemParams`.
 * @throws Error for a condition a declarative space cannot state (`gt`)
 */
export function problemSearchSpace(problem: BuiltinProblem): Array<Record<string, unknown>> {
  return problem.params.map((p) => {
    const when: Record<string, string | number> = {};
    for (const c of p.conditions ?? []) {
      if (c.op !== 'eq') {
        throw new Error(
          `${problem.name}.${p.name}: the condition '${c.param} ${c.op} ${c.value}' has no declarative form`,
        );
      }
      when[c.param] = c.value;
    }
    const entry: Record<string, unknown> =
      p.type === 'categorical'
        ? { name: p.name, type: p.type, choices: p.choices }
        : { name: p.name, type: p.type, low: p.low, high: p.high, log: p.log ?? false };
    if (Object.keys(when).length > 0) entry.when = when;
    return entry;
  });
}

async function main(): Promise<void> {
  const [name, ms] = process.argv.slice(2);
  const problem = getBuiltinProblem(name);
  const params = JSON.parse(process.env.TUNEFORGE_PARAMS ?? '{}') as Record<string, string | number>;
  await new Promise((r) => setTimeout(r, Number(ms)));
  process.stdout.write(`tuneforge:result value=${String(problem.evaluate(params))}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
