import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { mailInputSchema } from '../../src/mail/config.js';
import { MAX_EVENT_BYTES } from '../../src/mail/event-size.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import type { RunningMailInput } from '../../src/mail/input.js';
import { EventTooLargeError } from '../../src/mail/errors.js';
import { mails, message, post, ScriptedSink, startTestInput } from './helpers.js';

const running: RunningMailInput[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

function tooLarge(overrides: Record<string, unknown>, settings: Record<string, unknown> = {}): EventTooLargeError {
  const config = mailInputSchema.parse({ auth_mode: 'static', ...settings });
  try {
    ingest('mails', mails('o@x.com', [message(0), message(1, overrides)]), ingestOptions(config, 't'), 0);
  } catch (err) {
    if (err instanceof EventTooLargeError) return err;
    throw err;
  }
  throw new Error('no EventTooLargeError');
}

describe('MAIL_EVENT_TOO_LARGE says what made the event large and what to do', () => {
  it('is the limit Splunk applies: TRUNCATE of [mail:message] in the app\'s props.conf', () => {
    const props = readFileSync(fileURLToPath(new URL('../../splunk_app/TA-ser-mail/default/props.conf', import.meta.url)), 'utf8');
    const stanza = props.split(/^\[/m).find((s) => s.startsWith('mail:message]'))!;
    expect(Number(/^TRUNCATE\s*=\s*(\d+)/m.exec(stanza)?.[1])).toBe(MAX_EVENT_BYTES);
  });

  it('a kept body: names the body and body_policy', () => {
    const err = tooLarge({ body: { contentType: 'text', content: 'x'.repeat(1_100_000) } }, { body_policy: 'keep' });
    expect(err.code).toBe('MAIL_EVENT_TOO_LARGE');
    expect(err.message).toMatch(/^message mailMessages\[1\] makes an event of 1\.\d MB, .*most of it is the body \(body 1\.\d MB.*\): set body_policy = drop, sha256 or truncate/);
    expect(err.issues).toEqual([{ path: 'mailMessages[1]', message: err.message }]);
    // the same message under the default policy is fine
    const config = mailInputSchema.parse({ auth_mode: 'static' });
    expect(ingest('mails', mails('o@x.com', [message(1, { body: { contentType: 'text', content: 'x'.repeat(1_100_000) } })]), ingestOptions(config, 't'), 0).events).toHaveLength(1);
  });

  it('an allow-listed header: names the headers and header_allow_list', () => {
    const err = tooLarge({ headers: [{ name: 'X-Trace', value: 'y'.repeat(1_050_000) }] }, { header_allow_list: 'X-Trace' });
    expect(err.message).toMatch(/most of it is the headers \(headers 1\.\d MB.*\): take the large headers out of header_allow_list/);
  });

  it('a message to thousands of recipients: names the recipients and their count, and says it cannot be made smaller', () => {
    const to = Array.from({ length: 12_000 }, (_, i) => ({ displayName: `Получатель номер ${i}`, address: `recipient.number.${i}@department-${i % 50}.example.com` }));
    const err = tooLarge({ to });
    expect(err.message).toMatch(/most of it is the recipients \(recipients \(12000\) \d+\.\d MB/);
    expect(err.message).toContain('cannot be forwarded as one event');
  });
});

describe('reply error codes are one style: MAIL_*', () => {
  it('every refusal carries error = MAIL_<WORDS> and a message', async () => {
    const r = await startTestInput(new ScriptedSink(), { max_request_size_mb: 0.01 });
    running.push(r);
    const url = r.url;
    const answers = [
      await post(`${url}/api/mails`, mails('o@x.com', [message(1)]), { token: 'wrong' }), // 401
      await post(`${url}/api/elsewhere`, {}), // 404
      await post(`${url}/api/mails`, null, { raw: '{' }), // 400 JSON
      await post(`${url}/api/mails`, { mailMessages: 3 }), // 400 fields
      await post(`${url}/api/mails`, mails('o@x.com', Array.from({ length: 40 }, (_, i) => message(i)))), // 413
      await post(`${url}/api/mails`, {}, { contentType: 'text/plain' }), // 415
    ];
    const get = await request(`${url}/api/mails`);
    answers.push({ status: get.statusCode, headers: get.headers, json: (await get.body.json()) as Record<string, unknown> }); // 405
    expect(answers.map((a) => a.status)).toEqual([401, 404, 400, 400, 413, 415, 405]);
    for (const a of answers) {
      expect(a.json.error).toMatch(/^MAIL_[A-Z0-9_]+$/);
      expect(typeof a.json.message).toBe('string');
    }
  });
});
