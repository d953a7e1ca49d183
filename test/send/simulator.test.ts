import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { REPLY_TEXT, type SendSimulator } from '../../src/sim/send.js';
import { MAILBOX_SECRET, startSim, testPki } from './fixtures.js';

/** The simulator is what the other tests trust: it must refuse what the specification refuses. */
describe('send-service simulator validates like the specification', () => {
  let sim: SendSimulator;
  let enc: SendSimulator;
  let agent: Agent;
  beforeAll(async () => {
    const p = testPki();
    [sim, enc] = await Promise.all([startSim({ onRepeat: 'refuse' }), startSim({ encrypt: true })]);
    agent = new Agent({ connect: { ca: p.ca, cert: p.clientCert, key: p.clientKey, passphrase: p.clientKeyPassphrase } });
  });
  afterAll(async () => {
    await agent.close();
    await Promise.all([sim.close(), enc.close()]);
  });

  const good = () => ({ to: ['soc.team@example.com'], cc: [], bodyType: 'text/plain', importance: 'high', subject: 's', messageId: `m-${Math.random()}`, secret: MAILBOX_SECRET, body: 'b' });
  const headers = { 'content-type': 'application/json;charset=UTF-8', 'email-from': 'alerts@example.com' };

  async function post(s: SendSimulator, body: unknown, h: Record<string, string> = headers, path = '/send') {
    const res = await request(`https://127.0.0.1:${s.port}${path}`, { method: 'POST', headers: h, body: typeof body === 'string' ? body : JSON.stringify(body), dispatcher: agent });
    return { status: res.statusCode, reply: (await res.body.json()) as { code: number; message: string; data: { explanation: string; transactionId: string; messageId: string | null } } };
  }

  it('accepts a request as specified; importance may be left out (normal)', async () => {
    const { importance: _omit, ...body } = good();
    const r = await post(sim, body);
    expect(r).toMatchObject({ status: 200, reply: { code: 0, data: { messageId: body.messageId } } });
    expect(sim.delivered().find((d) => d.messageId === body.messageId)?.importance).toBe('normal');
  });

  const { secret: _s, ...noSecret } = good();
  const { cc: _c, ...noCc } = good();
  const { to: _t, ...noTo } = good();
  const { body: _b, ...noBody } = good();
  it.each([
    ['Content-Type', good(), { ...headers, 'content-type': 'application/json' }],
    ['Email-From', good(), { 'content-type': headers['content-type'] }],
    ['Email-From', good(), { ...headers, 'email-from': 'ab@example.com' }],
    ['Email-From', good(), { ...headers, 'email-from': 'other.box@example.com' }],
    ['secret', noSecret, headers],
    ['secret', { ...good(), secret: 'wrong' }, headers],
    ['to', noTo, headers],
    ['to', { ...good(), to: [] }, headers],
    ['to', { ...good(), to: ['ab@example.com'] }, headers],
    ['cc', noCc, headers],
    ['cc', { ...good(), cc: ['not-an-address'] }, headers],
    ['body', noBody, headers],
    ['bodyType', { ...good(), bodyType: 'text/markdown' }, headers],
    ['importance', { ...good(), importance: 'urgent' }, headers],
    ['messageId', { ...good(), messageId: '' }, headers],
  ] as Array<[string, Record<string, unknown>, Record<string, string>]>)('refuses a bad %s with -1 naming it', async (field, body, h) => {
    const before = sim.delivered().length;
    const r = await post(sim, body, h);
    expect(r.status).toBe(400);
    expect(r.reply.code).toBe(-1);
    expect(r.reply.data.explanation.startsWith(`${field}:`)).toBe(true);
    expect(sim.delivered()).toHaveLength(before);
  });

  it('refuses what is not JSON, and other paths', async () => {
    expect((await post(sim, '{not json')).reply).toMatchObject({ code: -1 });
    expect(await post(sim, good(), headers, '/other')).toMatchObject({ status: 404, reply: { code: -1 } });
  });

  it('an encrypted mailbox needs messageKey and messageVector that decrypt', async () => {
    const r1 = await post(enc, good());
    expect(r1.reply).toMatchObject({ code: -1 });
    expect(r1.reply.data.explanation).toMatch(/^messageKey:/);
    const r2 = await post(enc, { ...good(), messageKey: Buffer.alloc(256).toString('base64'), messageVector: Buffer.alloc(12).toString('base64') });
    expect(r2.reply.data.explanation).toMatch(/^messageKey: Ошибка расшифровки/);
    expect(enc.delivered()).toHaveLength(0);
  });

  it('detects a repeated messageId (here: configured to refuse it) and never delivers twice', async () => {
    const body = good();
    expect((await post(sim, body)).reply.code).toBe(0);
    expect((await post(sim, body)).reply).toMatchObject({ code: -1, message: REPLY_TEXT.error, data: { explanation: REPLY_TEXT.repeated } });
    expect(sim.repeats()).toContain(body.messageId);
    expect(sim.delivered().filter((d) => d.messageId === body.messageId)).toHaveLength(1);
  });

  it('a client without a certificate never gets a request through', async () => {
    const bare = new Agent({ connect: { ca: testPki().ca } });
    const before = sim.requests().length;
    await expect(request(`https://127.0.0.1:${sim.port}/send`, { method: 'POST', headers, body: JSON.stringify(good()), dispatcher: bare })).rejects.toThrow();
    await bare.close();
    expect(sim.requests()).toHaveLength(before);
    expect(sim.tlsFailures()).toBeGreaterThan(0);
  });
});
