import { describe, expect, it } from 'vitest';
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
