import { startPlatform, waitForStudy, type Platform } from './support/platform-harness';

jest.setTimeout(120_000);

const TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** `{a="x",b="y\"z"}` → labels; the escapes of the format are \\, \" and \n. */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`label without '=' in: ${line}`);
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name '${name}' in: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`bad escape \\${next} in: ${line}`);
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`unterminated label value in: ${line}`);
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new Error(`expected ',' after a label in: ${line}`);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`bad value '${text}' in: ${line}`);
  return Number(text);
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every sample belongs to a family declared by a
 * `# TYPE` line before it, names and labels are well formed, no series appears twice, and histograms
 * have increasing buckets ending in `+Inf` equal to their `_count`.
 */
function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      const family = families.get(name) ?? { name, type: '', help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new Error(`bad type in: ${line}`);
        if (family.type || family.samples.length > 0) throw new Error(`TYPE too late or twice: ${line}`);
        family.type = rest;
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText, valueText] = m;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const family = families.get(name)?.type ? families.get(name)! : families.get(base);
    if (!family?.type) throw new Error(`sample of an undeclared family: ${line}`);
    if (family.name !== name && family.type !== 'histogram' && family.type !== 'summary') {
      throw new Error(`suffixed sample of a ${family.type}: ${line}`);
    }
    const labels = labelText ? parseLabels(labelText, line) : {};
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`series twice: ${line}`);
    seen.add(key);
    family.samples.push({ name, labels, value: parseValue(valueText, line) });
  }
  for (const family of families.values()) {
    if (family.type !== 'histogram') continue;
    const bySeries = new Map<string, Sample[]>();
    for (const s of family.samples.filter((s) => s.name.endsWith('_bucket'))) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family.name} bucket without le`);
      const k = JSON.stringify(Object.entries(rest).sort());
      bySeries.set(k, [...(bySeries.get(k) ?? []), s]);
    }
    for (const [k, buckets] of bySeries) {
      const les = buckets.map((b) => parseValue(b.labels.le, b.labels.le));
      expect(les).toEqual([...les].sort((a, b) => a - b));
      expect(les[les.length - 1]).toBe(Infinity);
      const counts = buckets.map((b) => b.value);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      const count = family.samples.find(
        (s) => s.name === `${family.name}_count` && JSON.stringify(Object.entries(s.labels).sort()) === k,
      );
      expect(count?.value).toBe(counts[counts.length - 1]);
    }
  }
  return families;
}

const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) =>
  families
    .get(name.replace(/_(bucket|sum|count)$/, ''))
    ?.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('/metrics', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ workers: 2, token: TOKEN });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('reads as Prometheus text whose trial figures match a finished study', async () => {
    const created = await platform.request('/studies', {
      body: {
        name: 'curves',
        objective: { builtin: 'learning_curve' },
        sampler: { type: 'tpe' },
        pruner: { type: 'median' },
        budget: { nTrials: 30, maxParallel: 4 },
        seed: 2,
      },
    });
    expect(created.status).toBe(201);
    const study = await waitForStudy(platform, created.body.id);
    expect(study.state).toBe('COMPLETED');
    expect(study.counts.PRUNED).toBeGreaterThan(0);

    // A read: open while TUNEFORGE_PUBLIC_READ=1, as for the other GET routes.
    const res = await fetch(`${platform.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheus(await res.text());

    for (const [state, n] of Object.entries(study.counts as Record<string, number>)) {
      expect({
        state,
        n: value(families, 'tuneforge_trials', { study_id: String(study.id), state }),
      }).toEqual({
        state,
        n,
      });
    }
    expect(value(families, 'tuneforge_trials', { study: 'curves' })).toBe(30);
    expect(value(families, 'tuneforge_studies', { state: 'COMPLETED' })).toBe(1);

    // Added up by the two workers and the scheduler, in Redis: every finished trial once.
    expect(value(families, 'tuneforge_trial_duration_seconds_count')).toBe(30);
    for (const state of ['COMPLETE', 'PRUNED']) {
      expect(value(families, 'tuneforge_trial_duration_seconds_count', { state })).toBe(study.counts[state]);
    }
    expect(value(families, 'tuneforge_trial_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value(families, 'tuneforge_pruning_decisions_total', { decision: 'pruned' })).toBe(
      study.counts.PRUNED,
    );
    expect(value(families, 'tuneforge_pruning_decisions_total', { decision: 'kept' })).toBeGreaterThan(0);
    expect(value(families, 'tuneforge_scheduler_trials_created_total')).toBe(30);
    // Labelled counters show their labels at 0 before any increment, and no unlabelled series beside them.
    for (const [name, label] of [
      ['tuneforge_trial_retries_total', 'reason'],
      ['tuneforge_scheduler_lease_expiries_total', 'outcome'],
      ['tuneforge_transient_retries_total', 'dependency'],
    ]) {
      const samples = families.get(name)!.samples;
      expect([name, samples.length > 0 && samples.every((s) => label in s.labels)]).toEqual([name, true]);
    }
    expect(value(families, 'tuneforge_trial_retries_total', { reason: 'lease-expired' })).toBe(0);
    expect(value(families, 'tuneforge_scheduler_refill_duration_seconds_count')).toBeGreaterThan(0);

    expect(families.get('tuneforge_queue_jobs')?.type).toBe('gauge');
    for (const queue of ['trials', 'refill']) {
      expect(value(families, 'tuneforge_queue_jobs', { queue, state: 'active' })).toBeDefined();
    }
    expect(value(families, 'tuneforge_queue_jobs', { queue: 'trials', state: 'waiting' })).toBe(0);
    expect(value(families, 'tuneforge_queue_jobs', { queue: 'trials', state: 'active' })).toBe(0);
  });

  it('logs JSON lines, trial lines with their study and trial ids', () => {
    const lines = platform.processes
      .flatMap((p) => p.output.join('').split('\n'))
      .filter((l) => l.trim() !== '');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const records = lines.map((l) => JSON.parse(l));
    expect(records.find((r) => r.role === 'api' && /^api listening on /.test(r.msg))).toBeDefined();
    const trialLines = records.filter((r) => r.context === 'worker' && r.trialNumber !== undefined);
    expect(trialLines.length).toBeGreaterThan(0);
    expect(trialLines[0]).toMatchObject({
      level: 'info',
      role: 'worker',
      studyId: expect.any(Number),
      trialId: expect.any(Number),
      state: expect.stringMatching(/^(COMPLETE|PRUNED|FAIL)$/),
    });
  });

  it('needs the token when reads are not public', async () => {
    const closed = await startPlatform({ workers: 0, token: TOKEN, env: { TUNEFORGE_PUBLIC_READ: '0' } });
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^# HELP tuneforge_trials /);
    } finally {
      await closed.stop();
    }
  });
});
