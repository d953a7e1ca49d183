import { describe, expect, it } from 'vitest';
import { UndeliveredError } from '../../src/core/errors.js';
import { Batch } from '../../src/hec/batch.js';
import { drainCause } from '../../src/hec/drain.js';

function batchOf(events: number, failure?: { message: string; code?: string }): Batch {
  const b = new Batch(1, 1024);
  for (let i = 0; i < events; i++) b.tryAdd(`{"n":${i}}`, 7);
  if (failure) {
    b.lastFailure = failure.message;
    b.lastFailureCode = failure.code;
  }
  return b;
}

describe('drainCause', () => {
  it.each([
    { name: 'last failure named, its code kept', failure: { message: 'HEC https://h:8088 unavailable: HTTP 503', code: 'HEC_UNAVAILABLE' }, acking: false, deadline: 5000, text: 'not delivered within the 5000 ms drain deadline (last attempt: HEC https://h:8088 unavailable: HTTP 503)', code: 'HEC_UNAVAILABLE' },
    { name: 'accepted, ack pending', failure: undefined, acking: true, deadline: 5000, text: 'not delivered within the 5000 ms drain deadline (accepted by HEC, acknowledgement pending)', code: 'UNDELIVERED' },
    { name: 'a last failure wins over a pending ack', failure: { message: 'no acknowledgement', code: 'HEC_ACK_MISSING' }, acking: true, deadline: 100, text: 'not delivered within the 100 ms drain deadline (last attempt: no acknowledgement)', code: 'HEC_ACK_MISSING' },
    { name: 'cut short (deadline 0), nothing known', failure: undefined, acking: false, deadline: 0, text: 'not delivered before delivery was cut short', code: 'UNDELIVERED' },
  ])('$name', ({ failure, acking, deadline, text, code }) => {
    const b = batchOf(3, failure);
    b.skip(1); // one event settled by a partial reply: only the rest is undelivered
    const err = drainCause(b, deadline, new Set(acking ? [b] : []));
    expect(err).toBeInstanceOf(UndeliveredError);
    expect((err as UndeliveredError).count).toBe(2);
    expect(err.message).toBe(text);
    expect((err as UndeliveredError).code).toBe(code);
  });
});
