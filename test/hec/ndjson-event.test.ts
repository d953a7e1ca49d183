import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadLineError, eventFromLine } from '../../src/hec/ndjson-event.js';

const key = fc.string().filter((k) => k !== '__proto__');
const event = fc.record(
  {
    time: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => ms / 1000),
    sourcetype: fc.string({ minLength: 1 }),
    event: fc.oneof(fc.string({ minLength: 1 }), fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)))),
    host: fc.string({ minLength: 1 }),
    index: fc.string({ minLength: 1 }),
    fields: fc.dictionary(key, fc.string()),
    id: fc.string({ minLength: 1 }),
  },
  { requiredKeys: ['time', 'sourcetype', 'event'] },
);

describe('eventFromLine', () => {
  it('reads back every valid event, deriving the same id from the same line (property)', () => {
    fc.assert(
      fc.property(event, (e) => {
        const line = JSON.stringify(e);
        const a = eventFromLine(line, 1)!;
        const b = eventFromLine(`  ${line}  `, 7)!;
        expect(a).toEqual({ ...e, id: e.id ?? a.id });
        expect(a.id).toBe(b.id); // surrounding blanks do not change the derived id
        if (e.id === undefined) expect(a.id).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('keeps a given id and derives one otherwise', () => {
    expect(eventFromLine('{"time":1,"sourcetype":"s","event":"x","id":"mine"}', 1)!.id).toBe('mine');
    const derived = eventFromLine('{"time":1,"sourcetype":"s","event":"x"}', 1)!.id;
    expect(derived).toMatch(/^[0-9a-f]{32}$/);
    expect(eventFromLine('{"time":1,"sourcetype":"s","event":"y"}', 1)!.id).not.toBe(derived);
  });

  it('skips blank lines', () => {
    expect(eventFromLine('', 1)).toBeUndefined();
    expect(eventFromLine('   \t', 1)).toBeUndefined();
  });

  it.each([
    ['{"time":1,"sourcetype":"s"', /line 4: not JSON/],
    ['[1,2]', /line 4: expected a JSON object/],
    ['{"time":"now","sourcetype":"s","event":"x"}', /line 4: field "time"/],
    ['{"time":1,"sourcetype":"s","event":""}', /line 4: field "event": Too small/],
    ['{"time":1,"sourcetyp":"s","event":"x"}', /line 4: field "(sourcetype|sourcetyp)"/],
    ['{"time":1,"sourcetype":"s","event":"x","fields":{"n":1}}', /line 4: field "fields.n"/],
  ])('names the line and the field: %s', (line, message) => {
    let err: unknown;
    try {
      eventFromLine(line, 4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadLineError);
    expect((err as BadLineError).line).toBe(4);
    expect((err as Error).message).toMatch(message);
  });

  it('never throws anything but BadLineError, whatever the line (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (line) => {
        try {
          eventFromLine(line, 1);
          return true;
        } catch (e) {
          return e instanceof BadLineError;
        }
      }),
    );
  });
});
