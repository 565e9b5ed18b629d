import { MAX_STUDY_PRIORITY, MIN_STUDY_PRIORITY } from '@tuneforge/platform';
import { jobWindowSize, SLOT_LEVELS, trialJobPriority } from './fair-share';

describe('trialJobPriority', () => {
  it('puts a study of higher priority first, whatever the slots', () => {
    expect(trialJobPriority(1, SLOT_LEVELS - 1)).toBeLessThan(trialJobPriority(0, 0));
    expect(trialJobPriority(0, 5)).toBeLessThan(trialJobPriority(-1, 0));
  });

  it('within one priority, puts the job of the earlier slot first', () => {
    expect(trialJobPriority(0, 0)).toBeLessThan(trialJobPriority(0, 1));
    expect(trialJobPriority(0, 1)).toBeLessThan(trialJobPriority(0, 2));
  });

  it('counts every slot from SLOT_LEVELS - 1 on as one', () => {
    expect(trialJobPriority(0, SLOT_LEVELS + 7)).toBe(trialJobPriority(0, SLOT_LEVELS - 1));
  });

  it("stays in BullMQ's range 1 … 2^21 at both ends", () => {
    expect(trialJobPriority(MAX_STUDY_PRIORITY, 0)).toBe(1);
    expect(trialJobPriority(MIN_STUDY_PRIORITY, 10 ** 6)).toBeLessThanOrEqual(2 ** 21);
  });

  it('refuses a priority out of bounds and a negative slot, naming them', () => {
    expect(() => trialJobPriority(MAX_STUDY_PRIORITY + 1, 0)).toThrow(/studyPriority must be an integer/);
    expect(() => trialJobPriority(0.5, 0)).toThrow(/studyPriority/);
    expect(() => trialJobPriority(0, -1)).toThrow(/slot must be an integer >= 0/);
  });
});

describe('jobWindowSize', () => {
  it('is what maxParallel leaves beside the running trials', () => {
    expect(jobWindowSize(5, 0, 3)).toBe(3);
    expect(jobWindowSize(5, 2, 3)).toBe(1);
  });

  it('is 0 when the running trials fill maxParallel (or more, after a lease lapsed)', () => {
    expect(jobWindowSize(5, 3, 3)).toBe(0);
    expect(jobWindowSize(5, 4, 3)).toBe(0);
  });

  it('is every WAITING trial when there are fewer than the free slots', () => {
    expect(jobWindowSize(5, 0, 100)).toBe(5);
    expect(jobWindowSize(0, 0, 100)).toBe(0);
  });
});
