import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { unpack } from './packaged.js';

/**
 * Issue 15 item 5: both modular inputs run as splunkd runs them — the packaged bin/ wrappers as
 * child processes, the protocol's XML on stdin — and behave as splunkd expects: local mistakes
 * before any splunkd call, one ERROR line for an unreachable splunkd, `interval = 0` as one
 * long-lived process honouring poll_interval, the same validation of the HEC destination, and
 * the same <index> in the XML stream.
 */
let app: string;
let pki: Pki;
let splunkd: SplunkdSimulator;
let ser: SerSimulator;
let hec: HecSimulator;
let splunkHome: string;

beforeAll(async () => {
  app = unpack();
  pki = createPki();
  const tls = { cert: pki.serverCert, key: pki.serverKey };
  [splunkd, ser, hec] = await Promise.all([startSplunkdSimulator({ tls }), startSerSimulator({ tls, rateLimitPerMinute: 0 }), startHecSimulator({ tls, keep: 'all' })]);
  splunkd.setStanza('ta_ser_mail_accounts', 'acme', { client_id: ser.clientId, auth_url: ser.url, api_url: ser.url, ca_file: pki.caFile });
  splunkd.setPassword('ta_ser_mail_account', 'acme', ser.clientSecret);
  splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, ca_file: pki.caFile, batch_interval: '0.05' });
  splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
  splunkd.setStanza('ta_ser_mail_hec', 'tokenless', { urls: hec.url, ca_file: pki.caFile });
  // Zero configuration: splunkd's CA where a default install keeps it, no [splunkd] setting.
  splunkHome = mkdtempSync(join(tmpdir(), 'splunk-home-'));
  mkdirSync(join(splunkHome, 'etc', 'auth'), { recursive: true });
  writeFileSync(join(splunkHome, 'etc', 'auth', 'cacert.pem'), pki.ca);
}, 180_000);

afterAll(async () => {
  await Promise.all([splunkd?.close(), ser?.close(), hec?.close()]);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function start(kind: string, args: string[], stdin: string) {
  const t0 = Date.now();
  const child = spawn(join(app, 'bin', `${kind}.sh`), args, { env: { ...process.env, SPLUNK_HOME: splunkHome }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...out, ms: Date.now() - t0 });
    });
  });
  child.stdin.end(stdin);
  return { child, out, done };
}

