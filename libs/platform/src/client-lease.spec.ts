import { clientLeaseOf, clientRenewalTime, newClientLease } from './client-lease';

describe('client leases', () => {
  it('names the client and the duration in the holder, and proves the token by its digest', () => {
    const lease = newClientLease('gpu-3', 30);
    expect(lease.holder).toMatch(/^client:gpu-3:30s:[0-9a-f]{32}$/);
    expect(lease.holder).not.toContain(lease.token);
    expect(clientLeaseOf(lease.holder, lease.token)).toEqual(lease);
    expect(clientLeaseOf(lease.holder, newClientLease('gpu-3', 30).token)).toBeNull();
    expect(clientLeaseOf('worker-1', lease.token)).toBeNull();
    expect(clientLeaseOf(undefined, lease.token)).toBeNull();
  });

  it('stores a renewal that the platform lease rule ends exactly `seconds` after it', () => {
    const now = 1_000_000;
    for (const [seconds, platform] of [
      [5, 10],
      [60, 10],
      [10, 10],
    ]) {
      const stored = clientRenewalTime(now, seconds, platform);
      // The scheduler: a trial lapses once stored < t - platform lease.
      expect(stored + platform * 1000).toBe(now + seconds * 1000);
    }
  });
});
