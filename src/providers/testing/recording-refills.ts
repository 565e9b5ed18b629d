import type { RefillReason } from '@tuneforge/platform';
import { RefillQueue } from '../refill-queue';

/** A RefillQueue for specs: records the refills asked for instead of queueing them. */
export class RecordingRefills extends RefillQueue {
  readonly requested: Array<[number, RefillReason]> = [];

  async request(studyId: number, reason: RefillReason): Promise<void> {
    this.requested.push([studyId, reason]);
  }

  async requestLater(studyId: number): Promise<void> {
    this.requested.push([studyId, 'sweep']);
  }
}
