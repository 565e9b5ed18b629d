/**
 * The tables of bench:parallel: our median regret by batch size, ours beside Optuna 5.0dev at the same B, the
 * degradation against B = 1, and the acceptance lines of the parallel-workers issue.
 */
import { describeSeeds, formatSeeds, type BatchResult } from './batch-results';
import { referenceBatch, type ReferenceBatch } from './reference';
import { loadSuite, SUITE_NAMES, type SuiteName } from './suite';
import { fmt, renderMarkdown, renderTable } from './table';

/** Regrets can be 0 (or 1e-300) on a lucky seed; below this they count as this, so ratios stay finite. */
export const REGRET_FLOOR = 1e-12;

/** "No worse" of the issue: ours ≤ 1.05 × the reference, both floored at REGRET_FLOOR. */
const TOLERANCE = 1.05;

/** The B at which each suite has Optuna batch references. */
const REFERENCE_BATCHES: Record<SuiteName, number[]> = { public: [8, 16], validation: [8] };

/** The Optuna samplers of the batch references: the key in the files, the column name. */
const REFERENCE_SAMPLERS = [
  ['gp', 'Optuna GP'],
  ['tpe', 'Optuna TPE'],
] as const;

const floored = (v: number) => Math.max(v, REGRET_FLOOR);
const ratio = (ours: number, reference: number) => floored(ours) / floored(reference);
const noWorse = (ours: number, reference: number) => floored(ours) <= TOLERANCE * floored(reference);

/** The problems of a suite the batch protocol runs: all but the pruning one (learning_curve), in suite order. */
export function batchProblems(suite: SuiteName): string[] {
  return loadSuite(suite)
    .problems.filter((p) => p.category !== 'pruning')
    .map((p) => p.name);
}

/** Problems where the issue compares the GP with Optuna's GP: all but the conditional ones. */
function nonConditionalProblems(suite: SuiteName): string[] {
  return loadSuite(suite)
    .problems.filter((p) => p.category !== 'pruning' && p.category !== 'conditional')
    .map((p) => p.name);
}

/** The best (lowest median regret) Optuna reference at B, or null when neither sampler ran there. */
function bestReference(
  suite: SuiteName,
  problem: string,
  batch: number,
): { name: string; ref: ReferenceBatch } | null {
  let best: { name: string; ref: ReferenceBatch } | null = null;
  for (const [key, name] of REFERENCE_SAMPLERS) {
    const ref = referenceBatch(suite, problem, key, batch);
    if (ref && (!best || ref.median < best.ref.median)) best = { name, ref };
  }
  return best;
}

class ResultIndex {
  constructor(readonly results: readonly BatchResult[]) {}

  get(suite: SuiteName, problem: string, sampler: string, batch: number): BatchResult | undefined {
    return this.results.find(
      (r) => r.suite === suite && r.problem === problem && r.sampler === sampler && r.batch === batch,
    );
  }

  /** In the order they first appear (the order of --samplers / --batches of the run). */
  samplers(suite: SuiteName): string[] {
    return [...new Set(this.results.filter((r) => r.suite === suite).map((r) => r.sampler))];
  }

  batches(suite: SuiteName, sampler?: string): number[] {
    const rs = this.results.filter(
      (r) => r.suite === suite && (sampler === undefined || r.sampler === sampler),
    );
    return [...new Set(rs.map((r) => r.batch))].sort((a, b) => a - b);
  }

  problems(suite: SuiteName): string[] {
    const present = new Set(this.results.filter((r) => r.suite === suite).map((r) => r.problem));
    return batchProblems(suite).filter((p) => present.has(p));
  }

  /**
   * Geometric mean over the problems run at both B and 1 of median regret(B) / median regret(B = 1), floored;
   * null when no problem has both.
   */
  degradation(suite: SuiteName, sampler: string, batch: number): { value: number; problems: number } | null {
    const logs: number[] = [];
    for (const problem of this.problems(suite)) {
      const at = this.get(suite, problem, sampler, batch);
      const sequential = this.get(suite, problem, sampler, 1);
      if (at && sequential) logs.push(Math.log(ratio(at.regret.median, sequential.regret.median)));
    }
    if (logs.length === 0) return null;
    return { value: Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length), problems: logs.length };
  }
}

