import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import type { RunningMailInput } from '../../src/mail/input.js';
import { mails, message, post, ScriptedSink, sleep, startTestInput, TOKEN } from './helpers.js';

const running: RunningMailInput[] = [];
async function start(...args: Parameters<typeof startTestInput>) {
  const r = await startTestInput(...args);
  running.push(r);
  return r;
}
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('mail receiver: a connector posting', () => {
  it('accepts 10 messages a call with pauses, and users, answering after delivery', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const owner = 'ivan@example.ru';
    let n = 0;
    for (let call = 0; call < 5; call++) {
      const batch = Array.from({ length: 10 }, () => message(n++));
      const res = await post(`${url}/api/mails`, mails(owner, batch));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ accepted: 10, dropped: 0 });
      // 2xx only after the sink has the events: they are there when the answer arrives.
      expect(sink.delivered).toHaveLength((call + 1) * 10);
      await sleep(20 + call * 5); // the connector pauses between calls
    }
    const internal = sink.delivered.map((e) => (e.event as Record<string, unknown>).internal_message_id);
    expect(internal).toEqual(Array.from({ length: 50 }, (_, i) => `AAMk-${i}`));
    expect(sink.delivered.every((e) => e.sourcetype === 'mail:message' && e.source === 'mail_metadata://test')).toBe(true);

    const users = await post(`${url}/api/users`, { users: [{ id: 'g1', loginEmail: 'ivan@example.ru', firstName: 'Иван', lastName: 'Петров', identities: null }] });
    expect(users.status).toBe(200);
    expect(sink.delivered.at(-1)).toMatchObject({ sourcetype: 'mail:user', event: { first: 'Иван', last: 'Петров', email: 'ivan@example.ru' } });
  });

  it('takes a large gzip batch (500 messages) and keeps Cyrillic intact', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const batch = Array.from({ length: 500 }, (_, i) => message(i));
    const res = await post(`${url}/api/mails`, mails('Мария@пример.рф', batch), { gzip: true });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(500);
    expect(new Set(sink.delivered.map((e) => e.id)).size).toBe(500);
    const first = sink.delivered[0]!.event as Record<string, unknown>;
    expect(first.subject).toBe('Отчёт №0 — квартал');
    expect(first.owner).toBe('Мария@пример.рф');
    expect(first.src_user_name).toBe('Иван Петров');
  });

  it('accepts null and empty optional fields as the specification allows', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const sparse = {
      id: null, sentAt: '2024-01-01T00:00:00Z', receivedAt: null, from: { displayName: null, address: 'x@y.z' },
      to: null, cc: [], bcc: null, importance: null, threadId: '', subject: null, body: null, headers: null,
      isFlagged: null, isSent: false, isAutomatic: null,
    };
    const res = await post(`${url}/api/mails`, mails('o@y.z', [sparse, { sentAt: '2024-01-01T00:00:01Z', isSent: true }]));
    expect(res.status).toBe(200);
    expect(sink.delivered).toHaveLength(2);
    expect(sink.delivered[0]!.event).toMatchObject({ recipient: [], recipient_count: 0, is_sent: false });
    expect(sink.delivered[0]!.event).not.toHaveProperty('subject');
  });

  it('gives a retried request the same event ids (idempotent), across two receivers', async () => {
    const a = new ScriptedSink();
    const b = new ScriptedSink();
    const ra = await start(a);
    const rb = await start(b);
    const body = mails('o@x.com', [message(1), message(2, { id: null }), message(3, { id: null, subject: 'other' })]);
    expect((await post(`${ra.url}/api/mails`, body)).status).toBe(200);
    expect((await post(`${rb.url}/api/mails`, body)).status).toBe(200);
    expect(b.delivered.map((e) => e.id)).toEqual(a.delivered.map((e) => e.id));
    expect(new Set(a.delivered.map((e) => e.id)).size).toBe(3);
  });
});

