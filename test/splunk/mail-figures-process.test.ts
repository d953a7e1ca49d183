import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { unpack } from './packaged.js';

/**
 * The mail receiver's figures line as splunkd gets it: the packaged bin/mail_metadata.sh as a
 * child process, real posts, then splunkd's SIGTERM. The drain must still write the shutdown
 * line (the health dashboard's only sign of a receiver that ran briefly), with the counts of
 * what was answered and no secret.
 */
let app: string;
let pki: Pki;
let splunkd: SplunkdSimulator;
let hec: HecSimulator;
let splunkHome: string;
const RECEIVER_TOKEN = 'receiver-token-kept-in-storage-passwords';

beforeAll(async () => {
  app = unpack();
  pki = createPki();
  [splunkd, hec] = await Promise.all([startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } }), startHecSimulator({ indexes: ['main'] })]);
  splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, batch_interval: '0.05' });
  splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
  splunkd.setPassword('ta_ser_mail_receiver', 'rx', RECEIVER_TOKEN);
  splunkHome = mkdtempSync(join(tmpdir(), 'splunk-home-'));
  mkdirSync(join(splunkHome, 'etc', 'auth'), { recursive: true });
  writeFileSync(join(splunkHome, 'etc', 'auth', 'cacert.pem'), pki.ca);
}, 180_000);

afterAll(async () => {
  await Promise.all([splunkd?.close(), hec?.close()]);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function postMails(url: string, body: unknown, token: string): Promise<number> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  await res.body.dump();
  return res.statusCode;
}

const mails = (ids: number[]) => ({
  ownerIdentity: { type: 'email', value: 'ann@example.com' },
  mailMessages: ids.map((n) => ({ id: `AAMk-${n}`, sentAt: '2026-03-05T10:00:00Z', isSent: false, from: { displayName: 'Bob', address: 'bob@example.com' }, subject: `m${n}` })),
});

describe('mail_metadata receiver as splunkd runs it', () => {
  it('writes the figures line during the SIGTERM drain, counting what it answered, with no secret', async () => {
    const port = await freePort();
    const params = { hec: 'main', auth_mode: 'static', auth_secret: '********', listen_port: String(port), interval: '0' };
    const stanza = `<stanza name="mail_metadata://rx" app="TA-ser-mail">${Object.entries(params).map(([k, v]) => `<param name="${k}">${v}</param>`).join('')}</stanza>`;
    const doc = `<input><server_host>sh1</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${mkdtempSync(join(tmpdir(), 'cp-'))}</checkpoint_dir><configuration>${stanza}</configuration></input>`;
    const child = spawn(join(app, 'bin', 'mail_metadata.sh'), [], { env: { ...process.env, SPLUNK_HOME: splunkHome }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.resume();
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(killer);
        resolve(code);
      });
    });
    child.stdin.end(doc);

    const url = `http://127.0.0.1:${port}/api/mails`;
    let first = 0;
    for (let i = 0; i < 400 && first !== 200; i++) {
      first = await postMails(url, mails([1, 2, 3]), RECEIVER_TOKEN).catch(() => 0); // 0: not listening yet
      if (first !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(first, stderr).toBe(200);
    expect(await postMails(url, { ownerIdentity: { type: 'email', value: 'ann@example.com' }, mailMessages: [{ sentAt: 'not a time' }] }, RECEIVER_TOKEN)).toBe(400);
    expect(await postMails(url, mails([4]), 'a-wrong-token')).toBe(401);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const figures = stderr.split('\n').filter((l) => l.startsWith('INFO [mail_metadata://rx] mail receiver figures {'));
    expect(figures, stderr).toHaveLength(1);
    const line = JSON.parse(figures[0]!.slice(figures[0]!.indexOf('{'))) as Record<string, unknown>;
    expect(line).toMatchObject({ requests: 3, delivered: 1, events: 3, refused: 1, rejected_auth: 1, unavailable: 0, errors: 0, reasons: { MAIL_PAYLOAD_INVALID: 1, MAIL_AUTH_REFUSED: 1 }, final: true });
    expect(hec.events().filter((e) => e.source === 'mail_metadata://rx')).toHaveLength(3);
    for (const secret of [RECEIVER_TOKEN, 'a-wrong-token', hec.token, splunkd.sessionKey]) expect(stderr).not.toContain(secret);
  }, 120_000);
});
