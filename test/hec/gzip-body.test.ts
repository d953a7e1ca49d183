import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHecJson } from '../../src/core/event.js';
import { gzipBody } from '../../src/hec/gzip-body.js';

describe('gzipBody', () => {
  it('any body inflates back to exactly its bytes with a standard gzip reader (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 20_000 }), async (bytes) => {
        const body = Buffer.from(bytes);
        expect(gunzipSync(await gzipBody(body)).equals(body)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('NDJSON batches longer than the 4 KiB window round-trip and still compress (property)', async () => {
    const event = fc.record({
      time: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => ms / 1000),
      sourcetype: fc.constantFrom('proofpoint:ser:summary', 'mail:message', 'ta_ser_mail:audit'),
      event: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 60 }), fc.integer())),
      id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 50, maxLength: 400 }), async (events) => {
        const body = Buffer.from(events.map((e) => toHecJson(e)).join('\n'));
        const gz = await gzipBody(body);
        expect(gunzipSync(gz).equals(body)).toBe(true);
        expect(gz.length).toBeLessThan(body.length);
      }),
      { numRuns: 40 },
    );
  });
});