describe('mail receiver: refusals', () => {
  it('refuses a wrong or missing static token with 401 and a reason', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const body = mails('o@x.com', [message(1)]);
    const wrong = await post(`${url}/api/mails`, body, { token: `${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toMatch(/not the configured one/);
    expect(JSON.stringify(wrong.json)).not.toContain(TOKEN);
    const none = await post(`${url}/api/mails`, body, { token: null });
    expect(none.status).toBe(401);
    expect(none.json.message).toMatch(/no Authorization header/);
    expect(sink.delivered).toHaveLength(0);
  });

  it('answers 413 over the size limit, declared or after gunzip, and forwards nothing', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink, { max_request_size_mb: 0.05 }); // 52 428 bytes
    const big = mails('o@x.com', Array.from({ length: 200 }, (_, i) => message(i)));
    const declared = await post(`${url}/api/mails`, big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe('MAIL_REQUEST_TOO_LARGE');
    // a gzip bomb: small on the wire, large once inflated
    const bomb = JSON.stringify(mails('o@x.com', [message(1, { subject: 'a'.repeat(200_000) })]));
    expect(gzipSync(bomb).length).toBeLessThan(52_428);
    const inflated = await post(`${url}/api/mails`, null, { raw: bomb, gzip: true });
    expect(inflated.status).toBe(413);
    expect(sink.delivered).toHaveLength(0);
    // the receiver still serves after refusing
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(1)]))).status).toBe(200);
  });

  it('answers 415 for a wrong content type or encoding, 400 for malformed JSON', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const body = mails('o@x.com', [message(1)]);
    expect((await post(`${url}/api/mails`, body, { contentType: 'text/plain' })).status).toBe(415);
    expect((await post(`${url}/api/mails`, body, { headers: { 'content-encoding': 'br' } })).status).toBe(415);
    const bad = await post(`${url}/api/mails`, null, { raw: '{"ownerIdentity": {"value": "o@x.com"}, "mailMessages": [' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/not valid JSON/);
    const badGzip = await post(`${url}/api/mails`, null, { raw: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } });
    expect(badGzip.status).toBe(400);
    expect(sink.delivered).toHaveLength(0);
  });

  it('answers 400 naming every bad field by path, and forwards nothing of that request', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const batch = Array.from({ length: 10 }, (_, i) => message(i));
    batch[3] = { ...batch[3], sentAt: '08.12.2018' };
    batch[7] = { ...batch[7], isSent: undefined, importance: 'urgent' };
    const res = await post(`${url}/api/mails`, mails('o@x.com', batch));
    expect(res.status).toBe(400);
    const paths = (res.json.issues as Array<{ path: string }>).map((i) => i.path).sort();
    expect(paths).toEqual(['mailMessages[3].sentAt', 'mailMessages[7].importance', 'mailMessages[7].isSent']);
    expect(sink.delivered).toHaveLength(0);
    const users = await post(`${url}/api/users`, { users: [{ id: '1', loginEmail: '' }] });
    expect(users.status).toBe(400);
    expect((users.json.issues as Array<{ path: string }>).map((i) => i.path)).toEqual(['users[0].loginEmail']);
  });

  it('logs every 401/413/415 refusal with the client and the reason, never the token', async () => {
    const lines: string[] = [];
    const { url } = await start(new ScriptedSink(), { max_request_size_mb: 0.001 }, TOKEN, '/tmp', createLogger({ write: (l) => lines.push(l) }));
    expect((await post(`${url}/api/mails`, {}, { token: 'wrong-token-value' })).status).toBe(401);
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(1), message(2)]))).status).toBe(413);
    expect((await post(`${url}/api/users`, {}, { contentType: 'text/plain' })).status).toBe(415);
    const refusals = lines.filter((l) => l.startsWith('WARN') && l.includes('refused 127.0.0.1 POST'));
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatch(/\/api\/mails with 401: the bearer token is not the configured one/);
    expect(refusals[1]).toMatch(/with 413: .*max_request_size_mb/);
    expect(refusals[2]).toMatch(/\/api\/users with 415: Content-Type "text\/plain"/);
    expect(lines.join('')).not.toContain('wrong-token-value');
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    const { url } = await start(new ScriptedSink());
    expect((await post(`${url}/api/other`, {})).status).toBe(404);
    const get = await request(`${url}/api/mails`, { method: 'GET' });
    await get.body.text();
    expect(get.statusCode).toBe(405);
  });
});

describe('mail receiver: Expect: 100-continue (.NET clients)', () => {
  /** Posts with Expect: 100-continue and sends the body only if the server says 100. */
  function postExpecting(url: string, body: string, token: string, contentLength = Buffer.byteLength(body)) {
    return new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = httpRequest(`${url}/api/mails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, expect: '100-continue', 'content-length': contentLength },
      });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  }

  it('asks for the body only when the request can be accepted', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink, { max_request_size_mb: 0.01 });
    const body = JSON.stringify(mails('o@x.com', [message(1)]));
    expect(await postExpecting(url, body, TOKEN)).toEqual({ status: 200, continued: true });
    expect(await postExpecting(url, body, 'wrong')).toEqual({ status: 401, continued: false });
    expect(await postExpecting(url, body, TOKEN, 50_000)).toEqual({ status: 413, continued: false });
    expect(sink.delivered).toHaveLength(1);
  });
});

