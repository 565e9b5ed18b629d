/** The quality tables: ours next to the reference's, regret ratios, model_select hits, ranks. */
import { samplerConfig } from '../sampler-configs';
import { referenceQuality, REFERENCE_VERSIONS, type ReferenceVersion } from './reference';
import type { PruningRun, QualityRun } from './run-problem';
import type { Summary } from './stats';
import { fmt, renderMarkdown, renderTable } from './table';

export interface QualityResult {
  problem: string;
  sampler: string;
  pruner: string;
  f_star: number;
  budget_trials: number;
  best: Summary;
  regret: Summary;
  /** Seeds whose regret is within the hit tolerance. */
  hits: number;
  total_steps?: Summary;
  n_pruned?: Summary;
  wall_s: number;
  per_seed: (QualityRun | PruningRun)[];
}

/** "No worse" of the acceptance: ours ≤ reference × 1.05, or both within 1e-6 of the optimum. */
export function noWorse(ours: number, reference: number): boolean {
  return ours <= reference * 1.05 || (ours <= 1e-6 && reference <= 1e-6);
}

const HIT_TOLERANCE = 0.01;

function refHits(version: ReferenceVersion, problem: string, sampler: string): number | null {
  const r = referenceQuality(version, problem, sampler);
  return r ? r.per_seed.filter((s) => s.regret <= HIT_TOLERANCE).length : null;
}

/** Average ranks (1 = best) of `values`, ties sharing their mean rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function qualityReport(results: readonly QualityResult[], markdown = false): string {
  const render = markdown ? renderMarkdown : renderTable;
  const sections: string[] = [];
  const quality = results.filter((r) => r.pruner === 'none' && r.problem !== 'learning_curve');
  const problems = [...new Set(quality.map((r) => r.problem))];

  // 1. Per problem and sampler: ours, the references, the ratio of median regrets.
  const rows = quality.map((r) => {
    const refs = samplerConfig(r.sampler).reference;
    const cells = [
      r.problem,
      r.sampler,
      fmt(r.best.median),
      fmt(r.best.mean),
      fmt(r.regret.median),
      fmt(r.regret.mean),
    ];
    for (const v of REFERENCE_VERSIONS) {
      const ref = refs[v] ? referenceQuality(v, r.problem, refs[v]!) : null;
      cells.push(
        ref ? `${fmt(ref.regret.median)} (${refs[v]})` : '—',
        ref
          ? fmt(r.regret.median / ref.regret.median, 2) +
              (noWorse(r.regret.median, ref.regret.median) ? '' : ' ✗')
          : '—',
      );
    }
    return cells;
  });
  sections.push(
    "Quality: best and regret after 100 trials over the seeds; ratio = our median regret / the reference's (✗: above 1.05)\n\n" +
      render(
        [
          'problem',
          'sampler',
          'best med',
          'best mean',
          'regret med',
          'regret mean',
          '3.1 regret med',
          'ratio',
          '5.0dev regret med',
          'ratio',
        ],
        rows,
      ),
  );

  // 2. model_select: mean and share of seeds reaching the optimum.
  const ms = quality.filter((r) => r.problem === 'model_select');
  if (ms.length > 0) {
    const msRows = ms.map((r) => {
      const refs = samplerConfig(r.sampler).reference;
      const seeds = r.per_seed.length;
      return [
        r.sampler,
        fmt(r.best.mean),
        fmt(r.regret.mean),
        `${r.hits}/${seeds}`,
        ...REFERENCE_VERSIONS.map((v) => {
          const ref = refs[v] ? referenceQuality(v, 'model_select', refs[v]!) : null;
          return ref
            ? `${fmt(ref.regret.mean)}, ${refHits(v, 'model_select', refs[v]!)}/${ref.per_seed.length}`
            : '—';
        }),
      ];
    });
    sections.push(
      `model_select: mean regret and seeds reaching the optimum (regret <= ${HIT_TOLERANCE})\n\n` +
        render(
          [
            'sampler',
            'best mean',
            'regret mean',
            'hits',
            '3.1 (mean regret, hits)',
            '5.0dev (mean regret, hits)',
          ],
          msRows,
        ),
    );
  }

  // 3. learning_curve with and without pruning.
  const lc = results.filter((r) => r.problem === 'learning_curve');
  if (lc.length > 0) {
    const lcRows = lc.map((r) => {
      const refs = samplerConfig(r.sampler).reference;
      return [
        `${r.sampler} + ${r.pruner}`,
        fmt(r.best.median, 4),
        fmt(r.best.mean, 4),
        fmt(r.total_steps?.median, 4),
        fmt(r.total_steps?.mean, 4),
        ...REFERENCE_VERSIONS.map((v) => {
          const ref = refs[v] ? referenceQuality(v, 'learning_curve', refs[v]!, r.pruner) : null;
          return ref ? `${fmt(ref.best.median, 4)} / ${fmt(ref.total_steps?.median, 4)}` : '—';
        }),
      ];
    });
    sections.push(
      'learning_curve: best final loss of COMPLETE trials and total steps consumed (medians over seeds)\n\n' +
        render(
          [
            'sampler + pruner',
            'best med',
            'best mean',
            'steps med',
            'steps mean',
            '3.1 best / steps',
            '5.0dev best / steps',
          ],
          lcRows,
        ),
    );
  }

  // 4. Acceptance against Optuna 3.1: problems no worse, and the mean rank of the pair on each problem.
  const accRows: string[][] = [];
  for (const sampler of [...new Set(quality.map((r) => r.sampler))]) {
    const refName = samplerConfig(sampler).reference['3.1'];
    if (!refName) continue;
    let ok = 0;
    let total = 0;
    let oursRank = 0;
    let refRank = 0;
    for (const r of quality.filter((x) => x.sampler === sampler)) {
      const ref = referenceQuality('3.1', r.problem, refName);
      if (!ref) continue;
      total++;
      if (noWorse(r.regret.median, ref.regret.median)) ok++;
      const [a, b] = ranks([r.regret.median, ref.regret.median]);
      oursRank += a;
      refRank += b;
    }
    if (total > 0) {
      accRows.push([sampler, refName, `${ok}/${total}`, fmt(oursRank / total, 3), fmt(refRank / total, 3)]);
    }
  }
  sections.push(
    'Against Optuna 3.1 (median regret): problems no worse (<= 1.05 x), mean rank of the pair per problem\n\n' +
      render(['ours', '3.1 reference', 'no worse', 'our mean rank', 'ref mean rank'], accRows),
  );

  // 5. League: every sampler we ran and every 3.1 reference sampler, ranked per problem by median regret.
  const entries = new Map<string, number[]>();
  for (const problem of problems) {
    const names: string[] = [];
    const values: number[] = [];
    for (const r of quality.filter((x) => x.problem === problem)) {
      names.push(`ours ${r.sampler}`);
      values.push(r.regret.median);
    }
    for (const ref of ['random', 'tpe', 'tpe_mv', 'cmaes']) {
      const q = referenceQuality('3.1', problem, ref);
      if (!q) continue;
      names.push(`3.1 ${ref}`);
      values.push(q.regret.median);
    }
    ranks(values).forEach((rank, i) => entries.set(names[i], [...(entries.get(names[i]) ?? []), rank]));
  }
  const league = [...entries.entries()]
    .map(([name, rs]) => [name, rs.reduce((a, b) => a + b, 0) / rs.length, rs.length] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([name, mean, n]) => [name, fmt(mean, 3), String(n)]);
  sections.push(
    'League: mean rank by median regret among all of the above on each problem (1 = best)\n\n' +
      render(['sampler', 'mean rank', 'problems'], league),
  );
  sections.push(...bestOfAnyKind(quality, problems, render));
  return sections.join('\n\n');
}

/** Every reference configuration of both versions, for the comparisons with the best of any kind. */
const ALL_REFERENCES: ReadonlyArray<[ReferenceVersion, string]> = [
  ['3.1', 'random'],
  ['3.1', 'tpe'],
  ['3.1', 'tpe_mv'],
  ['3.1', 'cmaes'],
  ['5.0dev', 'random'],
  ['5.0dev', 'tpe'],
  ['5.0dev', 'tpe_indep'],
  ['5.0dev', 'cmaes'],
  ['5.0dev', 'gp'],
];

