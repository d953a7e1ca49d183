import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';

let pki: Pki;
let sim: SplunkdSimulator;
let dispatcher: Agent;

beforeAll(async () => {
  pki = createPki();
  sim = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  dispatcher = new Agent({ connect: { ca: pki.ca } });
});
afterAll(async () => {
  await dispatcher.close();
  await sim.close();
});

async function call(method: string, path: string, body?: string | object, auth = true) {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Splunk ${sim.sessionKey}`;
  let payload: string | undefined;
  if (typeof body === 'string') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = body;
  } else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await request(`${sim.url}${path}`, { method: method as 'GET', headers, body: payload, dispatcher });
  const text = await r.body.text();
  return { status: r.statusCode, json: text ? (JSON.parse(text) as any) : null };
}

describe('splunkd simulator', () => {
  it('refuses calls without the session key and records them', async () => {
    const r = await call('GET', '/services/storage/passwords?output_mode=json', undefined, false);
    expect(r.status).toBe(401);
    expect(r.json.messages[0].type).toBe('ERROR');
    expect(sim.calls().at(-1)).toMatchObject({ authorized: false, status: 401 });
  });

  it('creates, reads, updates and deletes a credential by realm:name:', async () => {
    const base = '/servicesNS/nobody/TA-ser-mail/storage/passwords';
    expect((await call('POST', `${base}?output_mode=json`, 'name=acct1&realm=ta_ser_mail_account&password=s1')).status).toBe(201);
    expect((await call('POST', `${base}?output_mode=json`, 'name=acct1&realm=ta_ser_mail_account&password=s2')).status).toBe(409);
    const list = await call('GET', `${base}?output_mode=json&count=0`);
    expect(list.json.entry[0].name).toBe('ta_ser_mail_account:acct1:');
    expect(list.json.entry[0].content).toMatchObject({ realm: 'ta_ser_mail_account', username: 'acct1', clear_password: 's1' });
    const id = encodeURIComponent('ta_ser_mail_account:acct1:');
    expect((await call('POST', `${base}/${id}?output_mode=json`, 'password=s3')).status).toBe(200);
    expect(sim.passwords.get('ta_ser_mail_account:acct1:')?.password).toBe('s3');
    expect((await call('DELETE', `${base}/${id}?output_mode=json`)).status).toBe(200);
    expect((await call('GET', `${base}/${id}?output_mode=json`)).status).toBe(404);
  });

  it('serves conf stanzas and updates keys', async () => {
    sim.setStanza('ta_ser_mail_hec', 'main', { url: 'https://127.0.0.1:8088', index: 'ser' });
    const r = await call('GET', '/servicesNS/nobody/TA-ser-mail/configs/conf-ta_ser_mail_hec/main?output_mode=json');
    expect(r.json.entry[0].content).toMatchObject({ url: 'https://127.0.0.1:8088', index: 'ser' });
    const stanza = encodeURIComponent('ser_report://x');
    expect((await call('POST', '/services/configs/conf-inputs?output_mode=json', `name=${stanza}&a=1`)).status).toBe(201);
    await call('POST', `/services/configs/conf-inputs/${stanza}?output_mode=json`, 'a=2');
    expect(sim.getStanza('inputs', 'ser_report://x')).toEqual({ a: '2' });
  });

  it('answers 503 while the KV store is starting, then stores records', async () => {
    sim.setKvStarting(2);
    const base = '/servicesNS/nobody/TA-ser-mail/storage/collections';
    expect((await call('POST', `${base}/config?output_mode=json`, 'name=cp')).status).toBe(503);
    expect((await call('POST', `${base}/config?output_mode=json`, 'name=cp')).status).toBe(503);
    expect((await call('POST', `${base}/config?output_mode=json`, 'name=cp')).status).toBe(201);
    expect((await call('POST', `${base}/data/cp/batch_save`, [{ _key: 'a', v: 1 }, { v: 2 }])).json).toHaveLength(2);
    expect((await call('GET', `${base}/data/cp/a`)).json).toEqual({ _key: 'a', v: 1 });
    expect((await call('DELETE', `${base}/data/cp/a`)).status).toBe(200);
    expect((await call('GET', `${base}/data/cp/a`)).status).toBe(404);
  });
});
