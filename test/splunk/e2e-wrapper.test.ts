import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFileName } from '../../src/core/checkpoint.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { serCheckpointKey } from '../../src/ser/checkpoint-state.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { unpack } from './packaged.js';

/**
 * Item 7: the packaged bin/ser_report.sh run as splunkd runs it — a child process with the
 * protocol's arguments and documents on stdin — against the splunkd stand-in (HTTPS), the SER
 * simulator and the HEC simulator.
 */
let app: string;
let pki: Pki;
let splunkd: SplunkdSimulator;
let ser: SerSimulator;
let hec: HecSimulator;
let checkpointDir: string;
let splunkHome: string;

const DAY = 86_400_000;
// Two days back: at least 24 whole settled windows whatever the time of day (one day back has
// only 23 in the first quarter hour after midnight UTC).
const startDate = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  app = unpack();
  pki = createPki();
  const tls = { cert: pki.serverCert, key: pki.serverKey };
  [splunkd, ser, hec] = await Promise.all([
    startSplunkdSimulator({ tls }),
    startSerSimulator({ tls, rateLimitPerMinute: 0 }),
    startHecSimulator({ tls, keep: 'all', ack: true }),
  ]);
  // The admin's settings, as the configuration page leaves them: names in .conf, secrets in storage/passwords.
  splunkd.setStanza('ta_ser_mail_accounts', 'acme', { client_id: ser.clientId, auth_url: ser.url, api_url: ser.url, ca_file: pki.caFile });
  splunkd.setPassword('ta_ser_mail_account', 'acme', ser.clientSecret);
  splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, ca_file: pki.caFile, ack: '1', batch_interval: '0.05', ack_poll_interval: '0.05' });
  splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
  splunkd.setStanza('ta_ser_mail_settings', 'logging', { level: 'info' });
  // How this splunkd's certificate is trusted: the app's local settings on disk.
  mkdirSync(join(app, 'local'), { recursive: true });
  writeFileSync(join(app, 'local', 'ta_ser_mail_settings.conf'), `[splunkd]\nca_file = ${pki.caFile}\n`);
  checkpointDir = mkdtempSync(join(tmpdir(), 'modinputs-ser_report-'));
  splunkHome = mkdtempSync(join(tmpdir(), 'splunk-home-'));
}, 180_000);

