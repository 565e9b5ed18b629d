import { InMemoryStorage, StudyNotFoundError, type Storage } from '@tuneforge/core';
import { STARTED_AT_ATTR, STATE_ATTR, STUDY_STATES, type PlatformStudyState } from './study-definition';
import {
  budgetTimedOut,
  changeStudyState,
  checkEnqueue,
  completeStudy,
  nextStudyState,
  readStudyState,
  STUDY_ACTIONS,
  StudyStateConflictError,
  type StudyAction,
} from './study-lifecycle';

/** The lifecycle as a user meets it: the state after each action, or 'conflict' (a 409). */
const EXPECTED: Record<PlatformStudyState, Record<StudyAction, PlatformStudyState | 'conflict'>> = {
  RUNNING: {
    stop: 'STOPPED',
    resume: 'RUNNING',
    enqueue: 'RUNNING',
    delete: 'RUNNING',
    read: 'RUNNING',
    complete: 'COMPLETED',
  },
  STOPPED: {
    stop: 'STOPPED',
    resume: 'RUNNING',
    enqueue: 'STOPPED',
    delete: 'STOPPED',
    read: 'STOPPED',
    complete: 'conflict',
  },
  COMPLETED: {
    stop: 'conflict',
    resume: 'conflict',
    enqueue: 'conflict',
    delete: 'COMPLETED',
    read: 'COMPLETED',
    complete: 'COMPLETED',
  },
};

const cases = STUDY_STATES.flatMap((state) =>
  STUDY_ACTIONS.map((action) => [state, action, EXPECTED[state][action]] as const),
);

function conflictOf(run: () => unknown): StudyStateConflictError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(StudyStateConflictError);
    return e as StudyStateConflictError;
  }
  throw new Error('the action was allowed');
}

async function conflictOfAsync(run: () => Promise<unknown>): Promise<StudyStateConflictError> {
  const e = await run().then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudyStateConflictError);
  return e as StudyStateConflictError;
}

describe('nextStudyState: every state × action', () => {
  it.each(cases)('%s + %s → %s', (state, action, expected) => {
    if (expected === 'conflict') {
      const e = conflictOf(() => nextStudyState(7, state, action));
      expect(e).toMatchObject({ studyId: 7, state, action });
      expect(e.message).toMatch(new RegExp(`^Study 7 is ${state}: cannot ${action}\\b.*, `));
    } else {
      expect(nextStudyState(7, state, action)).toBe(expected);
    }
  });

  it('says what to do instead of a refused action', () => {
    expect(conflictOf(() => nextStudyState(3, 'COMPLETED', 'stop')).message).toBe(
      'Study 3 is COMPLETED: cannot stop it, it has ended (budget, timeout or search space spent) and has nothing to stop; read its results, or delete it.',
    );
    expect(conflictOf(() => nextStudyState(3, 'COMPLETED', 'resume')).message).toBe(
      'Study 3 is COMPLETED: cannot resume it, its budget is spent and it cannot run again; create a new study (POST /studies) to run more trials.',
    );
    expect(conflictOf(() => nextStudyState(3, 'COMPLETED', 'enqueue')).message).toBe(
      'Study 3 is COMPLETED: cannot enqueue a trial on it, it runs no more trials; create a new study (POST /studies) and enqueue the trial there.',
    );
  });
});

describe('checkEnqueue', () => {
  it.each(['RUNNING', 'STOPPED'] as const)(
    'allows a trial on a %s study while the budget has room',
    (state) => {
      expect(() => checkEnqueue(1, state, 9, 10)).not.toThrow();
    },
  );

  it.each(['RUNNING', 'STOPPED'] as const)(
    'refuses one more trial once %s study has all its trials',
    (state) => {
      const e = conflictOf(() => checkEnqueue(1, state, 10, 10));
      expect(e).toMatchObject({ state, action: 'enqueue' });
      expect(e.message).toBe(
        `Study 1 is ${state} with all 10 trials of its budget (budget.nTrials) created: an enqueued trial would run past it; create a new study (POST /studies) to run more trials.`,
      );
    },
  );

  it('refuses any trial on a COMPLETED study, naming the state first', () => {
    expect(conflictOf(() => checkEnqueue(1, 'COMPLETED', 0, 10)).message).toMatch(
      /^Study 1 is COMPLETED: cannot enqueue a trial on it/,
    );
  });
});

