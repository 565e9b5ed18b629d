/**
 * Quality through the distributed platform (`npm run bench:platform-quality`, issue 17 point 7): each
 * problem × sampler × seed runs as a REST study — built-in objective, 100 trials, `maxParallel` 8 on 2
 * worker processes, the sampler seeded by the definition's seed, no pruner — one study at a time on one
 * platform (api + scheduler + workers, fresh Postgres database and Redis prefix). Regret = best COMPLETE
 * value − f*. Beside it, in the same run and in this process, the library's batch protocol at B =
 * `maxParallel` with the same sampler configuration (bench/sampler-configs.ts), so the two figures compare.
 *
 *   flock /tmp/tuneforge-bench.lock npm run bench:platform-quality -- [--problems branin,sphere5]
 *     [--samplers auto,gp,tpe] [--seeds 0-4] [--max-parallel 8] [--workers 2] [--trials 100]
 *     [--trial-ms 0] [--timeout 900] [--out bench/results/platform-quality.json] [--markdown]
 *
 * A built-in objective takes microseconds, so the scheduler plans each trial while the trials before it
 * have already finished: the platform then holds far fewer than `maxParallel` trials in flight, and its
 * figure is closer to sequential than to the batch protocol (the 'pending ≥' column shows it).
 * `--trial-ms N` runs each problem instead as an inline command objective (bench/lib/problem-command.ts,
 * the same parameters through a declarative space, a node process per trial) that waits N ms before it
 * answers, so that `maxParallel` trials are in flight as with a real objective.
 *
 * Exits 1 when a study did not end with exactly `trials` COMPLETE trials.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AUTO_CHOICE_ATTR, type SamplerType } from '@tuneforge/core';
import { getBuiltinProblem } from '@tuneforge/sandbox';
import { listArg, parseArgs, seedsArg } from './lib/args';
import { runMeta } from './lib/run-meta';
import {
  runPlatformStudy,
  withPlatform,
  type PlatformStudyRun,
  type RestTrial,
} from './lib/platform-session';
import { problemSearchSpace } from './lib/problem-command';
import { runQuality, type QualityRun } from './lib/run-problem';
import { mean, summarize, type Summary } from './lib/stats';
import { loadSuite, SUITE_DIR, type Suite } from './lib/suite';
import { fmt, renderMarkdown, renderTable } from './lib/table';
import { samplerConfig } from './sampler-configs';

/**
 * The configurations of bench/sampler-configs.ts that a REST definition reproduces exactly: the
 * definition's `{ type, seed }` builds `new <Sampler>({ seed })` as the configuration does.
 */
const ROOT = join(__dirname, '..');

const REST_SAMPLERS: Readonly<Record<string, SamplerType>> = {
  auto: 'auto',
  gp: 'gp',
  tpe: 'tpe',
  random: 'random',
  cmaes: 'cmaes',
  qmc: 'qmc',
};

/**
 * How the platform's run of a sampler differs from the library's batch protocol (the sampler itself is the same:
 * createSampler builds it in every role).
 */
const PLATFORM_NOTES: Readonly<Record<string, string>> = {
  cmaes: 'the scheduler sends each generation at most maxParallel at a time, the next once it is complete',
};

interface StudyRow {
  problem: string;
  sampler: string;
  seed: number;
  platform: {
    studyId: number;
    state: string;
    complete: number;
    failed: number;
    pruned: number;
    /** WAITING + RUNNING at the end. */
    nonTerminal: number;
    timedOut: boolean;
    best: number;
    regret: number;
    wallMs: number;
    /**
     * Mean over trials of the earlier trials not yet finished when the trial started: a lower bound of
     * what its sampler saw pending when the scheduler planned it (B − 1 = 7 in the batch protocol's
     * steady state, for the trials after the first of a batch).
     */
    pendingAtStart: number;
    /** Trials the study created (its budget unless it timed out). */
    trialsCreated: number;
    /** Mean of datetimeComplete − datetimeStart over the trials, ms. */
    trialMs: number;
    /** Trials per worker id. */
    workers: Record<string, number>;
    /** `auto`: trials per delegate (the `auto:sampler` system attribute). */
    autoChoices?: Record<string, number>;
  };
  library: { best: number; regret: number; nComplete: number; wallMs: number };
  ok: boolean;
  /** The platform study's trials in number order, for a later look (JSON only). */
  trials: {
    number: number;
    state: string;
    value: number | null;
    params: Record<string, unknown>;
    worker: string | null;
    start: string | null;
    complete: string | null;
  }[];
}

