import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_FIELD, eventId, eventSchema, toEpochSeconds, toHecJson, type SplunkEvent } from '../../src/core/event.js';

describe('eventId', () => {
  it('is deterministic and 32 hex characters', () => {
    expect(eventId('acme', '2026-11-27T12:00Z', 'user@example.com', 3)).toBe(eventId('acme', '2026-11-27T12:00Z', 'user@example.com', 3));
    expect(eventId('a')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('separates parts: ("ab","c") and ("a","bc") differ, numbers equal their strings', () => {
    expect(eventId('ab', 'c')).not.toBe(eventId('a', 'bc'));
    expect(eventId('x', 1)).toBe(eventId('x', '1'));
  });

  it('different part lists give different ids (property)', () => {
    const part = fc.string().filter((s) => !s.includes('\u001f'));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), fc.array(part, { maxLength: 5 }), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        return eventId(...a) !== eventId(...b);
      }),
    );
  });
});

describe('toEpochSeconds', () => {
  it('keeps millisecond precision', () => {
    expect(toEpochSeconds(1_700_000_000_123)).toBe(1_700_000_000.123);
    expect(toEpochSeconds(new Date('2026-11-27T12:00:00.5Z'))).toBe(1_795_780_800.5);
    expect(toEpochSeconds(1_700_000_000_123.6)).toBe(1_700_000_000.124);
  });
});

describe('toHecJson', () => {
  const base: SplunkEvent = { time: 1.5, sourcetype: 'mail:message', event: { a: 1 }, id: 'id-1' };

  it('writes HEC fields in a stable order, carries the id as the indexed field event_id', () => {
    expect(toHecJson({ ...base, host: 'h', source: 's', index: 'mail', fields: { tenant: 'acme', tags: ['x', 'y'] } })).toBe(
      '{"time":1.5,"host":"h","source":"s","sourcetype":"mail:message","index":"mail","event":{"a":1},"fields":{"tenant":"acme","tags":["x","y"],"event_id":"id-1"}}',
    );
  });

  it('leaves out what is not set and never sends the id at the top level', () => {
    const o = JSON.parse(toHecJson(base)) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['time', 'sourcetype', 'event', 'fields']);
    expect(o.fields).toEqual({ [EVENT_ID_FIELD]: 'id-1' });
  });

  it('an event_id in fields cannot override the event id', () => {
    const o = JSON.parse(toHecJson({ ...base, fields: { event_id: 'spoofed' } })) as { fields: Record<string, string> };
    expect(o.fields.event_id).toBe('id-1');
  });

  it('round-trips every valid event (property)', () => {
    const ev = fc.record(
      {
        time: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => ms / 1000),
        host: fc.string({ minLength: 1 }),
        source: fc.string({ minLength: 1 }),
        sourcetype: fc.string({ minLength: 1 }),
        index: fc.string({ minLength: 1 }),
        event: fc.oneof(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), fc.string())),
        fields: fc.dictionary(fc.string().filter((k) => k !== EVENT_ID_FIELD && k !== '__proto__'), fc.oneof(fc.string(), fc.array(fc.string()))),
        id: fc.string({ minLength: 1 }),
      },
      { requiredKeys: ['time', 'sourcetype', 'event', 'id'] },
    );
    fc.assert(
      fc.property(ev, (e) => {
        const o = JSON.parse(toHecJson(e)) as Record<string, unknown>;
        const { fields, ...rest } = o as { fields: Record<string, unknown> };
        const { [EVENT_ID_FIELD]: id, ...others } = fields;
        const back = { ...rest, ...(e.fields ? { fields: others } : {}), id };
        return eventSchema.safeParse(back).success && sameEvent(e, back);
      }),
    );
  });
});

/** Same keys and values, whatever the key order. */
function sameEvent(a: SplunkEvent, b: Record<string, unknown>): boolean {
  const norm = (x: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))));
  return norm(a as unknown as Record<string, unknown>) === norm(b);
}

describe('eventSchema', () => {
  it.each([
    [{ time: -1, sourcetype: 's', event: 'x', id: 'i' }, 'time'],
    [{ time: 1, sourcetype: '', event: 'x', id: 'i' }, 'sourcetype'],
    [{ time: 1, sourcetype: 's', event: '', id: 'i' }, 'event'],
    [{ time: 1, sourcetype: 's', event: 'x', id: '' }, 'id'],
    [{ time: 1, sourcetype: 's', event: 'x', id: 'i', fields: { a: 1 } }, 'fields'],
  ])('rejects %j naming %s', (value, field) => {
    const r = eventSchema.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path[0]).toBe(field);
  });
});
