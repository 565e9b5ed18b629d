/**
 * One writer process of `bench/storage.ts`. Opens the storage, says `ready`, waits for `go` on
 * stdin, then either
 * - `ops`: `nTrials` × (createTrial → setTrialParam → finishTrial) straight on the storage, or
 * - `optimize`: `study.optimize` of (x - 2)^2 with a RandomSampler (the reference's protocol),
 * and prints `{"done", "startMs", "endMs"}`.
 */
import { createStudy, floatDistribution, RandomSampler, type Storage } from '@tuneforge/core';
import { openStorage } from '@tuneforge/storage';

export interface WriterOptions {
  url: string;
  studyName: string;
  mode: 'ops' | 'optimize';
  nTrials: number;
  seed: number;
}

const X = floatDistribution(-10, 10);

async function ops(storage: Storage, studyId: number, n: number, seed: number): Promise<number> {
  let x = seed / 7;
  for (let i = 0; i < n; i++) {
    x = ((x * 9301 + 49297) % 233280) / 233280;
    const trial = await storage.createTrial(studyId);
    const value = -10 + 20 * x;
    await storage.setTrialParam(trial.trialId, 'x', value, X);
    await storage.finishTrial(trial.trialId, 'COMPLETE', [(value - 2) ** 2], Date.now());
  }
  return n;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2]) as WriterOptions;
  const storage = await openStorage(o.url);
  try {
    const study = await createStudy({
      storage,
      studyName: o.studyName,
      loadIfExists: true,
      sampler: new RandomSampler({ seed: o.seed }),
    });
    process.stdout.write('ready\n');
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
    const startMs = Date.now();
    let done = 0;
    if (o.mode === 'ops') {
      done = await ops(storage, study.studyId, o.nTrials, o.seed);
    } else {
      await study.optimize((t) => (t.suggestFloat('x', -10, 10) - 2) ** 2, {
        nTrials: o.nTrials,
        callbacks: [() => void done++],
      });
    }
    const endMs = Date.now();
    process.stdout.write(`${JSON.stringify({ done, startMs, endMs })}\n`);
  } finally {
    await storage.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
