import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { Secret } from '../../src/core/secret.js';
import { KvCheckpointStore } from '../../src/splunk/kv-checkpoint.js';
import { loadAccount, loadHecDestination, loadProxy, loadSendService } from '../../src/splunk/named-settings.js';
import { readPassword } from '../../src/splunk/passwords.js';
import { MASK } from '../../src/splunk/settings.js';
import { SplunkdClient } from '../../src/splunk/splunkd-client.js';
import { splunkdTls } from '../../src/splunk/app-settings.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let pki: Pki;
let sim: SplunkdSimulator;
let client: SplunkdClient;

beforeAll(async () => {
  pki = createPki();
  sim = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  client = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, retryDelayMs: 5 });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

describe('settings resolver', () => {
  it('loads a HEC destination with its token from storage/passwords as a Secret', async () => {
    sim.setStanza('ta_ser_mail_hec', 'main', { urls: 'https://127.0.0.1:8088', index: 'ser', ack: '1' });
    sim.setPassword('ta_ser_mail_hec', 'main', 'tok-123');
    const d = await loadHecDestination(client, 'main');
    expect(d.token).toBeInstanceOf(Secret);
    expect(d.token.reveal()).toBe('tok-123');
    expect(d).toMatchObject({ urls: ['https://127.0.0.1:8088'], index: 'ser', ack: true, gzip: true });
    expect(JSON.stringify(d)).not.toContain('tok-123');
    const calls = sim.calls().filter((c) => c.path.includes('storage/passwords'));
    expect(calls.every((c) => c.authorized && c.query.output_mode === 'json')).toBe(true);
  });

  it('says how to store a missing secret, and names the stanza of a bad value', async () => {
    sim.setStanza('ta_ser_mail_accounts', 'acme', { client_id: 'id1', rate_limit_per_minute: '5000' });
    await expect(loadAccount(client, 'acme')).rejects.toThrow(/realm "ta_ser_mail_account" and username "acme"/);
    sim.setPassword('ta_ser_mail_account', 'acme', 'sec');
    await expect(loadAccount(client, 'acme')).rejects.toThrow(/ta_ser_mail_accounts\.conf \[acme\] rate_limit_per_minute: .*1000/);
    await expect(loadAccount(client, 'nope')).rejects.toThrow(/SER account "nope" does not exist: add a \[nope\] stanza to ta_ser_mail_accounts\.conf/);
  });

  it('moves a secret typed into the .conf into storage/passwords and masks it', async () => {
    sim.setStanza('ta_ser_mail_send', 'svc', { host: 'send.example', client_cert_file: '/c.pem', client_key_file: '/k.pem', from: 'a@b.c', secret: 'typed-secret', passphrase: 'pp' });
    const s = await loadSendService(client, 'svc');
    expect(s.secret.reveal()).toBe('typed-secret');
    expect(s.passphrase?.reveal()).toBe('pp');
    expect(sim.getStanza('ta_ser_mail_send', 'svc')).toMatchObject({ secret: MASK, passphrase: MASK });
    expect((await readPassword(client, 'ta_ser_mail_send_secret', 'svc'))?.reveal()).toBe('typed-secret');
    const again = await loadSendService(client, 'svc');
    expect(again.secret.reveal()).toBe('typed-secret');
  });

  it('keeps the proxy password a Secret beside the URL, never inside it', async () => {
    sim.setStanza('ta_ser_mail_settings', 'proxy', { url: 'http://alice@127.0.0.1:3128', use_env: '0' });
    sim.setPassword('ta_ser_mail_proxy', 'proxy', 'p@ss');
    const p = await loadProxy(client);
    expect(p.use_env).toBe(false);
    expect(p.url).toBe('http://alice@127.0.0.1:3128');
    expect(p.password).toBeInstanceOf(Secret);
    expect(p.password?.reveal()).toBe('p@ss');
    expect(JSON.stringify(p)).not.toContain('p@ss');
  });

  it('refuses splunkd whose certificate the CA did not sign, unless insecure_localhost on a loopback address', async () => {
    const other = createPki();
    const strict = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: other.caFile }, attempts: 1 });
    await expect(strict.call('/services/storage/passwords')).rejects.toThrow(/TLS verification of splunkd.*insecure_localhost/);
    await strict.close();
    const loose = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: other.caFile, insecure_localhost: true }, attempts: 1 });
    await expect(loose.call('/services/storage/passwords')).resolves.toBeDefined();
    await loose.close();
    // server_name is the name the certificate is checked against (this one says localhost).
    for (const [name, ok] of [['localhost', true], ['SplunkServerDefaultCert', false]] as const) {
      const named = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile, server_name: name }, attempts: 1 });
      const r = named.call('/services/storage/passwords');
      if (ok) await expect(r).resolves.toBeDefined();
      else await expect(r).rejects.toThrow(/TLS verification of splunkd/);
      await named.close();
    }
  });

  it('reports a session key splunkd refuses without showing it', async () => {
    const bad = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret('wrong-key'), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, attempts: 1 });
    const err = await bad.call('/services/storage/passwords').catch((e: Error) => e);
    expect(String(err)).toMatch(/refused the session key/);
    expect(String(err)).not.toContain('wrong-key');
    await bad.close();
  });

  it('retries a call whose connection splunkd dropped (restarting), and gives up naming splunkd, not the key', async () => {
    sim.setStanza('ta_ser_mail_hec', 'again', { urls: 'https://127.0.0.1:8088' });
    sim.setPassword('ta_ser_mail_hec', 'again', 'tok-again');
    sim.clearCalls();
    sim.dropConnections(2);
    const d = await loadHecDestination(client, 'again');
    expect(d.token.reveal()).toBe('tok-again');
    expect(sim.calls().filter((c) => c.status === 0)).toHaveLength(2);
    const impatient = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, attempts: 3, retryDelayMs: 1 });
    sim.dropConnections(3);
    const err = await impatient.call('/services/storage/passwords').catch((e: Error) => e);
    expect(String(err)).toMatch(/splunkd at https:\/\/127\.0\.0\.1:\d+ cannot be reached .* for GET \/services\/storage\/passwords/);
    expect(String(err)).not.toContain(sim.sessionKey);
    await impatient.close();
  });

  it('stores a secret whose create splunkd carried out but whose answer was lost', async () => {
    sim.setStanza('ta_ser_mail_hec', 'lost', { urls: 'https://127.0.0.1:8088', token: 'typed-lost' });
    sim.loseReplies(1, (c) => c.method === 'POST' && c.path.endsWith('/storage/passwords'));
    const d = await loadHecDestination(client, 'lost');
    expect(d.token.reveal()).toBe('typed-lost');
    expect(sim.passwords.get('ta_ser_mail_hec:lost:')?.password).toBe('typed-lost');
    expect(sim.getStanza('ta_ser_mail_hec', 'lost')?.token).toBe(MASK);
  });

  it('reads [splunkd] TLS settings from the app folder, local over default, env over both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-app-'));
    mkdirSync(join(dir, 'default'));
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'default', 'ta_ser_mail_settings.conf'), '[splunkd]\ninsecure_localhost = 0\nca_file = $SPLUNK_HOME/etc/auth/cacert.pem\n');
    writeFileSync(join(dir, 'local', 'ta_ser_mail_settings.conf'), '[splunkd]\ninsecure_localhost = 1\n');
    expect(splunkdTls(dir, { SPLUNK_HOME: '/opt/splunk' })).toMatchObject({ ca_file: '/opt/splunk/etc/auth/cacert.pem', server_name: undefined, insecure_localhost: true });
    expect(splunkdTls(dir, { TA_SER_MAIL_SPLUNKD_INSECURE_LOCALHOST: '0', TA_SER_MAIL_SPLUNKD_CA_FILE: '/x.pem' })).toMatchObject({ ca_file: '/x.pem', insecure_localhost: false });
  });
});