type Render = typeof renderTable;

/** a. Per sampler: problem × B of median regret. */
function regretByBatch(index: ResultIndex, suite: SuiteName, render: Render): string[] {
  return index.samplers(suite).map((sampler) => {
    const batches = index.batches(suite, sampler);
    const rows = index
      .problems(suite)
      .filter((problem) => batches.some((b) => index.get(suite, problem, sampler, b)))
      .map((problem) => [
        problem,
        ...batches.map((b) => fmt(index.get(suite, problem, sampler, b)?.regret.median)),
      ]);
    const seeds = describeSeeds(index.results.filter((r) => r.suite === suite && r.sampler === sampler));
    return (
      `${suite} suite, ours ${sampler}: median regret after 100 trials by batch size B (seeds ${seeds})\n\n` +
      render(['problem', ...batches.map((b) => `B = ${b}`)], rows)
    );
  });
}

/** b. At each B with references: every sampler we ran beside Optuna GP and TPE, and ours / best reference. */
function againstReferences(index: ResultIndex, suite: SuiteName, render: Render): string[] {
  const sections: string[] = [];
  const samplers = index.samplers(suite);
  for (const batch of REFERENCE_BATCHES[suite].filter((b) => index.batches(suite).includes(b))) {
    const rows: string[][] = [];
    const refSeeds = new Set<string>();
    for (const problem of index.problems(suite)) {
      const refs = REFERENCE_SAMPLERS.map(([key]) => referenceBatch(suite, problem, key, batch));
      refs.forEach((r) => r && refSeeds.add(formatSeeds(r.seeds)));
      const best = bestReference(suite, problem, batch);
      const ours = samplers.map((s) => index.get(suite, problem, s, batch));
      rows.push([
        problem,
        ...ours.map((r) => fmt(r?.regret.median)),
        ...refs.map((r) => fmt(r?.median)),
        best?.name.replace('Optuna ', '') ?? '—',
        ...ours.map((r) => {
          if (!r || !best) return '—';
          const value = ratio(r.regret.median, best.ref.median);
          return fmt(value, 2) + (noWorse(r.regret.median, best.ref.median) ? '' : ' ✗');
        }),
      ]);
    }
    const ourSeeds = describeSeeds(index.results.filter((r) => r.suite === suite && r.batch === batch));
    sections.push(
      `${suite} suite, B = ${batch}: median regret, ours (seeds ${ourSeeds}) beside Optuna 5.0dev ` +
        `(seeds ${[...refSeeds].join(' / ') || '—'}); ratio = ours / best reference, regrets floored at ` +
        `${REGRET_FLOOR} (✗: above ${TOLERANCE})\n\n` +
        render(
          [
            'problem',
            ...samplers.map((s) => `ours ${s}`),
            ...REFERENCE_SAMPLERS.map(([, name]) => name),
            'best ref',
            ...samplers.map((s) => `${s} / best`),
          ],
          rows,
        ),
    );
  }
  return sections;
}

/** Degradation of every sampler at every B run, against its own B = 1. */
function degradationTable(index: ResultIndex, suite: SuiteName, render: Render): string {
  const batches = index.batches(suite).filter((b) => b !== 1);
  const rows = index.samplers(suite).map((sampler) => [
    sampler,
    ...batches.map((b) => {
      const d = index.degradation(suite, sampler, b);
      return d ? `${fmt(d.value)} (${d.problems})` : '—';
    }),
  ]);
  return (
    `${suite} suite: degradation = geometric mean over problems of median regret(B) / median regret(B = 1), ` +
    `regrets floored at ${REGRET_FLOOR} (in brackets: problems with both B and B = 1)\n\n` +
    render(['sampler', ...batches.map((b) => `B = ${b}`)], rows)
  );
}

/** met when enough problems pass; undecided while the problems not run could still make it; else NOT met. */
function verdict(passed: number, run: number, needed: number, total: number): string {
  if (run === 0) return 'not run';
  if (passed >= needed) return 'met';
  if (passed + (total - run) >= needed) return `undecided (only ${run} of ${total} problems run)`;
  return 'NOT met';
}