describe('mail receiver: owner allow and deny lists (connector whitelist.json / blacklist.json)', () => {
  it('counts and drops messages of owners that are not allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-lists-'));
    const white = join(dir, 'whitelist.json');
    const black = join(dir, 'blacklist.json');
    writeFileSync(white, '\ufeff["Allowed@x.com", "both@x.com"]');
    writeFileSync(black, '["both@x.com"]');
    const sink = new ScriptedSink();
    const { url } = await start(sink, { whitelist_file: white, blacklist_file: black });
    const ok = await post(`${url}/api/mails`, mails('allowed@X.com', [message(1), message(2)]));
    expect(ok.json).toMatchObject({ accepted: 2, dropped: 0 });
    const other = await post(`${url}/api/mails`, mails('someone@x.com', [message(3)]));
    expect(other.status).toBe(200);
    expect(other.json).toMatchObject({ accepted: 0, dropped: 1 });
    const denied = await post(`${url}/api/mails`, mails('both@x.com', [message(4)]));
    expect(denied.json).toMatchObject({ accepted: 0, dropped: 1 });
    expect(sink.delivered.map((e) => (e.event as Record<string, unknown>).owner)).toEqual(['allowed@X.com', 'allowed@X.com']);
  });

  it('refuses to start with a list file that is not a JSON array, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-lists-'));
    const white = join(dir, 'whitelist.json');
    writeFileSync(white, '{"a": 1}');
    await expect(startTestInput(new ScriptedSink(), { whitelist_file: white })).rejects.toThrow(/whitelist\.json must be a JSON array/);
  });

  it('names the input in a settings error (a service file holds several)', async () => {
    await expect(startTestInput(new ScriptedSink(), { listen_host: '0.0.0.0' })).rejects.toThrow(/^mail input test: listen_host 0\.0\.0\.0 is not loopback/);
    await expect(startTestInput(new ScriptedSink(), { whitelist_file: '/nonexistent/whitelist.json' })).rejects.toThrow(/^mail input test: whitelist_file \/nonexistent/);
  });
});

describe('mail receiver: back-pressure', () => {
  it('answers 503 with Retry-After when delivery fails, then accepts again', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink, { retry_after: 1 });
    sink.mode = 'fail';
    const res = await post(`${url}/api/mails`, mails('o@x.com', [message(1)]));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    // during Retry-After, refused at once without touching the sink
    sink.mode = 'ok';
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(2)]))).status).toBe(503);
    expect(sink.delivered).toHaveLength(0);
    for (let i = 0; i < 50; i++) {
      const again = await post(`${url}/api/mails`, mails('o@x.com', [message(1)]));
      if (again.status === 200) break;
      expect(again.status).toBe(503);
      await sleep(100);
    }
    expect(sink.delivered.map((e) => (e.event as Record<string, unknown>).internal_message_id)).toEqual(['AAMk-1']);
  });

  it('answers /health 503 with Retry-After (the time left) while delivery is failing', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink, { retry_after: 30 });
    const health = async () => {
      const r = await request(`${url}/health`);
      return { status: r.statusCode, retryAfter: r.headers['retry-after'], json: (await r.body.json()) as Record<string, unknown> };
    };
    expect(await health()).toMatchObject({ status: 200, retryAfter: undefined, json: { status: 'ok' } });
    sink.mode = 'fail';
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(1)]))).status).toBe(503);
    const down = await health();
    expect(down.status).toBe(503);
    expect(Number(down.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(down.retryAfter)).toBeLessThanOrEqual(30);
  });

  it('never holds more than max_concurrent_requests requests, however many arrive', async () => {
    const sink = new ScriptedSink();
    const { url, receiver } = await start(sink, { max_concurrent_requests: 3, delivery_timeout: 60 });
    sink.mode = 'hang';
    let answered = 0;
    const pending = Array.from({ length: 20 }, (_, i) => post(`${url}/api/mails`, mails('o@x.com', [message(i)])).finally(() => answered++));
    for (let i = 0; i < 3_000 && answered < 17; i++) await sleep(10); // bounded by count: a loaded machine may be slow
    expect(answered).toBe(17); // the other 3 wait for HEC
    expect(receiver!.stats().inFlight).toBe(3);
    sink.mode = 'ok';
    sink.release();
    const all = await Promise.all(pending);
    expect(all.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = all.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 503 && r.headers['retry-after'] !== undefined)).toBe(true);
    expect(sink.delivered).toHaveLength(3);
  });

  it('holds a slot until a slow delivery settles: a full receiver answers 503 at once', async () => {
    const sink = new ScriptedSink();
    const { url, receiver } = await start(sink, { max_concurrent_requests: 1, delivery_timeout: 0.2, retry_after: 0 });
    sink.mode = 'hang';
    const slow = await post(`${url}/api/mails`, mails('o@x.com', [message(1)]));
    expect(slow.status).toBe(503); // the deadline passed
    expect(receiver!.stats().inFlight).toBe(1); // … but the events are still with the sink
    const full = await post(`${url}/api/mails`, mails('o@x.com', [message(2)]));
    expect(full.status).toBe(503);
    expect(full.json.message).toMatch(/capacity/);
    sink.mode = 'ok';
    sink.release();
    for (let i = 0; i < 50 && receiver!.stats().inFlight > 0; i++) await sleep(10);
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(2)]))).status).toBe(200);
  });
});
