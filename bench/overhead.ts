/**
 * Sampler overhead (protocol of bench/suite/README.md): a study holding n COMPLETE trials (random
 * parameters, U(0, 1) values), then 20 timed ask (all parameters of the space) + tell (U(0, 1)); the
 * median ms per ask+tell, in a fresh process per measurement, 3 repetitions, median of the medians.
 * `--pending K` also keeps K RUNNING trials (random points of the space, every parameter suggested, never
 * told) in the study during the timed calls, so a sampler that conditions on running trials pays for it.
 *
 *   npm run bench:overhead [-- --samplers tpe,tpe-mv --n 100,1000 --reps 3 --pending 16
 *                              --out bench/results/overhead.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CmaEsSampler,
  GpSampler,
  createRng,
  createStudy,
  NopPruner,
  RandomSampler,
  TpeSampler,
  type Sampler,
  type SearchSpace,
} from '@tuneforge/core';
import { listArg, parseArgs } from './lib/args';
import { SPACES, randomParams, type SpaceName } from './lib/overhead-spaces';
import { referenceOverhead } from './lib/reference';
import { median } from './lib/stats';
import { fmt, renderMarkdown, renderTable } from './lib/table';

interface OverheadConfig {
  name: string;
  settings: string;
  space: SpaceName;
  /** The reference's sampler key per version. */
  reference: { '3.1'?: string; '5.0dev'?: string };
  create(): Sampler;
}

const CONFIGS: OverheadConfig[] = [
  {
    name: 'tpe',
    settings: 'new TpeSampler({ seed: 0 }) (defaults: multivariate + group)',
    space: 'mixed10',
    reference: { '3.1': 'tpe', '5.0dev': 'tpe' },
    create: () => new TpeSampler({ seed: 0 }),
  },
  {
    name: 'tpe-mv',
    settings: 'new TpeSampler({ seed: 0, multivariate: true, group: false })',
    space: 'mixed10',
    reference: { '3.1': 'tpe_mv', '5.0dev': 'tpe_mv' },
    create: () => new TpeSampler({ seed: 0, multivariate: true, group: false }),
  },
  {
    name: 'tpe-indep',
    settings: 'new TpeSampler({ seed: 0, multivariate: false })',
    space: 'mixed10',
    reference: { '3.1': 'tpe', '5.0dev': 'tpe_indep' },
    create: () => new TpeSampler({ seed: 0, multivariate: false }),
  },
  {
    name: 'cmaes',
    settings: 'new CmaEsSampler({ seed: 0 })',
    space: 'float10',
    reference: { '3.1': 'cmaes', '5.0dev': 'cmaes' },
    create: () => new CmaEsSampler({ seed: 0 }),
  },
  {
    name: 'gp',
    settings: 'new GpSampler({ seed: 0 })',
    space: 'mixed10',
    reference: { '5.0dev': 'gp' },
    create: () => new GpSampler({ seed: 0, warnIndependentSampling: false }),
  },
  {
    name: 'gp-float10',
    settings: 'new GpSampler({ seed: 0 })',
    space: 'float10',
    reference: { '5.0dev': 'gp' },
    create: () => new GpSampler({ seed: 0, warnIndependentSampling: false }),
  },
  {
    name: 'random',
    settings: 'new RandomSampler({ seed: 0 })',
    space: 'float10',
    reference: { '3.1': 'random', '5.0dev': 'random' },
    create: () => new RandomSampler({ seed: 0 }),
  },
];

const CALLS = 20;

/** One measurement, in this process: returns the per-call ms of ask+tell. */
async function measure(
  config: OverheadConfig,
  n: number,
  rep: number,
  pending: number,
): Promise<{ calls: number[]; cpuCalls: number[]; buildMs: number }> {
  const space: SearchSpace = SPACES[config.space];
  const rng = createRng(1000 + rep);
  const study = await createStudy({ sampler: config.create(), pruner: new NopPruner() });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await study.addTrial({
      state: 'COMPLETE',
      value: rng.random(),
      params: randomParams(rng, space),
      distributions: space,
    });
  }
  // Running trials at random points: enqueued with every parameter fixed, so the sampler does not choose
  // them, then asked and suggested in full, and never told.
  for (let i = 0; i < pending; i++) {
    await study.enqueueTrial(randomParams(rng, space));
    // Suggestions reach the storage asynchronously: wait, so the timed asks see every parameter.
    await (await study.ask(space)).flush();
  }
  const buildMs = performance.now() - t0;
  const calls: number[] = [];
  const cpuCalls: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const trial = await study.ask(space);
    await study.tell(trial, rng.random());
    calls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuCalls.push((used.user + used.system) / 1000);
  }
  return { calls, cpuCalls, buildMs };
}