describe('the stored state (in-memory storage)', () => {
  let storage: Storage;

  async function studyIn(state: PlatformStudyState | null): Promise<number> {
    const record = await storage.createStudy({
      studyName: `s-${Math.random().toString(36).slice(2)}`,
      directions: ['minimize'],
      systemAttrs: state === null ? {} : { [STATE_ATTR]: state },
    });
    return record.studyId;
  }

  beforeEach(() => {
    storage = new InMemoryStorage();
  });

  it('reads the state, and refuses a study the platform did not create', async () => {
    expect(await readStudyState(storage, await studyIn('STOPPED'))).toBe('STOPPED');
    const embedded = await studyIn(null);
    await expect(readStudyState(storage, embedded)).rejects.toThrow(StudyNotFoundError);
    await expect(readStudyState(storage, embedded)).rejects.toThrow(
      `Study ${embedded} was not created through the platform.`,
    );
  });

  const moves = STUDY_STATES.flatMap((state) =>
    (['stop', 'resume'] as const).map((action) => [state, action, EXPECTED[state][action]] as const),
  );

  it.each(moves)('changeStudyState: %s + %s → %s, stored', async (state, action, expected) => {
    const id = await studyIn(state);
    if (expected === 'conflict') {
      await conflictOfAsync(() => changeStudyState(storage, id, action));
      expect(await readStudyState(storage, id)).toBe(state);
    } else {
      expect(await changeStudyState(storage, id, action)).toEqual({
        from: state,
        to: expected,
        changed: expected !== state,
      });
      expect(await readStudyState(storage, id)).toBe(expected);
    }
  });

  it('counts budget.timeoutSec in running time: a resume moves its start by the time spent STOPPED', async () => {
    const id = await studyIn('RUNNING');
    await storage.setStudySystemAttr(id, STARTED_AT_ATTR, 1_000);
    await changeStudyState(storage, id, 'stop', () => 5_000);
    await changeStudyState(storage, id, 'stop', () => 6_000); // already STOPPED: nothing moves
    await changeStudyState(storage, id, 'resume', () => 9_000);
    expect((await storage.getStudy(id)).systemAttrs[STARTED_AT_ATTR]).toBe(5_000);
    await changeStudyState(storage, id, 'resume', () => 12_000); // already RUNNING
    expect((await storage.getStudy(id)).systemAttrs[STARTED_AT_ATTR]).toBe(5_000);
  });

  it('refuses an enqueued trial once budget.timeoutSec has passed', async () => {
    const id = await studyIn('RUNNING');
    await storage.setStudySystemAttr(id, STARTED_AT_ATTR, 1_000);
    const record = await storage.getStudy(id);
    expect(budgetTimedOut(record, null, 1e12)).toBe(false);
    expect(budgetTimedOut(record, 4, 4_999)).toBe(false);
    expect(budgetTimedOut(record, 4, 5_000)).toBe(true);
    expect(() => checkEnqueue(id, 'RUNNING', 1, 10, true)).toThrow(
      `Study ${id} ran for its budget.timeoutSec: no trial starts any more; create a new study (POST /studies) to run more trials.`,
    );
  });

  it('completeStudy moves a RUNNING study with no trial in flight to COMPLETED', async () => {
    const id = await studyIn('RUNNING');
    const t = await storage.createTrial(id);
    await storage.finishTrial(t.trialId, 'COMPLETE', [1], Date.now());
    await completeStudy(storage, id);
    expect(await readStudyState(storage, id)).toBe('COMPLETED');
  });

  it('completeStudy keeps a COMPLETED study as it is', async () => {
    const id = await studyIn('COMPLETED');
    await completeStudy(storage, id);
    expect(await readStudyState(storage, id)).toBe('COMPLETED');
  });

  it('completeStudy leaves a study stopped meanwhile STOPPED', async () => {
    const id = await studyIn('STOPPED');
    const e = await conflictOfAsync(() => completeStudy(storage, id));
    expect(e.message).toBe(
      `Study ${id} is STOPPED: cannot complete it, the scheduler completes running studies only; resume it first.`,
    );
    expect(await readStudyState(storage, id)).toBe('STOPPED');
  });

  it.each(['WAITING', 'RUNNING'] as const)(
    'completeStudy leaves a study RUNNING while a trial is %s (enqueued meanwhile)',
    async (trialState) => {
      const id = await studyIn('RUNNING');
      await storage.createTrial(id, { state: trialState });
      const e = await conflictOfAsync(() => completeStudy(storage, id));
      expect(e.message).toBe(
        `Study ${id} is RUNNING with 1 trial(s) in flight (enqueued meanwhile): it completes once they end.`,
      );
      expect(await readStudyState(storage, id)).toBe('RUNNING');
    },
  );
});
