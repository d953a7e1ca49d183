import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { SplunkEvent } from '../../src/core/event.js';
import type { RunningMailInput } from '../../src/mail/input.js';
import { MAX_JSON_DEPTH } from '../../src/mail/json-guard.js';
import { mails, message, post, ScriptedSink, sleep, startTestInput, TOKEN } from './helpers.js';

/** Hostile and heavy input against a real receiver on 127.0.0.1 (issue: bounded parse, slow clients, budget, UTF-8). */
const running: RunningMailInput[] = [];
const sockets: Socket[] = [];
const children: ChildProcess[] = [];
async function start(...args: Parameters<typeof startTestInput>) {
  const r = await startTestInput(...args);
  running.push(r);
  return r;
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of children.splice(0)) c.kill();
  for (const r of running.splice(0)) await r.stop();
});

/** `{"ownerIdentity":…,"ignored":[[[[…]]]],"mailMessages":[]}` of about `bytes` bytes: the nesting hides in a field nobody reads. */
function deepBody(bytes: number): Buffer {
  const half = Math.floor(bytes / 2);
  return Buffer.concat([Buffer.from('{"ownerIdentity":{"value":"o@x.com"},"ignored":'), Buffer.alloc(half, '['), Buffer.alloc(half, ']'), Buffer.from(',"mailMessages":[]}')]);
}

/** `{"ownerIdentity":…,"mailMessages":[],"ignored":[[],[],…]}`: shallow, but ~20x its size once parsed. */
function wideBody(bytes: number): Buffer {
  return Buffer.concat([Buffer.from('{"ownerIdentity":{"value":"o@x.com"},"mailMessages":[],"ignored":['), Buffer.from('[],'.repeat(Math.floor(bytes / 3))), Buffer.from('[]]}')]);
}