async function child(args: Map<string, string>): Promise<void> {
  const config = CONFIGS.find((c) => c.name === args.get('sampler'))!;
  const result = await measure(
    config,
    Number(args.get('n')),
    Number(args.get('rep')),
    Number(args.get('pending')),
  );
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.get('child') === 'true') return child(args);
  const samplers = listArg(
    args.get('samplers'),
    CONFIGS.map((c) => c.name),
    'sampler',
  );
  const ns = (args.get('n') ?? '100,1000,5000,10000').split(',').map(Number);
  const reps = Number(args.get('reps') ?? 3);
  const pending = Number(args.get('pending') ?? 0);
  if (!Number.isInteger(pending) || pending < 0) {
    throw new Error(`--pending must be an integer >= 0, got ${args.get('pending')}`);
  }
  const pendingLabel = pending > 0 ? `, pending ${pending}` : '';
  const started = new Date();
  const out =
    args.get('out') ??
    join(__dirname, 'results', `overhead-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

  const results: {
    sampler: string;
    space: string;
    n_history: number;
    /** RUNNING trials held during the timed calls. */
    pending: number;
    ask_tell_ms: number;
    cpu_ms: number;
    runs: unknown[];
  }[] = [];
  for (const name of samplers) {
    const config = CONFIGS.find((c) => c.name === name)!;
    for (const n of ns) {
      const runs = [];
      for (let rep = 0; rep < reps; rep++) {
        // A fresh process per measurement, as the protocol asks (no JIT or cache carried over).
        const p = spawnSync(
          tsx,
          [
            __filename,
            '--child',
            '--sampler',
            name,
            '--n',
            String(n),
            '--rep',
            String(rep),
            '--pending',
            String(pending),
          ],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 24,
          },
        );
        if (p.status !== 0) throw new Error(`measurement ${name} n=${n} failed:\n${p.stderr}`);
        const r = JSON.parse(p.stdout.trim().split('\n').pop()!) as {
          calls: number[];
          cpuCalls: number[];
          buildMs: number;
        };
        runs.push({
          rep,
          medianMs: median(r.calls),
          medianCpuMs: median(r.cpuCalls),
          firstMs: r.calls[0],
          calls: r.calls,
          buildMs: r.buildMs,
        });
      }
      const medianMs = median(runs.map((r) => r.medianMs));
      const cpuMs = median(runs.map((r) => r.medianCpuMs));
      results.push({
        sampler: name,
        space: config.space,
        n_history: n,
        pending,
        ask_tell_ms: medianMs,
        cpu_ms: cpuMs,
        runs,
      });
      process.stderr.write(
        `${name} ${config.space}${pendingLabel} n=${n}: ${medianMs.toFixed(2)} ms (cpu ${cpuMs.toFixed(2)} ms)\n`,
      );
    }
  }

  const meta = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    started: started.toISOString(),
    calls_per_measurement: CALLS,
    reps,
    pending_running_trials: pending,
    storage: 'in-memory',
    samplers: Object.fromEntries(samplers.map((s) => [s, CONFIGS.find((c) => c.name === s)!.settings])),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ meta, results }, null, 1));

  const render = args.get('markdown') === 'true' ? renderMarkdown : renderTable;
  const rows = samplers.map((name) => {
    const config = CONFIGS.find((c) => c.name === name)!;
    return [
      `${name}, ${config.space}${pendingLabel}`,
      ...ns.map((n) => {
        const ours = results.find((r) => r.sampler === name && r.n_history === n)!.ask_tell_ms;
        const r31 = config.reference['3.1']
          ? referenceOverhead('3.1', config.reference['3.1'], config.space, n)
          : null;
        const r50 = config.reference['5.0dev']
          ? referenceOverhead('5.0dev', config.reference['5.0dev'], config.space, n)
          : null;
        return `${fmt(ours)} (${fmt(r31)} / ${fmt(r50)})`;
      }),
    ];
  });
  console.log(
    'Median ms per ask+tell with n COMPLETE trials in the study: ours (Optuna 3.1 / Optuna 5.0dev)\n\n' +
      render(['sampler, space', ...ns.map((n) => `n = ${n}`)], rows),
  );
  console.log(`\nresults: ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
