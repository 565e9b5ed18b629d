/**
 * The Prometheus text exposition format, version 0.0.4: for each family a `# HELP` and a `# TYPE` line,
 * then its samples, `name{label="value",…} number`.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSample {
  /** The family's name, or for a histogram its `_bucket`, `_sum` or `_count` series. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly MetricSample[];
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A sample value as the format writes it: `+Inf`, `-Inf` and `NaN` by name. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The families as one exposition; throws on a name the format cannot carry (a bug of ours, not input). */
export function renderPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new RangeError(`invalid metric name '${family.name}'`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels).map(([name, value]) => {
        if (!LABEL.test(name)) throw new RangeError(`invalid label name '${name}' on ${sample.name}`);
        return `${name}="${escapeLabel(value)}"`;
      });
      const series = labels.length > 0 ? `${sample.name}{${labels.join(',')}}` : sample.name;
      lines.push(`${series} ${formatValue(sample.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}
