import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { AckTracker } from '../../src/hec/acks.js';
import { parseEndpoint } from '../../src/hec/endpoints.js';
import type { AckOutcome } from '../../src/hec/status.js';

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('AckTracker', () => {
  const ep = parseEndpoint('http://hec:8088');

  it('polls per endpoint and channel, completes true acks, expires the rest', async () => {
    const polls: Array<[string, string, number[]]> = [];
    const acked: string[] = [];
    const expired: string[] = [];
    const t = new AckTracker<string>({
      pollIntervalMs: 5,
      timeoutMs: 80,
      maxPending: 10,
      poll: async (e, ch, ids): Promise<AckOutcome> => {
        polls.push([e.label, ch, ids]);
        return { ok: true, acks: Object.fromEntries(ids.map((id) => [String(id), id % 2 === 0])) };
      },
      onAcked: (x) => acked.push(x),
      onExpired: (x) => expired.push(x),
      log: silentLogger,
    });
    t.add(ep, 'ch-1', 0, 'b0');
    t.add(ep, 'ch-1', 1, 'b1');
    t.add(ep, 'ch-2', 0, 'c0');
    await until(() => expired.length === 1);
    expect(acked.sort()).toEqual(['b0', 'c0']);
    expect(expired).toEqual(['b1']);
    expect(t.size).toBe(0);
    expect(polls.some(([, ch, ids]) => ch === 'ch-1' && ids.includes(0) && ids.includes(1))).toBe(true);
    expect(polls.some(([, ch]) => ch === 'ch-2')).toBe(true);
    t.close();
  });

  it('expires every ack of a channel the indexer no longer knows', async () => {
    const expired: string[] = [];
    const t = new AckTracker<string>({
      pollIntervalMs: 5,
      timeoutMs: 60_000,
      maxPending: 10,
      poll: async () => ({ ok: false, invalidChannel: true, error: new Error('code 11') }),
      onAcked: () => undefined,
      onExpired: (x) => expired.push(x),
      log: silentLogger,
    });
    t.add(ep, 'ch', 0, 'a');
    t.add(ep, 'ch', 1, 'b');
    await until(() => expired.length === 2);
    expect(expired.sort()).toEqual(['a', 'b']);
    t.close();
  });

  it('a reused ack id (HEC restarted) never overwrites the pending batch: the old one is resent, the new one kept', async () => {
    const acked: string[] = [];
    const expired: Array<[string, string]> = [];
    const restarts: string[] = [];
    let answer: Record<string, boolean> = {};
    const t = new AckTracker<string>({
      pollIntervalMs: 5,
      timeoutMs: 60_000,
      maxPending: 10,
      reorderWindow: 4,
      poll: async (_e, _ch, ids) => ({ ok: true, acks: Object.fromEntries(ids.map((id) => [String(id), answer[String(id)] === true])) }),
      onAcked: (x) => acked.push(x),
      onExpired: (x, why) => expired.push([x, why]),
      onRestart: (_e, ch) => restarts.push(ch),
      log: silentLogger,
    });
    t.add(ep, 'ch', 0, 'old-0');
    t.add(ep, 'ch', 1, 'old-1');
    t.add(ep, 'ch', 0, 'new-0'); // HEC's new life hands out 0 again
    expect(expired.map(([x]) => x).sort()).toEqual(['old-0', 'old-1']);
    expect(expired[0]![1]).toMatch(/restarted \(ack id \d handed out again\)/);
    expect(restarts).toEqual(['ch']);
    expect(t.size).toBe(1);
    answer = { '0': true };
    await until(() => acked.length === 1);
    expect(acked).toEqual(['new-0']); // the true answers for the newcomer, never for the old batch
    t.close();
  });

  it('an ack id far below the highest seen (beyond reordering) also means a restart', () => {
    const expired: string[] = [];
    const t = new AckTracker<string>({
      pollIntervalMs: 60_000,
      timeoutMs: 60_000,
      maxPending: 100,
      reorderWindow: 4,
      poll: async () => ({ ok: true, acks: {} }),
      onAcked: () => undefined,
      onExpired: (x) => expired.push(x),
      log: silentLogger,
    });
    t.add(ep, 'ch', 40, 'a');
    t.add(ep, 'ch', 38, 'b'); // out of order within the window: fine
    expect(expired).toEqual([]);
    t.add(ep, 'ch', 2, 'c'); // 2 + 4 <= 40: HEC started again
    expect(expired.sort()).toEqual(['a', 'b']);
    expect(t.size).toBe(1);
    t.close();
  });

  it('a retired channel: what waited there is resent, and a reply read late on it is resent at once', () => {
    const expired: string[] = [];
    const t = new AckTracker<string>({
      pollIntervalMs: 60_000,
      timeoutMs: 60_000,
      maxPending: 100,
      poll: async () => ({ ok: true, acks: {} }),
      onAcked: () => undefined,
      onExpired: (x) => expired.push(x),
      log: silentLogger,
    });
    t.add(ep, 'ch', 5, 'waiting');
    t.add(ep, 'other', 5, 'elsewhere');
    t.retire(ep, 'ch', 'no answer');
    expect(expired).toEqual(['waiting']);
    t.add(ep, 'ch', 6, 'late');
    expect(expired).toEqual(['waiting', 'late']);
    expect(t.size).toBe(1);
    t.close();
  });

  it('ack_timeout fires for every pending batch, each exactly once', async () => {
    const expired: string[] = [];
    const t = new AckTracker<string>({
      pollIntervalMs: 5,
      timeoutMs: 40,
      maxPending: 100,
      poll: async () => ({ ok: true, acks: {} }),
      onAcked: () => undefined,
      onExpired: (x) => expired.push(x),
      log: silentLogger,
    });
    for (let i = 0; i < 30; i++) t.add(ep, `ch-${i % 3}`, i, `b${i}`);
    await until(() => expired.length >= 30);
    await new Promise((r) => setTimeout(r, 30));
    expect(expired.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `b${i}`).sort());
    t.close();
  });

  it('is full at maxPending and makes waiters wait for room', async () => {
    let answer = false;
    const t = new AckTracker<number>({
      pollIntervalMs: 5,
      timeoutMs: 60_000,
      maxPending: 2,
      poll: async (_e, _c, ids) => ({ ok: true, acks: Object.fromEntries(ids.map((i) => [String(i), answer])) }),
      onAcked: () => undefined,
      onExpired: () => undefined,
      log: silentLogger,
    });
    t.add(ep, 'ch', 0, 0);
    t.add(ep, 'ch', 1, 1);
    expect(t.full).toBe(true);
    let roomy = false;
    const w = t.waitForRoom().then(() => (roomy = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(roomy).toBe(false);
    answer = true;
    await w;
    expect(t.full).toBe(false);
    t.close();
  });

  it('keeps waiting through a failed poll (the ack may still come)', async () => {
    let fail = true;
    const acked: number[] = [];
    const t = new AckTracker<number>({
      pollIntervalMs: 5,
      timeoutMs: 60_000,
      maxPending: 2,
      poll: async (_e, _c, ids) => {
        if (fail) throw new Error('ECONNRESET');
        return { ok: true, acks: Object.fromEntries(ids.map((i) => [String(i), true])) };
      },
      onAcked: (x) => acked.push(x),
      onExpired: () => undefined,
      log: silentLogger,
    });
    t.add(ep, 'ch', 3, 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(acked).toEqual([]);
    fail = false;
    await until(() => acked.length === 1);
    expect(acked).toEqual([3]);
    expect(t.close()).toEqual([]);
  });
});

describe('AckTracker expiry while polls fail', () => {
  it('names the last poll failure in the expiry reason (a poll error is not swallowed)', async () => {
    const ep = parseEndpoint('http://hec:8088');
    const reasons: string[] = [];
    const t = new AckTracker<number>({
      pollIntervalMs: 5,
      timeoutMs: 40,
      maxPending: 2,
      poll: async () => {
        throw new Error('http://hec:8088: connection failed: ECONNREFUSED');
      },
      onAcked: () => undefined,
      onExpired: (_x, reason) => reasons.push(reason),
      log: silentLogger,
    });
    t.add(ep, 'ch', 7, 7);
    await until(() => reasons.length === 1);
    expect(reasons[0]).toMatch(/no acknowledgement from http:\/\/hec:8088 within 40 ms \(ack id 7\); the last ack poll failed: .*ECONNREFUSED/);
    t.close();
  });
});

describe('AckTracker poll cadence (fake clock)', () => {
  const ep = parseEndpoint('http://hec:8088');
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A tracker whose indexer answers `ready(id)`; records when each poll was made. */
  function cadenceTracker(ready: (id: number) => boolean) {
    const pollTimes: number[] = [];
    const acked: number[] = [];
    const start = Date.now();
    const t = new AckTracker<number>({
      pollIntervalMs: 800,
      timeoutMs: 60_000,
      maxPending: 100,
      poll: async (_e, _c, ids) => {
        pollTimes.push(Date.now() - start);
        return { ok: true, acks: Object.fromEntries(ids.map((i) => [String(i), ready(i)])) };
      },
      onAcked: (x) => acked.push(x),
      onExpired: () => undefined,
      log: silentLogger,
    });
    return { t, pollTimes, acked };
  }

  it('polls after 1/8 of the interval, then backs off by doubling up to the interval while nothing is acked', async () => {
    vi.useFakeTimers();
    let indexed = false;
    const { t, pollTimes, acked } = cadenceTracker(() => indexed);
    t.add(ep, 'ch', 1, 1);
    await vi.advanceTimersByTimeAsync(2300);
    expect(pollTimes).toEqual([100, 300, 700, 1500, 2300]);
    indexed = true;
    await vi.advanceTimersByTimeAsync(800);
    expect(acked).toEqual([1]);
    // A new batch after a quiet spell is polled for soon again.
    t.add(ep, 'ch', 2, 2);
    await vi.advanceTimersByTimeAsync(100);
    expect(pollTimes.at(-1)).toBe(3200);
    expect(acked).toEqual([1, 2]);
    t.close();
  });

  it('keeps polling at the short wait while each round finds new acks', async () => {
    vi.useFakeTimers();
    // Ack i turns true at the i-th poll: every round acknowledges one batch.
    let polls = 0;
    const { t, pollTimes, acked } = cadenceTracker((id) => id <= polls);
    for (let id = 1; id <= 4; id++) t.add(ep, 'ch', id, id);
    for (let i = 0; i < 4; i++) {
      polls++;
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(acked).toEqual([1, 2, 3, 4]);
    expect(pollTimes).toEqual([100, 200, 300, 400]);
    t.close();
  });
});