/** Opens a connection and sends a POST's headers (valid token) and `bodyPart` of a declared `length`, then stalls. */
function stall(url: string, length: number, bodyPart = ''): Promise<{ socket: Socket; answer: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST /api/mails HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${bodyPart}`);
      let text = '';
      const answer = new Promise<string>((done) => {
        socket.on('data', (d) => (text += d.toString('utf8')));
        socket.on('close', () => done(text));
        socket.on('error', () => done(text));
      });
      resolve({ socket, answer });
    });
    socket.on('error', reject);
    sockets.push(socket);
  });
}

describe('bounded parse: nesting is refused before JSON.parse builds anything', () => {
  it(`answers 400 MAIL_JSON_TOO_DEEP naming the limit (${MAX_JSON_DEPTH}) and where, and accepts the limit itself`, async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const at = (n: number) => `{"ownerIdentity":{"value":"o@x.com"},"mailMessages":[${JSON.stringify(message(1)).replace(/}$/, `,"extra":${nest(n)}}`)}]}`;
    const ok = await post(`${url}/api/mails`, null, { raw: at(MAX_JSON_DEPTH - 3) }); // 3 levels above: body, mailMessages, message
    expect(ok.status).toBe(200);
    const deep = await post(`${url}/api/mails`, null, { raw: at(MAX_JSON_DEPTH - 2) });
    expect(deep.status).toBe(400);
    expect(deep.json.error).toBe('MAIL_JSON_TOO_DEEP');
    expect(String(deep.json.message)).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
    expect((deep.json.issues as Array<{ path: string }>)[0]!.path).toMatch(/^mailMessages\[0\]\.extra\[0\]/);
    // brackets inside strings are text, not nesting
    const inString = await post(`${url}/api/mails`, mails('o@x.com', [message(2, { subject: `${'['.repeat(500)} "quoted" \\ ${'{'.repeat(500)}` })]));
    expect(inString.status).toBe(200);
    expect(sink.delivered).toHaveLength(2);
  });

  it('keeps a child receiver\'s peak RSS bounded while 8 clients post 8 MB of nesting or of tiny arrays at once, and serves a normal client meanwhile', async () => {
    const child = fork(fileURLToPath(new URL('./support/receiver-child.ts', import.meta.url)), [JSON.stringify({ max_in_flight_mb: 128 })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const first = await new Promise<{ url: string; peakRssBytes: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; peakRssBytes: number }));
      child.once('exit', (code) => reject(new Error(`receiver child exited with ${code}`)));
    });
    const url = `${first.url}/api/mails`;
    const deep = deepBody(8 * 1024 * 1024);
    const wide = wideBody(8 * 1024 * 1024);
    let floodDone = false;
    const flood = Promise.all(Array.from({ length: 8 }, (_, i) => post(url, null, { raw: i % 2 === 0 ? deep : wide }))).finally(() => (floodDone = true));
    const normal: number[] = [];
    let servedDuringFlood = 0;
    for (let i = 0; i < 400 && (!floodDone || normal.length < 3); i++) {
      const res = await post(url, mails('o@x.com', [message(i)]));
      normal.push(res.status);
      if (!floodDone) servedDuringFlood++;
    }
    const answers = await flood;
    expect(answers.map((a) => a.status)).toEqual([400, 413, 400, 413, 400, 413, 400, 413]);
    expect(answers.map((a) => a.json.error)).toEqual(Array(4).fill(['MAIL_JSON_TOO_DEEP', 'MAIL_REQUEST_TOO_LARGE']).flat());
    expect(String(answers[1]!.json.message)).toMatch(/once parsed \(2796\d{3} arrays\/objects/);
    expect(normal.every((s) => s === 200)).toBe(true);
    expect(servedDuringFlood).toBeGreaterThan(0);
    const peak = await new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { peakRssBytes: number }).peakRssBytes));
      child.send('rss');
    });
    // 8 bodies of 8 MB are 64 MB of bytes; before the checks JSON.parse took ~540 MB for each
    // deep one and ~180 MB for each wide one.
    const growthMb = (peak - first.peakRssBytes) / 2 ** 20;
    expect(growthMb, `peak RSS grew by ${growthMb.toFixed(0)} MB`).toBeLessThan(300);
  }, 120_000);
});

describe('slow clients cannot lock the door', () => {
  it('a client that sends headers and stalls holds no slot: 8 of them with max_concurrent_requests 8 do not block a ninth', async () => {
    const sink = new ScriptedSink();
    const { url, receiver } = await start(sink, { max_concurrent_requests: 8, body_timeout: 30 });
    await Promise.all(Array.from({ length: 8 }, () => stall(url, 5000)));
    await sleep(50);
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(1)]))).status).toBe(200);
    expect(receiver!.stats().inFlight).toBe(0);
  });

  it('answers 408 MAIL_BODY_TIMEOUT to clients stalled mid-body, frees their slots and bytes, and serves the rest', async () => {
    const sink = new ScriptedSink();
    const { url, receiver } = await start(sink, { max_concurrent_requests: 8, body_timeout: 1 });
    const stalled = await Promise.all(Array.from({ length: 8 }, () => stall(url, 5000, '{"ownerIdentity":')));
    for (let i = 0; i < 200 && receiver!.stats().inFlight < 8; i++) await sleep(10);
    expect(receiver!.stats().inFlight).toBe(8);
    // while they hold every slot, a ninth is told to come back, not left waiting
    const during = await post(`${url}/api/mails`, mails('o@x.com', [message(1)]));
    expect(during.status).toBe(503);
    expect(during.json.error).toBe('MAIL_AT_CAPACITY');
    expect(during.headers['retry-after']).toBeDefined();
    const texts = await Promise.all(stalled.map((s) => s.answer)); // the receiver closes each connection
    for (const t of texts) {
      expect(t).toMatch(/^HTTP\/1\.1 408 /);
      expect(t).toContain('MAIL_BODY_TIMEOUT');
      expect(t).toContain('body_timeout');
    }
    expect(receiver!.stats()).toMatchObject({ inFlight: 0, inFlightBytes: 0 });
    expect((await post(`${url}/api/mails`, mails('o@x.com', [message(2)]))).status).toBe(200);
  }, 30_000);
});

/** A sink whose deliveries for one owner hang (a batch whose ack does not come) while the rest go through. */
class OneSlowOwnerSink extends ScriptedSink {
  readonly #held: Array<() => void> = [];
  override async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    if ((events[0]?.event as Record<string, unknown>).owner === 'slow@x.com') await new Promise<void>((r) => this.#held.push(r));
    this.delivered.push(...events);
  }
  releaseSlow(): void {
    for (const r of this.#held.splice(0)) r();
  }
}

describe('a memory budget, not a small request count', () => {
  it('lets requests awaiting their ack hold only their bytes: 20 of them do not block an unrelated request', async () => {
    const sink = new OneSlowOwnerSink();
    const { url, receiver } = await start(sink, { delivery_timeout: 60 });
    const slow = Array.from({ length: 20 }, (_, i) => post(`${url}/api/mails`, mails('slow@x.com', [message(i)])));
    for (let i = 0; i < 500 && receiver!.stats().inFlight < 20; i++) await sleep(10);
    expect(receiver!.stats().inFlight).toBe(20);
    expect(receiver!.stats().inFlightBytes).toBeGreaterThan(0);
    const other = await post(`${url}/api/mails`, mails('fast@x.com', [message(100)]));
    expect(other.status).toBe(200);
    sink.releaseSlow();
    expect((await Promise.all(slow)).every((r) => r.status === 200)).toBe(true);
    expect(receiver!.stats()).toMatchObject({ inFlight: 0, inFlightBytes: 0 });
  });

  it('answers 503 MAIL_AT_CAPACITY with Retry-After when the bytes held would pass max_in_flight_mb, and accepts again once they are delivered', async () => {
    const sink = new OneSlowOwnerSink();
    // A 40-message request is ~20 kB of text and is charged ~75 kB (its text plus what the parse builds): two fit in 0.2 MB, three do not.
    const { url, receiver } = await start(sink, { max_in_flight_mb: 0.2, max_request_size_mb: 0.05, delivery_timeout: 60 });
    const batch = (owner: string, from: number) => mails(owner, Array.from({ length: 40 }, (_, i) => message(from + i)));
    expect(JSON.stringify(batch('slow@x.com', 0)).length).toBeGreaterThan(15_000);
    const held = [post(`${url}/api/mails`, batch('slow@x.com', 0)), post(`${url}/api/mails`, batch('slow@x.com', 100))];
    for (let i = 0; i < 500 && receiver!.stats().inFlight < 2; i++) await sleep(10);
    const held2 = receiver!.stats().inFlightBytes;
    expect(held2).toBeLessThanOrEqual(0.2 * 2 ** 20);
    expect(held2 * 1.5).toBeGreaterThan(0.2 * 2 ** 20);
    const refused = await post(`${url}/api/mails`, batch('fast@x.com', 200));
    expect(refused.status).toBe(503);
    expect(refused.json.error).toBe('MAIL_AT_CAPACITY');
    expect(String(refused.json.message)).toContain('max_in_flight_mb');
    expect(refused.headers['retry-after']).toBeDefined();
    sink.releaseSlow();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await post(`${url}/api/mails`, batch('fast@x.com', 300))).status).toBe(200);
  });

  it('refuses to start with a budget smaller than one request', async () => {
    await expect(startTestInput(new ScriptedSink(), { max_in_flight_mb: 5, max_request_size_mb: 10 })).rejects.toThrow(/max_in_flight_mb \(5\) is smaller than max_request_size_mb \(10\)/);
  });
});

describe('invalid UTF-8 and lone surrogates', () => {
  it('answers 400 MAIL_INVALID_UTF8 naming the field path and byte offset, and forwards nothing', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const text = JSON.stringify(mails('o@x.com', [message(0), message(1, { subject: 'Отчёт BAD' })]));
    const raw = Buffer.from(text, 'utf8');
    const offset = raw.indexOf(Buffer.from('BAD'));
    raw[offset] = 0xff; // never valid in UTF-8
    const res = await post(`${url}/api/mails`, null, { raw });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('MAIL_INVALID_UTF8');
    expect(res.json.message).toContain(`at byte ${offset}, in mailMessages[1].subject`);
    expect(res.json.issues).toEqual([{ path: 'mailMessages[1].subject', message: `invalid UTF-8 at byte ${offset}` }]);
    // a truncated Cyrillic letter (first byte of two) in the owner
    const cut = Buffer.concat([Buffer.from('{"ownerIdentity":{"value":"'), Buffer.from([0xd0]), Buffer.from('"},"mailMessages":[]}')]);
    const res2 = await post(`${url}/api/mails`, null, { raw: cut });
    expect(res2.json).toMatchObject({ error: 'MAIL_INVALID_UTF8', issues: [{ path: 'ownerIdentity.value' }] });
    expect(sink.delivered).toHaveLength(0);
  });

  it('answers 400 for a lone surrogate escape, also gzipped; a proper pair and an escaped backslash pass', async () => {
    const sink = new ScriptedSink();
    const { url } = await start(sink);
    const lone = JSON.stringify(mails('o@x.com', [message(0, { subject: 'x' })])).replace('"subject":"x"', '"subject":"x\\ud83d!"');
    const res = await post(`${url}/api/mails`, null, { raw: lone, gzip: true });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('MAIL_INVALID_UTF8');
    expect((res.json.issues as Array<{ path: string }>)[0]!.path).toBe('mailMessages[0].subject');
    const pair = JSON.stringify(mails('o@x.com', [message(1, { subject: 'x' })])).replace('"subject":"x"', '"subject":"\\ud83d\\udcce \\\\ud800"');
    expect((await post(`${url}/api/mails`, null, { raw: pair })).status).toBe(200);
    expect((sink.delivered[0]!.event as Record<string, unknown>).subject).toBe('📎 \\ud800');
  });
});
