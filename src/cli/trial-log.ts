import type { FrozenTrial, Study } from '@tuneforge/core';

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

function formatParams(params: FrozenTrial['params']): string {
  return JSON.stringify(params).replace(/,"/g, ', "').replace(/":/g, '": ');
}

/** The best-so-far part of a log line, or '' when nothing completed (or several objectives). */
function bestPart(study: Study): string {
  if (study.directions.length > 1) return '';
  const complete = study.trials.filter((t) => t.state === 'COMPLETE');
  if (complete.length === 0) return '';
  const best = study.bestTrial;
  return ` Best is trial ${best.number} with value: ${formatValue(best.values![0])}.`;
}

/** One Optuna-style line for a finished trial. */
export function formatTrialLine(study: Study, trial: FrozenTrial): string {
  const head = `[I ${stamp(trial.datetimeComplete ?? Date.now())}]`;
  switch (trial.state) {
    case 'COMPLETE': {
      const values = trial.values!;
      const what =
        values.length === 1
          ? `value: ${formatValue(values[0])}`
          : `values: [${values.map(formatValue).join(', ')}]`;
      return `${head} Trial ${trial.number} finished with ${what} and parameters: ${formatParams(trial.params)}.${bestPart(study)}`;
    }
    case 'PRUNED': {
      const steps = Object.keys(trial.intermediateValues).length;
      return `${head} Trial ${trial.number} pruned after ${steps} step(s) with parameters: ${formatParams(trial.params)}.${bestPart(study)}`;
    }
    default: {
      const reason = trial.systemAttrs.fail_reason ?? 'unknown reason';
      return `${head} Trial ${trial.number} failed with parameters: ${formatParams(trial.params)} because of the following error: ${String(reason)}`;
    }
  }
}

/** A one-line progress bar for terminals, redrawn in place. */
export class ProgressBar {
  private readonly startedAt = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number | undefined,
  ) {}

  render(done: number, study: Study): void {
    const width = 30;
    const share = this.total ? Math.min(1, done / this.total) : 0;
    const bar = this.total ? '#'.repeat(Math.round(share * width)).padEnd(width, '.') : '';
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const best = bestPart(study).trim();
    const line = `${bar ? `[${bar}] ` : ''}${done}${this.total ? `/${this.total}` : ''} trials, ${seconds}s ${best}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
  }

  clear(): void {
    this.stream.write('\r\x1b[2K');
  }
}