interface SummaryRow {
  problem: string;
  sampler: string;
  f_star: number;
  seeds: number[];
  platform_regret: Summary;
  library_regret: Summary;
  /** median(platform) / median(library). */
  ratio: number;
  /** Seeds where the platform's regret is ≤ the library's. */
  platform_not_worse: number;
  /** Seeds where both found exactly the same best value. */
  identical: number;
  studies_ok: number;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: __dirname })
      .toString()
      .trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The quality problems (no pruning problem) of suite.json, then those of suite-validation.json. */
function qualityProblems(): { main: string[]; all: string[] } {
  const main = loadSuite()
    .problems.filter((p) => p.category !== 'pruning')
    .map((p) => p.name);
  const validation = (
    JSON.parse(readFileSync(join(SUITE_DIR, 'suite-validation.json'), 'utf8')) as Suite
  ).problems
    .filter((p) => p.category !== 'pruning')
    .map((p) => p.name);
  return { main, all: [...main, ...validation.filter((n) => !main.includes(n))] };
}

function positiveInt(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${option} must be an integer >= 1, got ${value}`);
  return n;
}

function nonNegativeInt(value: string | undefined, fallback: number, option: string): number {
  return value === '0' ? 0 : positiveInt(value, fallback, option);
}

/** The REST objective of a problem: the built-in, or the command that waits `trialMs` first. */
function objectiveFields(problemName: string, trialMs: number): Record<string, unknown> {
  if (trialMs === 0) return { objective: { builtin: problemName } };
  return {
    objective: {
      inlineCommand: [
        process.execPath,
        '-r',
        join(ROOT, 'bin', 'swc-register.js'),
        join(__dirname, 'lib', 'problem-command.ts'),
        problemName,
        String(trialMs),
      ],
    },
    searchSpace: problemSearchSpace(getBuiltinProblem(problemName)),
  };
}

/** Mean over trials of the earlier trials still running when each started (timestamps in ms). */
function meanPendingAtStart(trials: readonly RestTrial[]): number {
  const time = (iso: string | null) => (iso === null ? Infinity : Date.parse(iso));
  const started = trials.filter((t) => t.datetimeStart !== null);
  const counts = started.map((t) => {
    const start = time(t.datetimeStart);
    return trials.filter((o) => o.number < t.number && time(o.datetimeComplete) > start).length;
  });
  return mean(counts);
}

function tally(values: readonly (string | null | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v ?? '—'] = (out[v ?? '—'] ?? 0) + 1;
  return out;
}

function platformFigures(run: PlatformStudyRun, optimum: number, sampler: string): StudyRow['platform'] {
  const counts = run.study.counts;
  const complete = run.trials.filter((t) => t.state === 'COMPLETE' && t.values !== null);
  const best = Math.min(...complete.map((t) => t.values![0]));
  return {
    studyId: run.id,
    state: run.study.state,
    complete: counts.COMPLETE,
    failed: counts.FAIL,
    pruned: counts.PRUNED,
    nonTerminal: counts.WAITING + counts.RUNNING,
    timedOut: run.timedOut,
    best,
    regret: best - optimum,
    wallMs: run.wallMs,
    pendingAtStart: meanPendingAtStart(run.trials),
    trialsCreated: run.trials.length,
    trialMs: mean(
      run.trials
        .filter((t) => t.datetimeStart !== null && t.datetimeComplete !== null)
        .map((t) => Date.parse(t.datetimeComplete!) - Date.parse(t.datetimeStart!)),
    ),
    workers: tally(run.trials.map((t) => t.worker)),
    ...(sampler === 'auto'
      ? { autoChoices: tally(run.trials.map((t) => t.systemAttrs[AUTO_CHOICE_ATTR] as string | undefined)) }
      : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = qualityProblems();
  // Default: the public suite's quality problems; any quality problem of either suite may be named.
  const problems = args.has('problems') ? listArg(args.get('problems'), known.all, 'problem') : known.main;
  const samplers = args.has('samplers')
    ? listArg(args.get('samplers'), Object.keys(REST_SAMPLERS), 'sampler')
    : ['auto'];
  const seeds = seedsArg(args.get('seeds'), [0, 1, 2, 3, 4]);
  const maxParallel = positiveInt(args.get('max-parallel'), 8, 'max-parallel');
  const workers = positiveInt(args.get('workers'), 2, 'workers');
  const nTrials = positiveInt(args.get('trials'), 100, 'trials');
  const trialMs = nonNegativeInt(args.get('trial-ms'), 0, 'trial-ms');
  const timeoutMs = positiveInt(args.get('timeout'), 900, 'timeout') * 1000;
  const markdown = args.get('markdown') === 'true';
  if (maxParallel > nTrials)
    throw new Error(`--max-parallel (${maxParallel}) must be <= --trials (${nTrials})`);
  // A problem the command form cannot state fails here, before anything starts.
  if (trialMs > 0) for (const p of problems) problemSearchSpace(getBuiltinProblem(p));
  // Enough job slots that maxParallel trials can run at once.
  const concurrency = Math.ceil(maxParallel / workers);
  const started = new Date();
  const out =
    args.get('out') ??
    join(__dirname, 'results', `platform-quality-${started.toISOString().replace(/[:.]/g, '-')}.json`);

  const rows: StudyRow[] = [];
  await withPlatform(
    {
      workers,
      env: {
        TUNEFORGE_WORKER_CONCURRENCY: String(concurrency),
        ...(trialMs > 0 ? { TUNEFORGE_ALLOW_INLINE_COMMANDS: '1' } : {}),
      },
    },
    async (platform) => {
      for (const problemName of problems) {
        const problem = getBuiltinProblem(problemName);
        for (const samplerName of samplers) {
          const config = samplerConfig(samplerName);
          if (!config.applies(problem)) {
            process.stderr.write(
              `${problemName} ${samplerName}: skipped (the configuration does not apply)\n`,
            );
            continue;
          }
          for (const seed of seeds) {
            // One study at a time, so each has the workers to itself and maxParallel means what it says.
            const run = await runPlatformStudy(
              platform,
              {
                name: `pq-${problemName}-${samplerName}-s${seed}`,
                direction: 'minimize',
                ...objectiveFields(problemName, trialMs),
                sampler: { type: REST_SAMPLERS[samplerName] },
                pruner: { type: 'none' },
                budget: { nTrials, maxParallel },
                seed,
              },
              { timeoutMs },
            );
            const ours = platformFigures(run, problem.optimum, samplerName);
            // The library while the platform is idle, so neither slows the other.
            const lib: QualityRun = await runQuality(
              problemName,
              config.create(seed),
              seed,
              nTrials,
              maxParallel,
            );
            const ok =
              ours.complete === nTrials && ours.failed === 0 && ours.nonTerminal === 0 && !ours.timedOut;
            rows.push({
              problem: problemName,
              sampler: samplerName,
              seed,
              platform: ours,
              library: { best: lib.best, regret: lib.regret, nComplete: lib.nComplete, wallMs: lib.wallMs },
              ok,
              trials: run.trials.map((t) => ({
                number: t.number,
                state: t.state,
                value: t.values ? t.values[0] : null,
                params: t.params,
                worker: t.worker,
                start: t.datetimeStart,
                complete: t.datetimeComplete,
              })),
            });
            process.stderr.write(
              `${problemName} ${samplerName} seed ${seed}: platform ${fmt(ours.regret)} ` +
                `(${ours.complete} COMPLETE, ${ours.failed} FAIL, ${ours.nonTerminal} not finished, ` +
                `${(ours.wallMs / 1000).toFixed(1)} s), library B=${maxParallel} ${fmt(lib.regret)} ` +
                `(${(lib.wallMs / 1000).toFixed(1)} s)${ok ? '' : '  ← NOT OK'}\n`,
            );
          }
        }
      }
    },
  );

  const summaries: SummaryRow[] = [];
  for (const problemName of problems) {
    for (const samplerName of samplers) {
      const group = rows.filter((r) => r.problem === problemName && r.sampler === samplerName);
      if (group.length === 0) continue;
      const platformRegret = summarize(group.map((r) => r.platform.regret));
      const libraryRegret = summarize(group.map((r) => r.library.regret));
      summaries.push({
        problem: problemName,
        sampler: samplerName,
        f_star: getBuiltinProblem(problemName).optimum,
        seeds: group.map((r) => r.seed),
        platform_regret: platformRegret,
        library_regret: libraryRegret,
        ratio: platformRegret.median / libraryRegret.median,
        platform_not_worse: group.filter((r) => r.platform.regret <= r.library.regret).length,
        identical: group.filter((r) => r.platform.best === r.library.best).length,
        studies_ok: group.filter((r) => r.ok).length,
      });
    }
  }

  const render = markdown ? renderMarkdown : renderTable;
  console.log(
    `\nRegret through the platform (REST, maxParallel ${maxParallel}, ${workers} workers × concurrency ` +
      `${concurrency}, ${nTrials} trials, ${trialMs === 0 ? 'built-in objectives' : `command objectives waiting ${trialMs} ms`}, one study at a time) and the library's batch protocol at B = ` +
      `${maxParallel} in the same run; median over seeds ${seeds.join(', ')}\n`,
  );
  console.log(
    render(
      [
        'problem',
        'sampler',
        'platform median',
        `library B=${maxParallel} median`,
        'platform / library',
        'platform mean',
        'library mean',
        'seeds platform ≤ library',
        'seeds identical',
        'studies OK',
      ],
      summaries.map((s) => [
        s.problem,
        s.sampler,
        fmt(s.platform_regret.median),
        fmt(s.library_regret.median),
        `${fmt(s.ratio)}×`,
        fmt(s.platform_regret.mean),
        fmt(s.library_regret.mean),
        `${s.platform_not_worse}/${s.seeds.length}`,
        `${s.identical}/${s.seeds.length}`,
        `${s.studies_ok}/${s.seeds.length}`,
      ]),
    ),
  );
  console.log(
    `\nPer study (COMPLETE must be ${nTrials}; 'pending ≥' = mean over trials of the earlier trials still ` +
      `running when the trial started, a lower bound of what its sampler saw pending)\n`,
  );
  console.log(
    render(
      [
        'problem',
        'sampler',
        'seed',
        'COMPLETE',
        'failed',
        'not finished',
        'wall s',
        'trial ms',
        'pending ≥',
        'platform regret',
        `library B=${maxParallel} regret`,
        'library wall s',
      ],
      rows.map((r) => [
        r.problem,
        r.sampler,
        String(r.seed),
        `${r.platform.complete}${r.ok ? '' : ' ✗'}`,
        String(r.platform.failed),
        `${r.platform.nonTerminal}${r.platform.timedOut ? ' (timed out)' : ''}`,
        (r.platform.wallMs / 1000).toFixed(1),
        r.platform.trialMs.toFixed(0),
        r.platform.pendingAtStart.toFixed(2),
        fmt(r.platform.regret),
        fmt(r.library.regret),
        (r.library.wallMs / 1000).toFixed(1),
      ]),
    ),
  );
  const notes = samplers.filter((s) => PLATFORM_NOTES[s]).map((s) => `- ${s}: ${PLATFORM_NOTES[s]}`);
  if (notes.length) console.log(`\nPlatform differences:\n${notes.join('\n')}`);
  console.log(
    `\nSamplers: ${samplers.map((s) => `${s} = REST {type: '${REST_SAMPLERS[s]}', seed} / library ${samplerConfig(s).settings}`).join('; ')}`,
  );

  const meta = {
    ...runMeta(started),
    commit: gitCommit(),
    total_wall_s: (Date.now() - started.getTime()) / 1000,
    problems,
    seeds,
    trials: nTrials,
    max_parallel: maxParallel,
    workers,
    worker_concurrency: concurrency,
    storage: 'postgres (fresh database), redis (fresh prefix)',
    trial_ms: trialMs,
    objective:
      trialMs === 0
        ? "REST objective {builtin: <problem>}, pruner {type: 'none'}"
        : `REST inline command bench/lib/problem-command.ts <problem> ${trialMs} with the problem's searchSpace, pruner {type: 'none'}`,
    library: `runQuality(problem, sampler, seed, ${nTrials}, ${maxParallel}) in the benchmark's process`,
    samplers: Object.fromEntries(
      samplers.map((s) => [
        s,
        {
          rest: { type: REST_SAMPLERS[s], seed: '<seed>' },
          library: samplerConfig(s).settings,
          ...(PLATFORM_NOTES[s] ? { platform_difference: PLATFORM_NOTES[s] } : {}),
        },
      ]),
    ),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ meta, summaries, studies: rows }, null, 1));
  console.log(`\nresults: ${out}`);
  const bad = rows.filter((r) => !r.ok);
  if (bad.length > 0) {
    console.error(
      `\n${bad.length} stud${bad.length === 1 ? 'y' : 'ies'} did not end with exactly ${nTrials} COMPLETE trials: ` +
        bad.map((r) => `${r.problem}/${r.sampler}/seed ${r.seed}`).join(', '),
    );
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