/** One "ours ≤ 1.05 × reference on ≥ needed of total problems" line. */
function countLine(
  label: string,
  problems: readonly string[],
  needed: number,
  compare: (problem: string) => { ours: number; reference: number } | null,
): string {
  let run = 0;
  const failed: string[] = [];
  for (const problem of problems) {
    const c = compare(problem);
    if (!c) continue;
    run++;
    if (!noWorse(c.ours, c.reference)) failed.push(`${problem} ${fmt(ratio(c.ours, c.reference), 2)}×`);
  }
  const passed = run - failed.length;
  return (
    `${label}: ${passed}/${run} (needs ≥ ${needed} of ${problems.length}): ` +
    verdict(passed, run, needed, problems.length) +
    (failed.length > 0 ? `; above: ${failed.join(', ')}` : '')
  );
}

/** c. The acceptance lines of the parallel-workers issue. */
function acceptance(index: ResultIndex, markdown: boolean): string {
  const lines: string[] = [];
  const publicProblems = batchProblems('public');
  for (const batch of [8, 16]) {
    lines.push(
      countLine(
        `(i) public, B = ${batch}: auto ≤ ${TOLERANCE} × min(Optuna GP, Optuna TPE)`,
        publicProblems,
        6,
        (problem) => {
          const ours = index.get('public', problem, 'auto', batch);
          const best = bestReference('public', problem, batch);
          return ours && best ? { ours: ours.regret.median, reference: best.ref.median } : null;
        },
      ),
    );
  }
  for (const batch of [8, 16]) {
    lines.push(
      countLine(
        `(ii) public, B = ${batch}: gp ≤ ${TOLERANCE} × Optuna GP on the non-conditional problems`,
        nonConditionalProblems('public'),
        6,
        (problem) => {
          const ours = index.get('public', problem, 'gp', batch);
          const ref = referenceBatch('public', problem, 'gp', batch);
          return ours && ref ? { ours: ours.regret.median, reference: ref.median } : null;
        },
      ),
    );
  }
  lines.push(
    countLine(
      `(iii) validation, B = 8: auto ≤ ${TOLERANCE} × best Optuna sampler at B = 8`,
      batchProblems('validation'),
      5,
      (problem) => {
        const ours = index.get('validation', problem, 'auto', 8);
        const best = bestReference('validation', problem, 8);
        return ours && best ? { ours: ours.regret.median, reference: best.ref.median } : null;
      },
    ),
  );
  for (const [batch, limit] of [
    [8, 3],
    [16, 5],
  ] as const) {
    const d = index.degradation('public', 'auto', batch);
    const status = !d
      ? 'not run (needs auto at B = 1 and B = ' + batch + ')'
      : (d.value <= limit ? 'met' : 'NOT met') +
        (d.problems < publicProblems.length
          ? ` (over ${d.problems} of ${publicProblems.length} problems only)`
          : '');
    lines.push(
      `(iv) public, auto degradation at B = ${batch}: ${d ? fmt(d.value) : '—'} (needs ≤ ${limit}): ${status}`,
    );
  }
  const seeds = describeSeeds(index.results.filter((r) => r.sampler === 'auto' || r.sampler === 'gp'));
  return (
    `Acceptance (ours: medians over seeds ${seeds}; Optuna: seeds 0-4; regrets floored at ${REGRET_FLOOR})\n\n` +
    lines.map((line) => (markdown ? `- ${line}` : line)).join('\n')
  );
}

export function parallelReport(results: readonly BatchResult[], markdown = false): string {
  const render = markdown ? renderMarkdown : renderTable;
  const index = new ResultIndex(results);
  const sections: string[] = [];
  for (const suite of SUITE_NAMES.filter((s) => results.some((r) => r.suite === s))) {
    sections.push(...regretByBatch(index, suite, render));
    sections.push(...againstReferences(index, suite, render));
    if (index.batches(suite).length > 1) sections.push(degradationTable(index, suite, render));
  }
  sections.push(acceptance(index, markdown));
  return sections.join('\n\n');
}
