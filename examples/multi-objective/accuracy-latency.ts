import type { Trial } from '@tuneforge/core';

/**
 * Two objectives with a limit, the shape of a real trade-off: a toy network's accuracy (maximize) and
 * its latency in ms (minimize), where a model over 50 ms is unusable (constraint `latency - 50 <= 0`).
 * Wider and deeper networks are more accurate and slower; dropout helps up to a point.
 *
 *   npx tuneforge optimize examples/multi-objective/accuracy-latency.ts \
 *     --directions maximize,minimize --sampler nsga2 --n-trials 200 --storage sqlite:mo.db --study-name mo
 *   npx tuneforge best-trials mo --storage sqlite:mo.db
 */
export function objective(trial: Trial) {
  const layers = trial.suggestInt('layers', 1, 8);
  const width = trial.suggestInt('width', 16, 512, { log: true });
  const dropout = trial.suggestFloat('dropout', 0, 0.6);
  const capacity = Math.log2(width) * Math.sqrt(layers);
  const accuracy = 0.98 - 0.5 * Math.exp(-capacity / 6) - 0.2 * (dropout - 0.25) ** 2;
  const latency = 2 + 0.015 * layers * width;
  return { values: [accuracy, latency], constraints: [latency - 50] };
}
