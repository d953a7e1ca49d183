import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batch, BatchBuffers } from '../../src/hec/batch.js';

describe('Batch', () => {
  it('refuses an event that would take it over capacity', () => {
    const b = new Batch(1, 25);
    expect(b.tryAdd('{"event":"aaaa"}', 16)).toBe(true);
    expect(b.tryAdd('{"event":"b"}', 13)).toBe(false); // 16 + 1 + 13 > 25
    expect(b.tryAdd('{"a":1}', 7)).toBe(true); // 16 + 1 + 7 = 24
    expect(b.count).toBe(2);
    expect(b.bytes).toBe(24);
    expect(b.body().toString()).toBe('{"event":"aaaa"}\n{"a":1}');
  });

  it('takes nothing after its body is built', () => {
    const b = new Batch(1, 1000);
    b.tryAdd('{"a":1}', 7);
    b.body();
    expect(b.tryAdd('{"b":2}', 7)).toBe(false);
    expect(b.body().toString()).toBe('{"a":1}');
  });

  it('never exceeds capacity and its byte count equals the body length (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 4000 }), fc.array(fc.jsonValue(), { maxLength: 200 }), (cap, values) => {
        const b = new Batch(1, cap);
        const taken: string[] = [];
        for (const v of values) {
          const json = JSON.stringify({ event: v });
          if (b.tryAdd(json, Buffer.byteLength(json))) taken.push(json);
        }
        const body = b.body().toString();
        return b.bytes <= cap && Buffer.byteLength(body) === b.bytes && body === taken.join('\n') && b.count === taken.length;
      }),
    );
  });

  it('settles once: a later reject after resolve is ignored', async () => {
    const b = new Batch(1, 100);
    b.resolve();
    b.reject(new Error('late'));
    await expect(b.done).resolves.toBeUndefined();
    expect(b.settled).toBe(true);
  });
});

describe('BatchBuffers', () => {
  it('reuses a settled batch’s storage without leaking its old bytes into the next body', () => {
    const pool = new BatchBuffers(64, 2);
    const first = new Batch(1, 64, pool.take());
    first.tryAdd('{"event":"a-long-first-event-body"}', 35);
    first.body();
    first.resolve();
    pool.give(first.takeBuffer());
    const reused = pool.take();
    expect(reused).toBeDefined();
    const second = new Batch(2, 64, reused);
    second.tryAdd('{"e":1}', 7);
    expect(second.body().toString()).toBe('{"e":1}');
  });

  it('keeps at most its limit and only buffers of its size', () => {
    const pool = new BatchBuffers(16, 1);
    pool.give(Buffer.alloc(16));
    pool.give(Buffer.alloc(16));
    pool.give(Buffer.alloc(8));
    expect(pool.take()).toHaveLength(16);
    expect(pool.take()).toBeUndefined();
  });
});
