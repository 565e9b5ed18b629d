/**
 * Times reading a whole study's history in a fresh process, as a CLI command or a restarted worker
 * would: `getAllTrials` and `getTrialsChangedSince(0)` (what `TrialHistory` does first), `reps`
 * times each, alternating. Prints `{"count", "allMs": [...], "changedMs": [...]}`.
 */
import { openStorage } from '@tuneforge/storage';

async function main(): Promise<void> {
  const { url, studyName, reps } = JSON.parse(process.argv[2]) as {
    url: string;
    studyName: string;
    reps: number;
  };
  const storage = await openStorage(url);
  try {
    const studyId = await storage.getStudyIdByName(studyName);
    const allMs: number[] = [];
    const changedMs: number[] = [];
    let count = 0;
    for (let r = 0; r < reps; r++) {
      let t = performance.now();
      count = (await storage.getAllTrials(studyId)).length;
      allMs.push(performance.now() - t);
      t = performance.now();
      const changes = await storage.getTrialsChangedSince(studyId, 0);
      changedMs.push(performance.now() - t);
      if (changes.trials.length !== count)
        throw new Error(`read ${changes.trials.length} trials, expected ${count}`);
    }
    process.stdout.write(`${JSON.stringify({ count, allMs, changedMs })}\n`);
  } finally {
    await storage.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