/**
 * 6. Issue 8's comparisons: the GP against the reference GP, and the automatic sampler against the
 * best reference sampler of any kind on each problem, with mean ranks against every single one.
 */
function bestOfAnyKind(
  quality: readonly QualityResult[],
  problems: readonly string[],
  render: typeof renderTable,
): string[] {
  const out: string[] = [];
  const gpRows: string[][] = [];
  for (const r of quality.filter((x) => x.sampler === 'gp')) {
    const ref = referenceQuality('5.0dev', r.problem, 'gp');
    if (!ref) continue;
    const ok =
      noWorse(r.regret.median, ref.regret.median) || (r.regret.median < 1e-6 && ref.regret.median < 1e-6);
    gpRows.push([
      r.problem,
      fmt(r.regret.median),
      fmt(ref.regret.median),
      fmt(r.regret.median / ref.regret.median),
      ok ? 'yes' : 'NO',
    ]);
  }
  if (gpRows.length > 0) {
    out.push(
      'GP against the reference GP (Optuna 5.0dev, median regret)\n\n' +
        render(['problem', 'ours gp', '5.0dev gp', 'ratio', 'no worse'], gpRows),
    );
  }
  const auto = quality.filter((x) => x.sampler === 'auto');
  if (auto.length === 0) return out;
  const rows: string[][] = [];
  let wins = 0;
  const rankSums = new Map<string, [number, number, number]>();
  for (const problem of problems) {
    const ours = auto.find((r) => r.problem === problem);
    if (!ours) continue;
    const refs = ALL_REFERENCES.flatMap(([v, name]) => {
      const q = referenceQuality(v, problem, name);
      return q ? [[`${v} ${name}`, q.regret.median] as const] : [];
    });
    const best = refs.reduce((a, b) => (b[1] < a[1] ? b : a));
    const ok = noWorse(ours.regret.median, best[1]) || (ours.regret.median < 1e-6 && best[1] < 1e-6);
    if (ok) wins++;
    rows.push([problem, fmt(ours.regret.median), best[0], fmt(best[1]), ok ? 'yes' : 'no']);
    // Pairwise ranks: auto against each reference sampler on this problem.
    for (const [name, value] of refs) {
      const [a, b] = ranks([ours.regret.median, value]);
      const [sa, sb, n] = rankSums.get(name) ?? [0, 0, 0];
      rankSums.set(name, [sa + a, sb + b, n + 1]);
    }
  }
  out.push(
    `Automatic sampler against the best reference sampler of any kind: no worse (<= 1.05 x) on ${wins}/${rows.length}\n\n` +
      render(['problem', 'ours auto', 'best reference', 'its regret', 'no worse'], rows),
  );
  // Over the problems each reference ran (CMA-ES: the all-float ones only).
  const rankRows = [...rankSums.entries()].map(([name, [a, b, n]]) => [
    name,
    fmt(a / n, 3),
    fmt(b / n, 3),
    String(n),
  ]);
  out.push(
    'Automatic sampler against each reference sampler: mean rank of the pair per problem (lower is better)\n\n' +
      render(['reference', 'auto', 'reference', 'problems'], rankRows),
  );
  return out;
}
