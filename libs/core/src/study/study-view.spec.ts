import { InMemoryStorage } from '../storage/in-memory-storage';
import type { TrialChanges } from '../storage/storage';
import { TrialHistory } from './study-view';

/**
 * A storage whose database "crashed": writes this cache saw are gone and the versions of later ones are
 * not above the reader's cursor, so an incremental read returns nothing; only its fault count tells.
 */
class CrashedStorage extends InMemoryStorage {
  faults = 0;
  versionsReused = false;

  override connectionFaults(): number {
    return this.faults;
  }

  override async getTrialsChangedSince(studyId: number, cursor: number): Promise<TrialChanges> {
    if (this.versionsReused && cursor > 0) return { trials: [], cursor };
    return super.getTrialsChangedSince(studyId, cursor);
  }
}

describe('TrialHistory', () => {
  it('reads the whole study again after the storage reports a connection fault', async () => {
    const storage = new CrashedStorage();
    const { studyId } = await storage.createStudy({ studyName: 's', directions: ['minimize'] });
    const waiting = await storage.createTrial(studyId, { state: 'WAITING' });
    await storage.claimTrial(waiting.trialId, 'w1', 1);
    const history = new TrialHistory(storage, studyId);
    await history.refresh();
    expect(history.getTrials().map((t) => t.state)).toEqual(['RUNNING']);

    // The claim is undone (lost in the crash) and a new trial written with reused versions.
    await storage.requeueTrial(waiting.trialId, 'w1');
    await storage.createTrial(studyId, { state: 'WAITING' });
    storage.versionsReused = true;
    await history.refresh();
    expect(history.getTrials().map((t) => t.state)).toEqual(['RUNNING']);

    storage.faults++;
    await history.refresh();
    expect(history.getTrials().map((t) => t.state)).toEqual(['WAITING', 'WAITING']);
    expect(history.getTrials(['RUNNING'])).toEqual([]);
  });
});