describe('KV store checkpoints', () => {
  it('creates the collection, waits out a starting KV store, saves, loads and deletes', async () => {
    sim.setKvStarting(3);
    const store = new KvCheckpointStore(client);
    expect(await store.load('ser_report_a')).toBeUndefined();
    expect(sim.calls().filter((c) => c.status === 503)).toHaveLength(3);
    await store.save('ser_report_a', { next: 123, recent: [[1, 2]] });
    expect(await store.load('ser_report_a')).toEqual({ next: 123, recent: [[1, 2]] });
    // A second member of the cluster (another process) sees the same place.
    const other = new KvCheckpointStore(client);
    expect(await other.load('ser_report_a')).toEqual({ next: 123, recent: [[1, 2]] });
    await store.save('ser_report_a', { next: 456 });
    expect(await other.load('ser_report_a')).toEqual({ next: 456 });
    await store.delete('ser_report_a');
    expect(await store.load('ser_report_a')).toBeUndefined();
    expect(store.describe('ser_report_a')).toMatch(/ta_ser_mail_checkpoints/);
  });

  it('refuses an unreadable checkpoint rather than start over', async () => {
    const store = new KvCheckpointStore(client);
    await store.ensureCollection();
    sim.collections.get('ta_ser_mail_checkpoints')!.set('bad', { _key: 'bad', value: '{not json' });
    await expect(store.load('bad')).rejects.toThrow(/not valid JSON; the input stopped/);
  });

  it('gives up on a KV store that stays unavailable, with splunkd\'s message', async () => {
    const impatient = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, attempts: 2, retryDelayMs: 1 });
    sim.setKvStarting(5);
    await expect(new KvCheckpointStore(impatient, 'other').load('x')).rejects.toThrow(/503.*KV Store is initializing/);
    sim.setKvStarting(0);
    await impatient.close();
  });
});
