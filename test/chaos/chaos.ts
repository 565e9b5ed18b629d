/**
 * `npm run test:chaos`: the fault scenarios of issue 12 against the platform running as real processes on
 * a Postgres cluster and Redis servers of its own (spare loopback ports; the shared 5432/6379 are never
 * touched). Prints a table and exits 1 when a scenario failed. See RELIABILITY.md.
 *
 *   npm run test:chaos                            every scenario once, 80 trials each
 *   npm run test:chaos -- --rounds 3              the acceptance: three runs in a row
 *   npm run test:chaos -- --only worker-kill,postgres-crash
 *   npm run test:chaos -- --short                 CI: two scenarios, 24 trials each (about 2 minutes)
 *   npm run test:chaos -- --keep                  keep the logs of passed scenarios too
 *   npm run test:chaos -- --markdown              also print the table as Markdown (for RELIABILITY.md)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMarkdown, renderTable } from '../../bench/lib/table';
import { runScenario, type ScenarioResult } from './scenario-run';
import { SCENARIOS } from './scenarios';
import { killRegisteredChildren, PostgresCluster } from './services';

const SHORT_SCENARIOS = ['worker-kill', 'postgres-restart'];

interface Options {
  rounds: number;
  only: string[] | null;
  short: boolean;
  keep: boolean;
  markdown: boolean;
  trials: number | null;
  lease: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    rounds: 1,
    only: null,
    short: false,
    keep: false,
    markdown: false,
    trials: null,
    lease: 5,
  };
  const value = (i: number, name: string) => {
    if (argv[i + 1] === undefined) usage(`${name} needs a value`);
    return argv[i + 1];
  };
  const int = (text: string, name: string) => {
    if (!/^[1-9]\d*$/.test(text)) usage(`${name} must be a positive integer, got '${text}'`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rounds') options.rounds = int(value(i++, arg), arg);
    else if (arg === '--trials') options.trials = int(value(i++, arg), arg);
    else if (arg === '--lease') options.lease = int(value(i++, arg), arg);
    else if (arg === '--only') options.only = value(i++, arg).split(',');
    else if (arg === '--short') options.short = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--markdown') options.markdown = true;
    else usage(`unknown option '${arg}'`);
  }
  const names = SCENARIOS.map((s) => s.name);
  for (const name of options.only ?? []) {
    if (!names.includes(name)) usage(`unknown scenario '${name}'; the scenarios are: ${names.join(', ')}`);
  }
  return options;
}

function usage(problem: string): never {
  process.stderr.write(
    `test:chaos: ${problem}\nusage: npm run test:chaos -- [--short] [--rounds N] [--only a,b] [--trials N] [--lease S] [--keep] [--markdown]\n`,
  );
  process.exit(2);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const chosen = options.only ?? (options.short ? SHORT_SCENARIOS : SCENARIOS.map((s) => s.name));
  const scenarios = SCENARIOS.filter((s) => chosen.includes(s.name));
  const nTrials = options.trials ?? (options.short ? 24 : 80);
  const baseDir = await mkdtemp(join(tmpdir(), 'tuneforge-chaos-'));
  const clusterName = process.env.TUNEFORGE_CHAOS_CLUSTER ?? `chaos${process.pid}`;
  log(
    `logs in ${baseDir}; Postgres cluster 15/${clusterName}; ${nTrials} trials a study; lease ${options.lease} s`,
  );

  const postgres = await PostgresCluster.create(clusterName);
  // Ctrl-C or a CI timeout: the platform, Redis and the cluster go anyway.
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the platform and Redis, dropping the cluster`);
    killRegisteredChildren();
    void postgres.drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const results: ScenarioResult[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of scenarios) {
        log(`round ${round}: ${scenario.name} — ${scenario.description}`);
        const started = Date.now();
        const result = await runScenario(scenario, {
          postgres,
          dir: join(baseDir, `round-${round}`),
          round,
          nTrials,
          leaseSeconds: options.lease,
        });
        results.push(result);
        log(
          `round ${round}: ${scenario.name} ${result.pass ? 'PASS' : 'FAIL'} in ${Math.round((Date.now() - started) / 1000)} s`,
        );
        for (const problem of result.problems) log(`  problem: ${problem}`);
        for (const line of result.logExcerpts) log(`  log ${line}`);
        if (!result.pass) log(`  logs: ${result.dir}`);
      }
    }
  } finally {
    await postgres.drop();
  }

  const headers = ['scenario', 'round', 'result', 'trials', 'recovery s', 'notes'];
  const rows = results.map((r) => [
    r.name,
    String(r.round),
    r.pass ? 'pass' : 'FAIL',
    r.trials,
    r.recovery === null ? '—' : r.recovery.toFixed(1),
    [...r.problems, ...r.notes].join('; '),
  ]);
  process.stdout.write(`\n${renderTable(headers, rows)}\n\n`);
  if (options.markdown) process.stdout.write(`${renderMarkdown(headers, rows)}\n\n`);
  const failed = results.filter((r) => !r.pass);
  if (failed.length === 0 && !options.keep) await rm(baseDir, { recursive: true, force: true });
  else log(`logs kept in ${baseDir}`);
  log(failed.length === 0 ? `all ${results.length} passed` : `${failed.length} of ${results.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

function log(line: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`error: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
