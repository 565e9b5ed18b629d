import {
  describeRequirement,
  formatResources,
  InvalidResourcesError,
  meetsRequirement,
  parseResources,
  requirementOfQueue,
  resourcesProblem,
  trialQueueName,
  trialsAtOnce,
  unmetRequirementReason,
} from './worker-pools';

describe('parseResources (TUNEFORGE_WORKER_RESOURCES)', () => {
  it('reads name=amount pairs, spaces around items ignored', () => {
    expect(parseResources('gpu=2,cpu=8')).toEqual({ gpu: 2, cpu: 8 });
    expect(parseResources(' gpu = 0.5 , cpu=8 ')).toEqual({ gpu: 0.5, cpu: 8 });
    expect(parseResources('')).toEqual({});
    expect(parseResources('  ')).toEqual({});
  });

  it.each([
    ['gpu', "'gpu' needs an amount: write name=amount, e.g. gpu=2,cpu=8"],
    ['gpu=', "amount of 'gpu' must be a number > 0 and <= 1000000, got null"],
    ['gpu=two', "amount of 'gpu' must be a number > 0 and <= 1000000, got null"],
    ['gpu=0', "amount of 'gpu' must be a number > 0 and <= 1000000, got 0"],
    ['gpu=-1', "amount of 'gpu' must be a number > 0 and <= 1000000, got -1"],
    [
      'GPU=1',
      "resource name 'GPU' must be lower-case letters, digits or '_', starting with a letter (at most 32)",
    ],
    ['gpu=1,gpu=2', "'gpu' is named twice"],
    ['gpu=1,', "'' needs an amount: write name=amount, e.g. gpu=2,cpu=8"],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseResources(text)).toThrow(new InvalidResourcesError(message));
  });
});

describe('resourcesProblem (a study definition`s resources)', () => {
  it('accepts a map of names to positive amounts', () => {
    expect(resourcesProblem({ gpu: 1 })).toBeNull();
    expect(resourcesProblem({})).toBeNull();
  });

  it('names what is wrong', () => {
    expect(resourcesProblem([1])).toBe(
      'must be an object of resource name to amount, e.g. {"gpu": 1}, got [1]',
    );
    expect(resourcesProblem({ gpu: '1' })).toBe(
      `amount of 'gpu' must be a number > 0 and <= 1000000, got "1"`,
    );
    expect(resourcesProblem({ 'g-pu': 1 })).toMatch(/resource name 'g-pu'/);
  });
});

describe('trial queues', () => {
  it('trials needing nothing share the default queue', () => {
    expect(trialQueueName(undefined)).toBe('trials');
    expect(trialQueueName({})).toBe('trials');
  });

  it('one queue per requirement, whatever the order of its names', () => {
    expect(trialQueueName({ gpu: 1, cpu: 2 })).toBe('trials@cpu=2,gpu=1');
    expect(trialQueueName({ cpu: 2, gpu: 1 })).toBe('trials@cpu=2,gpu=1');
    expect(trialQueueName({ gpu: 0.5 })).toBe('trials@gpu=0.5');
    expect(formatResources({ gpu: 1, cpu: 2 })).toBe('cpu=2,gpu=1');
  });

  it('reads the requirement back from the queue name', () => {
    expect(requirementOfQueue('trials@cpu=2,gpu=1')).toEqual({ cpu: 2, gpu: 1 });
    expect(requirementOfQueue('trials')).toEqual({});
    expect(() => requirementOfQueue('refill')).toThrow("'refill' is not a trial queue");
  });
});

describe('matching a worker to trials', () => {
  it('a worker runs trials whose every need it offers', () => {
    expect(meetsRequirement({ gpu: 2, cpu: 8 }, { gpu: 1 })).toBe(true);
    expect(meetsRequirement({ cpu: 8 }, { gpu: 1 })).toBe(false);
    expect(meetsRequirement({ gpu: 1 }, { gpu: 2 })).toBe(false);
    expect(meetsRequirement({}, {})).toBe(true);
  });

  it('runs as many at once as its resources allow, at most its concurrency', () => {
    expect(trialsAtOnce({ gpu: 2, cpu: 8 }, { gpu: 1 }, 4)).toBe(2);
    expect(trialsAtOnce({ gpu: 2, cpu: 8 }, { gpu: 1, cpu: 8 }, 4)).toBe(1);
    expect(trialsAtOnce({ gpu: 8 }, { gpu: 1 }, 4)).toBe(4);
    expect(trialsAtOnce({ gpu: 1 }, { gpu: 0.1 }, 100)).toBe(10);
    expect(trialsAtOnce({ cpu: 8 }, { gpu: 1 }, 4)).toBe(0);
    expect(trialsAtOnce({}, {}, 3)).toBe(3);
  });

  it('says why a requirement has no live worker', () => {
    expect(describeRequirement({ gpu: 1, cpu: 2 })).toBe('cpu ≥ 2, gpu ≥ 1');
    expect(unmetRequirementReason({ gpu: 1 }, [{ cpu: 8 }])).toBe('no live worker offers gpu ≥ 1');
    expect(unmetRequirementReason({ gpu: 1 }, [])).toBe('no live worker offers gpu ≥ 1');
    expect(unmetRequirementReason({ gpu: 1 }, [{ cpu: 8 }, { gpu: 1 }])).toBeNull();
    expect(unmetRequirementReason(undefined, [])).toBeNull();
  });
});