afterAll(async () => {
  await Promise.all([splunkd?.close(), ser?.close(), hec?.close()]);
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWrapper(args: string[], stdin: string | Buffer = '', env: NodeJS.ProcessEnv = { ...process.env, SPLUNK_HOME: splunkHome }, script = join(app, 'bin', 'ser_report.sh')): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

const header = () =>
  `<server_host>sh1</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${checkpointDir}</checkpoint_dir>`;

const params = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `<param name="${k}">${v}</param>`).join('');

const good = { account: 'acme', hec: 'main', window: '1h', start_date: startDate, settle_delay: '15m', checkpoint_store: 'file' };

describe('bin/ser_report.sh as splunkd runs it', () => {
  it('--scheme prints the scheme XML with every argument typed', async () => {
    const r = await runWrapper(['--scheme']);
    expect(r.code).toBe(0);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'arg' }).parse(r.stdout) as {
      scheme: { title: string; endpoint: { args: { arg: Array<{ '@_name': string; data_type: string; description: string }> } } };
    };
    expect(doc.scheme.title).toBe('Proofpoint SER report');
    const args = doc.scheme.endpoint.args.arg;
    expect(args.map((a) => a['@_name'])).toEqual(expect.arrayContaining(['account', 'hec', 'output', 'checkpoint_store', 'window', 'start_date']));
    for (const a of args) {
      expect(['string', 'number', 'boolean']).toContain(a.data_type);
      expect(a.description.length).toBeGreaterThan(10);
    }
    // The loader left its V8 code cache under $SPLUNK_HOME; the next start takes it as it is.
    const cacheDir = join(splunkHome, 'var', 'run', 'TA-ser-mail');
    const caches = readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(/-scheme-/);
    const before = statSync(join(cacheDir, caches[0]!)).mtimeMs;
    const again = await runWrapper(['--scheme']);
    expect(again.stdout).toBe(r.stdout);
    expect(statSync(join(cacheDir, caches[0]!)).mtimeMs).toBe(before);
    // A damaged cache costs one compile, never a failed start: V8 rejects it and it is rewritten.
    writeFileSync(join(cacheDir, caches[0]!), 'not a code cache');
    const damaged = await runWrapper(['--scheme']);
    expect([damaged.code, damaged.stderr]).toEqual([0, '']);
    expect(damaged.stdout).toBe(r.stdout);
    expect(readFileSync(join(cacheDir, caches[0]!)).length).toBeGreaterThan(1000);
  });

  it('--validate-arguments accepts good values and refuses bad ones with <error><message>', async () => {
    const ok = await runWrapper(['--validate-arguments'], `<items>${header()}<item name="main">${params(good)}</item></items>`);
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    for (const [bad, field] of [
      [{ window: '7m' }, 'window'],
      [{ start_date: '31.12.2026' }, 'start_date'],
      [{ concurrency: '500' }, 'concurrency'],
      [{ output: 'tcp' }, 'output'],
      // Checked with splunkd: the named settings must exist.
      [{ account: 'globex' }, 'SER account "globex" does not exist'],
      [{ hec: 'nowhere' }, 'HEC destination "nowhere" does not exist'],
    ] as const) {
      const r = await runWrapper(['--validate-arguments'], `<items>${header()}<item name="main">${params({ ...good, ...bad })}</item></items>`);
      expect(r.code, field).not.toBe(0);
      const msg = (new XMLParser().parse(r.stdout) as { error: { message: string } }).error.message;
      expect(msg).toContain(field);
    }
  });

  it('runs: reads secrets through splunkd, delivers through HEC, writes the checkpoint; a second run (UTF-16) has nothing to do', async () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?><input>${header()}<configuration><stanza name="ser_report://main" app="TA-ser-mail">${params({ ...good, index: 'default', interval: '300', disabled: '0' })}</stanza></configuration></input>`;
    const r = await runWrapper([], doc);
    expect(r.stderr).not.toMatch(/^(ERROR|FATAL)/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const events = hec.events();
    const coverage = events.filter((e) => e.sourcetype === SOURCETYPES.serCoverage);
    expect(coverage.length).toBeGreaterThanOrEqual(24);
    expect(events.some((e) => e.sourcetype === SOURCETYPES.serEntitlement)).toBe(true);
    expect(new Set(hec.eventIds()).size).toBe(hec.eventIds().length);
    const file = join(checkpointDir, checkpointFileName(serCheckpointKey('main', 'acme')));
    expect(existsSync(file)).toBe(true);
    const cp = JSON.parse(readFileSync(file, 'utf8')) as { next: number; account: string };
    expect(cp.account).toBe('acme');
    const hour = 3_600_000;
    expect(cp.next).toBe(Math.floor((Date.now() - 15 * 60_000) / hour) * hour);
    // Secrets came from storage/passwords with the session key; nothing leaked into splunkd.log.
    const calls = splunkd.calls();
    expect(calls.some((c) => c.path.includes('storage/passwords'))).toBe(true);
    expect(calls.every((c) => c.authorized)).toBe(true);
    for (const secret of [ser.clientSecret, hec.token, splunkd.sessionKey]) expect(r.stderr).not.toContain(secret);

    const before = coverage.length;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc.replace('UTF-8', 'UTF-16'), 'utf16le')]);
    const again = await runWrapper([], utf16);
    expect(again.code).toBe(0);
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage).length).toBe(before);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { next: number }).next).toBe(cp.next);

    // The run wrote a code cache of its own beside the --scheme one, and cleared out what an
    // earlier bundle (an upgrade) had left there.
    const cacheDir = join(splunkHome, 'var', 'run', 'TA-ser-mail');
    expect(readdirSync(cacheDir).some((f) => /^code-[0-9a-f]{24}-modinput-ser_report-v\d/.test(f))).toBe(true);
    const stale = join(cacheDir, 'code-000000000000000000000000-modinput-mail_metadata-v20.0.0-x64.v8');
    writeFileSync(stale, 'left by an earlier version');
    const mailScheme = await runWrapper(['--scheme'], '', undefined, join(app, 'bin', 'mail_metadata.sh'));
    expect(mailScheme.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(cacheDir).some((f) => /-scheme-modinput-mail_metadata-/.test(f))).toBe(true);
    expect(readdirSync(cacheDir).some((f) => /-validate-modinput-ser_report-/.test(f))).toBe(true);
  });

  it('keeps a kvstore checkpoint that another member (another checkpoint_dir) continues from, waiting out a starting KV store', async () => {
    const member = (dir: string) =>
      `<input><server_host>sh</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${dir}</checkpoint_dir><configuration><stanza name="ser_report://shc" app="TA-ser-mail">${params({ ...good, checkpoint_store: 'kvstore' })}</stanza></configuration></input>`;
    const ofShc = () => hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage && e.source === 'ser_report://shc');
    splunkd.setKvStarting(2);
    const dirA = mkdtempSync(join(tmpdir(), 'member-a-'));
    const first = await runWrapper([], member(dirA));
    expect(first.stderr).not.toMatch(/^(ERROR|FATAL)/m);
    expect(first.code).toBe(0);
    expect(splunkd.calls().filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(2);
    const delivered = ofShc().length;
    expect(delivered).toBeGreaterThanOrEqual(24);
    const record = splunkd.collections.get('ta_ser_mail_checkpoints')?.get(serCheckpointKey('shc', 'acme'));
    expect(record).toBeDefined();
    // No checkpoint file (the SER per-host rate budget keeps its slot file in checkpoint_dir).
    expect(readdirSync(dirA).filter((f) => !f.startsWith('ser_rate_budget_'))).toEqual([]);
    // The input moves to another member: a fresh checkpoint_dir, the same KV store.
    const second = await runWrapper([], member(mkdtempSync(join(tmpdir(), 'member-b-'))));
    expect(second.code).toBe(0);
    expect(ofShc().length).toBe(delivered);
  });

  it('stops on SIGTERM (splunkd disabling the input): delivers what it took, keeps its place, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'term-'));
    const from = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
    const doc = `<input><server_host>sh</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${dir}</checkpoint_dir><configuration><stanza name="ser_report://term" app="TA-ser-mail">${params({ ...good, window: '5m', start_date: from })}</stanza></configuration></input>`;
    const child = spawn(join(app, 'bin', 'ser_report.sh'), [], { env: { ...process.env, SPLUNK_HOME: splunkHome }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end(doc);
    const ofTerm = () => hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage && e.source === 'ser_report://term');
    // 5 760 windows at the account's 900 requests a minute: the run is far from done when the signal comes.
    const cpFile = join(dir, checkpointFileName(serCheckpointKey('term', 'acme')));
    for (let i = 0; i < 600 && (ofTerm().length < 5 || !existsSync(cpFile)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(ofTerm().length).toBeGreaterThanOrEqual(5);
    expect(existsSync(cpFile)).toBe(true);
    child.kill('SIGTERM');
    const code = await closed;
    expect(stderr).not.toMatch(/^(ERROR|FATAL)/m);
    expect(code).toBe(0);
    const cp = JSON.parse(readFileSync(cpFile, 'utf8')) as { next: number };
    const windows = ofTerm().map((e) => Date.parse(String((e.event as Record<string, unknown>).window_end)));
    // The checkpoint is at a delivered window's end, far before now: the next run continues there.
    expect(windows).toContain(cp.next);
    expect(cp.next).toBeLessThan(Date.now() - DAY);
  });

  it('fails a run with one ERROR line naming the missing setting', async () => {
    const doc = `<input>${header()}<configuration><stanza name="ser_report://other" app="TA-ser-mail">${params({ ...good, account: 'globex' })}</stanza></configuration></input>`;
    const r = await runWrapper([], doc);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^ERROR .*SER account "globex" does not exist/m);
  });

  it('takes the [node] path setting first, then $SPLUNK_HOME/bin/node if new enough, then node on PATH', async () => {
    // Stand-in nodes: report a version, say which one ran, then run the real Node.
    const dir = mkdtempSync(join(tmpdir(), 'nodes-'));
    const fake = (name: string, version: string) => {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; exit 0; fi\necho "ran ${name}" >&2\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
      return file;
    };
    const home = join(dir, 'splunk');
    mkdirSync(join(home, 'bin'), { recursive: true });
    const pathDir = join(dir, 'path');
    mkdirSync(pathDir);
    writeFileSync(join(pathDir, 'node'), `#!/bin/sh\nif [ "$1" = --version ]; then echo v20.0.0; exit 0; fi\necho "ran path-node" >&2\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
    const env = (extra: NodeJS.ProcessEnv) => ({ PATH: `${pathDir}:/usr/bin:/bin`, SPLUNK_HOME: home, ...extra });
    const ran = (r: Result) => /ran (\S+)/.exec(r.stderr)?.[1];

    // Splunk's own node too old: node on PATH.
    writeFileSync(join(home, 'bin', 'node'), `#!/bin/sh\necho v18.19.0\n`, { mode: 0o755 });
    let r = await runWrapper(['--scheme'], '', env({}));
    expect([r.code, ran(r)]).toEqual([0, 'path-node']);
    expect(r.stdout).toContain('<scheme>');

    // Splunk's own node new enough: it, before PATH.
    writeFileSync(join(home, 'bin', 'node'), `#!/bin/sh\nif [ "$1" = --version ]; then echo v22.1.0; exit 0; fi\necho "ran splunk-node" >&2\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
    r = await runWrapper(['--scheme'], '', env({}));
    expect([r.code, ran(r)]).toEqual([0, 'splunk-node']);

    // The setting (environment) before both.
    r = await runWrapper(['--scheme'], '', env({ TA_SER_MAIL_NODE: fake('setting-node', 'v20.11.1') }));
    expect([r.code, ran(r)]).toEqual([0, 'setting-node']);

    // The setting in local/ta_ser_mail_settings.conf, $SPLUNK_HOME expanded.
    fake('conf-node', 'v24.0.0');
    const settings = join(app, 'local', 'ta_ser_mail_settings.conf');
    const before = readFileSync(settings, 'utf8');
    try {
      const rel = join(dir, 'conf-node').slice(dir.length);
      writeFileSync(settings, `${before}\n[node]\npath = $SPLUNK_HOME/..${rel}\n`);
      r = await runWrapper(['--scheme'], '', env({}));
      expect([r.code, ran(r)]).toEqual([0, 'conf-node']);
      // A setting that is too old is passed over with a warning naming it.
      writeFileSync(settings, `${before}\n[node]\npath = ${fake('old-node', 'v18.0.0')}\n`);
      r = await runWrapper(['--scheme'], '', env({}));
      expect([r.code, ran(r)]).toEqual([0, 'splunk-node']);
      expect(r.stderr).toMatch(/^WARN TA-ser-mail: \[node\] path .*old-node is not usable .*v18, too old/m);
    } finally {
      writeFileSync(settings, before);
    }
  });

  it('names every Node it tried when none is usable', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'nonode-'));
    for (const tool of ['sh', 'dirname', 'awk', 'cat']) {
      for (const dir of ['/usr/bin', '/bin']) {
        if (existsSync(join(dir, tool))) {
          symlinkSync(join(dir, tool), join(bin, tool));
          break;
        }
      }
    }
    const r = await runWrapper(['--scheme'], '', { PATH: bin, SPLUNK_HOME: join(bin, 'splunk'), TA_SER_MAIL_NODE: join(bin, 'node20') });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR TA-ser-mail: no Node\.js >= 20 found; tried: \[node\] path .*node20 \(not found\), \$SPLUNK_HOME\/bin\/node .* \(not found\), node on PATH \(not found\)/);
  });
});
