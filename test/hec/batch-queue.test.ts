import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from '../../src/hec/batch.js';
import { BatchQueue } from '../../src/hec/batch-queue.js';
import { MemoryGate } from '../../src/hec/memory-gate.js';

const KiB = 1024;

function queueOf(cap: number, batchBytes = 4 * KiB, batchInterval = 1) {
  const gate = new MemoryGate(cap);
  let pumps = 0;
  const queue = new BatchQueue({ config: { batch_bytes: batchBytes, batch_interval: batchInterval, max_buffer_bytes: cap }, gate, pump: () => pumps++ });
  return { gate, queue, pumps: () => pumps };
}

/** Every batch waiting in line, taken out of it in order. */
function drainLine(queue: BatchQueue): Batch[] {
  const out: Batch[] = [];
  for (let b = queue.next(); b; b = queue.next()) out.push(b);
  return out;
}

function eventsOf(b: Batch): string[] {
  return Array.from({ length: b.count }, (_, i) => b.event(i).json);
}

const json = (i: number, bytes: number) => `{"n":${i},"p":"${'x'.repeat(Math.max(0, bytes - 13 - String(i).length))}"}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('BatchQueue', () => {
  it('puts every event into exactly one batch, in order, none over batch_bytes; the gate holds exactly the outstanding bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 13, max: 4 * KiB }), { minLength: 1, maxLength: 60 }), (sizes) => {
        vi.useFakeTimers();
        const { gate, queue } = queueOf(1 << 30);
        const sent = sizes.map((s, i) => json(i, s));
        for (const j of sent) void queue.add(j, Buffer.byteLength(j), undefined);
        queue.seal();
        const line = drainLine(queue);
        expect(line.flatMap(eventsOf)).toEqual(sent);
        for (const b of line) expect(b.bytes).toBeLessThanOrEqual(4 * KiB);
        expect(gate.used).toBe(line.reduce((n, b) => n + b.bytes, 0));
        expect(queue.pendingEvents()).toBe(sent.length);
        for (const b of line) {
          b.resolve();
          expect(queue.release(b, true)).toBe(true);
          expect(queue.release(b, true)).toBe(false); // a second release frees nothing twice
        }
        expect(gate.used).toBe(0);
        expect(queue.isIdle()).toBe(true);
        vi.useRealTimers();
      }),
      { numRuns: 60 },
    );
  });

  it('seals the open batch after batch_interval and starts the pump', () => {
    vi.useFakeTimers();
    const { queue, pumps } = queueOf(64 * KiB, 4 * KiB, 0.25);
    void queue.add(json(1, 100), 100, 1);
    expect(queue.hasReady).toBe(false);
    vi.advanceTimersByTime(249);
    expect(queue.hasReady).toBe(false);
    vi.advanceTimersByTime(1);
    expect(queue.hasReady).toBe(true);
    expect(pumps()).toBe(1);
    expect(queue.next()!.event(0).tag).toBe(1);
  });

  it('sends an event over batch_bytes alone and at once, counting its bytes even past the cap', () => {
    const { gate, queue, pumps } = queueOf(64 * KiB, 4 * KiB);
    const big = json(7, 100 * KiB);
    void queue.addAlone(big, Buffer.byteLength(big), 7);
    expect(pumps()).toBe(1);
    expect(gate.used).toBe(Buffer.byteLength(big));
    const b = queue.next()!;
    expect(b.count).toBe(1);
    expect(b.event(0).json).toBe(big);
  });

  it('a release lets callers waiting for room into a new batch, in their order', async () => {
    vi.useFakeTimers();
    const { gate, queue } = queueOf(2 * KiB, 2 * KiB);
    const first = json(0, 2 * KiB);
    void queue.add(first, Buffer.byteLength(first), 0);
    queue.seal();
    expect(gate.mustWait(100)).toBe(true);
    const a = gate.wait(json(1, 100), 100, 1);
    const c = gate.wait(json(2, 100), 100, 2);
    expect(queue.pendingEvents()).toBe(3);
    expect(queue.isIdle()).toBe(false);
    const b = queue.next()!;
    b.resolve();
    queue.release(b, true);
    queue.seal();
    const next = queue.next()!;
    expect([0, 1].map((i) => next.event(i).tag)).toEqual([1, 2]);
    next.resolve();
    await Promise.all([a, c]);
  });

  it('seals early for waiting callers only while the open batch is all that holds the room', () => {
    vi.useFakeTimers();
    const { queue } = queueOf(64 * KiB);
    void queue.add(json(0, 100), 100, 0);
    queue.sealIfOnlyOpenBatch();
    expect(queue.hasReady).toBe(true); // nothing else would free room before batch_interval
    queue.next();
    void queue.add(json(1, 100), 100, 1);
    queue.sealIfOnlyOpenBatch();
    expect(queue.hasReady).toBe(false); // the first batch is still outstanding: its release frees room
    expect(queue.hasOpenBatch).toBe(true);
  });
});
