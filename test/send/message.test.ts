import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { buildRequest, encodeFromHeader, messageIdFor, type OutgoingMessage } from '../../src/send/message.js';
import { decodeFromHeader } from '../../src/sim/send.js';
import { fillRowTokens, escapeHtml, renderTable } from '../../src/send/render.js';
import { parseMultivalue, readResults } from '../../src/send/results.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResultsFile } from './results-file.js';
import { parseReply } from '../../src/send/reply.js';

const m: OutgoingMessage = { messageId: 'id-1', from: 'alerts@example.com', to: ['soc.team@example.com'], cc: [], subject: 'S', body: 'B', bodyType: 'text/plain', importance: 'normal' };

describe('wire request', () => {
  it('has exactly the specified headers and body fields', () => {
    const r = buildRequest(m, { secret: new Secret('tok'), fromHeaderEncoding: 'utf8' });
    expect(r.headers).toEqual({ 'content-type': 'application/json;charset=UTF-8', 'email-from': 'alerts@example.com' });
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['body', 'bodyType', 'cc', 'importance', 'messageId', 'secret', 'subject', 'to']);
    expect(body).toMatchObject({ messageId: 'id-1', bodyType: 'text/plain', importance: 'normal', to: ['soc.team@example.com'], cc: [], subject: 'S', secret: 'tok', body: 'B' });
    expect(r.encrypted).toBe(false);
  });

  it('messageId: same run, row and recipient set → same id; anything else → another', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.uniqueArray(fc.emailAddress(), { minLength: 1, maxLength: 5 }), (sid, row, to) => {
        const id = messageIdFor(sid, row, to, []);
        expect(messageIdFor(sid, row, [...to].reverse(), [])).toBe(id);
        // a set: order, case and repeats of an address do not change it
        expect(messageIdFor(sid, row, [...to.map((a) => a.toUpperCase()), to[0]!], [])).toBe(id);
        expect(messageIdFor(sid, String(row), to, [])).toBe(id);
        expect(messageIdFor(sid, 'alert', to, [])).not.toBe(id);
        if (to.length > 1) expect(messageIdFor(sid, row, to.slice(1), [])).not.toBe(id);
        expect(messageIdFor(sid, row + 1, to, [])).not.toBe(id);
        expect(messageIdFor(`${sid}x`, row, to, [])).not.toBe(id);
        expect(messageIdFor(sid, row, to, ['x.y@example.com'])).not.toBe(id);
      }),
      { numRuns: 200 },
    );
  });

  it('Email-From encodings decode back to the address for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (s) => {
        expect(decodeFromHeader(encodeFromHeader(s, 'utf8'))).toBe(s);
        expect(decodeFromHeader(encodeFromHeader(s, 'rfc2047'))).toBe(s);
        expect(encodeFromHeader(s, 'rfc2047')).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rendering and results', () => {
  it('fills $result.<field>$ tokens, escaping for HTML, empty for missing fields', () => {
    expect(fillRowTokens('to $result.user$ on $result.host$ $result.nope$.', { user: 'a<b', host: ['h1', 'h2'] })).toBe('to a<b on h1, h2 .');
    expect(fillRowTokens('$result.user$', { user: '<b>"x"&' }, escapeHtml)).toBe('&lt;b&gt;&quot;x&quot;&amp;');
  });

  it('plain-text table keeps one line per row even with line breaks in values', () => {
    const t = renderTable([{ a: 'x\ny', b: '1' }], 1, 'text/plain');
    expect(t.split('\n')).toHaveLength(5);
    expect(t).toContain('x y');
  });

  it('multivalue encoding parses back for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (vals) => {
        const enc = vals.map((v) => `$${v.replace(/\$/g, '$$$$')}$`).join(';');
        expect(parseMultivalue(enc)).toEqual(vals);
      }),
    );
  });

  it('results files read back exactly what was written, for any values (quotes, commas, line breaks, $, multivalue)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-results-prop-'));
    const value = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.array(fc.string({ unit: 'grapheme', maxLength: 10 }), { minLength: 1, maxLength: 4 }));
    const row = fc.record({ host: value, user: value, _time: fc.string({ maxLength: 12 }) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), async (rows) => {
        const file = join(dir, `r${n++}.csv.gz`);
        writeResultsFile(file, rows);
        const back = [];
        for await (const r of readResults(file)) back.push(r);
        expect(back).toEqual(rows);
      }),
      { numRuns: 60 },
    );
  });

  it('replies: the documented shapes parse; anything else is not a reply', () => {
    expect(parseReply('{"code":-1,"message":"m","timestamp":"2022-09-29T14:14:20.435","data":{"description":"d","explanation":"e","transactionId":"T","messageId":"M"}}')).toMatchObject({ code: -1, data: { transactionId: 'T' } });
    expect(parseReply('{"code":"0","data":null}')).toMatchObject({ code: 0 });
    expect(parseReply('<html>502</html>')).toBeUndefined();
    expect(parseReply('{"status":"ok"}')).toBeUndefined();
  });
});
