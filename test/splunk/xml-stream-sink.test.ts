import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { LOGGING_LEVELS } from '../../src/core/logging-config.js';
import { LOG_LEVELS } from '../../src/core/logger.js';
import type { SplunkEvent } from '../../src/core/event.js';
import { mergeConf, parseConf } from '../../src/splunk/conf-file.js';
import { XmlStreamSink } from '../../src/splunk/xml-stream-sink.js';

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '<', '>', '&', '"', "'", ']]>', 'é', 'Ж', '😀', '\n', '\t'), minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);

const eventArb: fc.Arbitrary<SplunkEvent> = fc.record({
  time: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => ms / 1000),
  sourcetype: fc.constantFrom('proofpoint:ser:summary', 'mail:message'),
  index: fc.option(fc.constantFrom('main', 'ser'), { nil: undefined }),
  host: fc.option(fc.constantFrom('h1', 'h&2'), { nil: undefined }),
  source: fc.option(fc.constantFrom('ser_report://a<b>'), { nil: undefined }),
  event: fc.oneof(text, fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), text, { maxKeys: 4 })),
  id: fc.stringMatching(/^[0-9a-f]{32}$/),
});

describe('XML stream sink', () => {
  it('writes every event so splunkd reads back the same data, time and metadata', async () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, isArray: (n) => n === 'event' });
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 5 }), async (events) => {
        let out = '';
        const sink = new XmlStreamSink({ write: (c: string, cb?: (e?: Error | null) => void) => ((out += c), cb?.(), true) }, 'ser_report://x');
        await sink.sendAll(events);
        const report = await sink.close();
        expect(report).toEqual({ delivered: events.length, undelivered: 0 });
        const doc = parser.parse(out) as { stream: { event: Array<Record<string, string>> } };
        const got = doc.stream.event;
        expect(got).toHaveLength(events.length);
        got.forEach((g, i) => {
          const e = events[i]!;
          expect(Number(g.time)).toBeCloseTo(e.time, 3);
          expect(g.sourcetype).toBe(e.sourcetype);
          expect(g['@_stanza']).toBe('ser_report://x');
          if (e.index) expect(g.index).toBe(e.index);
          if (e.host) expect(g.host).toBe(e.host);
          if (typeof e.event === 'string') expect(g.data).toBe(e.event);
          else expect(JSON.parse(g.data!)).toEqual({ ...e.event, event_id: e.id });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('writes nothing, not even <stream>, when no event came', async () => {
    let out = '';
    const sink = new XmlStreamSink({ write: (c: string, cb?: (e?: Error | null) => void) => ((out += c), cb?.(), true) });
    await sink.close();
    expect(out).toBe('');
    await expect(sink.send({ time: 1, sourcetype: 's', event: 'x', id: 'i' })).rejects.toThrow(/closed/);
  });
});

describe('conf files and levels', () => {
  it('reads back any stanza/key/value written in .conf form, local over default', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,10}$/);
    const value = fc.stringMatching(/^[^\r\n\\]*$/).map((s) => s.trim());
    const stanzas = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_:/<>-]{0,12}$/), fc.dictionary(key, value, { maxKeys: 4 }), { maxKeys: 4 });
    fc.assert(
      fc.property(stanzas, stanzas, (a, b) => {
        const render = (c: Record<string, Record<string, string>>) => Object.entries(c).map(([s, kv]) => `# c\n[${s}]\n${Object.entries(kv).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('\n');
        const merged = mergeConf(parseConf(render(a)), parseConf(render(b)));
        for (const [s, kv] of Object.entries(a)) for (const [k, v] of Object.entries(kv)) expect(merged.get(s)?.get(k)).toBe(b[s]?.[k] ?? v);
        for (const [s, kv] of Object.entries(b)) for (const [k, v] of Object.entries(kv)) expect(merged.get(s)?.get(k)).toBe(v);
      }),
      { numRuns: 150 },
    );
    expect(parseConf('[a]\nk = one \\\ntwo\n').get('a')?.get('k')).toBe('one \ntwo');
  });

  it('keeps the [logging] levels equal to the logger\'s', () => {
    expect([...LOGGING_LEVELS]).toEqual([...LOG_LEVELS]);
  });
});