const run = (kind: string, args: string[], stdin: string) => start(kind, args, stdin).done;
const params = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `<param name="${k}">${v}</param>`).join('');
const head = (uri = splunkd.url, cp = mkdtempSync(join(tmpdir(), 'cp-'))) => `<server_host>sh1</server_host><server_uri>${uri}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${cp}</checkpoint_dir>`;
const inputDoc = (kind: string, name: string, p: Record<string, string>, uri?: string) => `<input>${head(uri)}<configuration><stanza name="${kind}://${name}" app="TA-ser-mail">${params(p)}</stanza></configuration></input>`;
const itemsDoc = (name: string, p: Record<string, string>) => `<items>${head()}<item name="${name}">${params(p)}</item></items>`;
const lines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '');
const recent = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const serGood = { account: 'acme', hec: 'main', window: '1h', start_date: recent, settle_delay: '15m' };

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('modular inputs as splunkd runs them', () => {
  it('reports a bad local setting in one ERROR line before any call to splunkd', async () => {
    for (const [kind, p, field] of [
      ['ser_report', { ...serGood, window: 'banana' }, 'window'],
      ['mail_metadata', { hec: 'main', listen_port: '99999' }, 'listen_port'],
    ] as const) {
      splunkd.clearCalls();
      const r = await run(kind, [], inputDoc(kind, 'bad', { ...p, index: 'default', host: '$decideOnStartup', interval: '300' }));
      expect(r.code, kind).toBe(1);
      expect(lines(r.stderr), kind).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^ERROR .*${kind}://bad.*${field}`));
      expect(splunkd.calls(), kind).toEqual([]);
    }
  });

  it('ends with one ERROR line within 15 s when splunkd cannot be reached', async () => {
    const port = await closedPort();
    for (const kind of ['ser_report', 'mail_metadata']) {
      const p = kind === 'ser_report' ? serGood : { hec: 'main', auth_mode: 'static' };
      const r = await run(kind, [], inputDoc(kind, 'lost', p, `https://127.0.0.1:${port}`));
      expect(r.code, kind).toBe(1);
      expect(r.ms, kind).toBeLessThan(15_000);
      expect(lines(r.stderr), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^ERROR .*splunkd at https:\/\/127\.0\.0\.1:\d+ cannot be reached \(.*ECONNREFUSED/);
    }
  });

  it('with interval = 0 stays one process that polls every poll_interval until SIGTERM', async () => {
    const { child, out, done } = start('ser_report', [], inputDoc('ser_report', 'loop', { ...serGood, interval: '0', poll_interval: '1' }));
    const cycles = () => out.stderr.split('\n').filter((l) => l.includes('SER poll cycle done')).length;
    for (let i = 0; i < 300 && cycles() < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(cycles()).toBeGreaterThanOrEqual(3);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/interval = 0: polling every 1 s/);
    expect(r.stderr).not.toMatch(/^(ERROR|FATAL)/m);
    // One entitlement event per cycle of one process, not one per restart.
    const ent = hec.events().filter((e) => e.sourcetype === SOURCETYPES.serEntitlement && e.source === 'ser_report://loop');
    expect(ent.length).toBeGreaterThanOrEqual(3);
  });

  it('a second SIGTERM while the drain waits on an unreachable HEC stops at once, with one line of what was and was not delivered', async () => {
    const port = await closedPort();
    splunkd.setStanza('ta_ser_mail_hec', 'down', { urls: `https://127.0.0.1:${port}`, ca_file: pki.caFile, retry_min_delay: '0.05', retry_max_delay: '0.2' });
    splunkd.setPassword('ta_ser_mail_hec', 'down', hec.token);
    const { child, out, done } = start('ser_report', [], inputDoc('ser_report', 'stuck', { ...serGood, hec: 'down', interval: '0', poll_interval: '60' }));
    // Events read and waiting: the sink's retries against the closed port are logged.
    for (let i = 0; i < 300 && !/WARN .*stuck.*(HEC|127\.0\.0\.1)/.test(out.stderr); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    const second = Date.now();
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(1);
    // Well before the 30 s drain deadline.
    expect(Date.now() - second).toBeLessThan(10_000);
    const m = /^ERROR \[ser_report:\/\/stuck\] second signal: stopping at once without the drain: (\d+) event\(s\) delivered, (\d+) not delivered; the checkpoint stays before them/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBe(0);
    expect(Number(m![2])).toBeGreaterThan(0);
  });

  it('validates mail_metadata\'s HEC destination and stored secret the way ser_report does', async () => {
    const refusal = async (kind: string, p: Record<string, string>) => {
      const r = await run(kind, ['--validate-arguments'], itemsDoc('v', p));
      return r.code === 0 ? '' : (new XMLParser().parse(r.stdout) as { error: { message: string } }).error.message;
    };
    for (const [kind, base] of [['ser_report', serGood], ['mail_metadata', { auth_mode: 'static', auth_secret: 'typed-now' }]] as const) {
      expect(await refusal(kind, { ...base, hec: 'main' }), kind).toBe('');
      expect(await refusal(kind, { ...base, hec: 'nowhere' }), kind).toMatch(/HEC destination "nowhere" does not exist/);
      expect(await refusal(kind, { ...base, hec: 'tokenless' }), kind).toMatch(/realm "ta_ser_mail_hec" and username "tokenless"/);
      expect(await refusal(kind, { ...base, hec: 'nowhere', output: 'xml' }), kind).toBe('');
    }
    // The receiver's own secret: typed (above), stored, or neither.
    expect(await refusal('mail_metadata', { hec: 'main', auth_mode: 'static' })).toMatch(/auth_mode = static needs auth_secret/);
    splunkd.setPassword('ta_ser_mail_receiver', 'v', 'stored-token');
    expect(await refusal('mail_metadata', { hec: 'main', auth_mode: 'static' })).toBe('');
  });

  it('sets <index> the same way for both inputs in XML output mode', async () => {
    const indexes = (stdout: string) => [...stdout.matchAll(/<event[^>]*>(.*?)<\/event>/gs)].map((m) => /<index>(.*?)<\/index>/.exec(m[1]!)?.[1] ?? '(none)');
    const serRun = async (index: string) => {
      const r = await run('ser_report', [], inputDoc('ser_report', `xml_${index}`, { ...serGood, output: 'xml', index, interval: '300' }));
      expect(r.code, r.stderr).toBe(0);
      return indexes(r.stdout);
    };
    const mailRun = async (index: string) => {
      const data = mkdtempSync(join(tmpdir(), 'datapath-'));
      const file = join(data, 'users.json');
      writeFileSync(file, JSON.stringify({ users: [{ id: 'u1', loginEmail: 'u1@example.com' }] }));
      const old = new Date(Date.now() - 60_000);
      utimesSync(file, old, old);
      const { child, out, done } = start('mail_metadata', [], inputDoc('mail_metadata', `xml_${index}`, { output: 'xml', receiver: '0', data_path: data, import_interval: '1', index, interval: '0' }));
      for (let i = 0; i < 200 && !out.stdout.includes('</event>'); i++) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      return indexes(r.stdout);
    };
    for (const [index, want] of [['ta_ser_mail', 'ta_ser_mail'], ['default', '(none)']] as const) {
      const s = await serRun(index);
      const m = await mailRun(index);
      expect(s.length).toBeGreaterThan(0);
      expect(m.length).toBeGreaterThan(0);
      expect(new Set(s), `ser_report index=${index}`).toEqual(new Set([want]));
      expect(new Set(m), `mail_metadata index=${index}`).toEqual(new Set([want]));
    }
  });
});
