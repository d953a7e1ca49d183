import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventId } from '../../src/core/event.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { defineModularInput } from '../../src/splunk/define-input.js';
import { runModinput } from '../../src/splunk/modinput-main.js';
import { runDocument } from '../../src/splunk/input-runner.js';
import { parseInputDocument } from '../../src/splunk/protocol-xml.js';
import { SplunkdClient } from '../../src/splunk/splunkd-client.js';
import { createLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { createServer } from 'node:net';
import { MASK } from '../../src/splunk/settings.js';

let pki: Pki;
let sim: SplunkdSimulator;

beforeAll(async () => {
  pki = createPki();
  sim = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  process.env.TA_SER_MAIL_SPLUNKD_CA_FILE = pki.caFile;
});
afterAll(async () => {
  delete process.env.TA_SER_MAIL_SPLUNKD_CA_FILE;
  await sim.close();
});

const seen: Array<{ name: string; token: string | undefined; count: number; index?: string }> = [];

const counter = defineModularInput({
  kind: 'counter',
  title: 'Counter',
  description: 'emits count events and remembers how far it got',
  schema: z.object({
    count: z.coerce.number().int().min(1).max(100).describe('events per run'),
    hec: z.string().default('').describe('HEC destination'),
    token: z.string().optional().describe('an API token (secret: stored in storage/passwords)'),
  }),
  async run(ctx) {
    const token = ctx.config.token as Secret | undefined;
    seen.push({ name: ctx.name, token: token?.reveal(), count: ctx.config.count, index: ctx.params.index });
    const cp = await ctx.checkpoints();
    const from = ((await cp.load<{ next: number }>(ctx.name)) ?? { next: 0 }).next;
    const sink = await ctx.openSink();
    for (let i = from; i < from + ctx.config.count; i++) {
      await sink.send({ time: 1_700_000_000 + i, sourcetype: 'counter', index: ctx.params.index, event: { n: i, name: ctx.name }, id: eventId(ctx.name, i) });
    }
    await cp.save(ctx.name, { next: from + ctx.config.count });
  },
});

function inputDoc(dir: string, stanzas: string): string {
  return `<input><server_host>sh1</server_host><server_uri>${sim.url}</server_uri><session_key>${sim.sessionKey}</session_key><checkpoint_dir>${dir}</checkpoint_dir><configuration>${stanzas}</configuration></input>`;
}

async function run(xml: string | Buffer) {
  let out = '';
  let err = '';
  const code = await runModinput(counter, 'run', {
    stdin: [typeof xml === 'string' ? Buffer.from(xml) : xml],
    stdout: { write: (c: string, cb?: (e?: Error | null) => void) => ((out += c), cb?.(), true) },
    stderr: { write: (l: string) => (err += l) },
    signal: new AbortController().signal,
    logLevel: 'info',
  });
  return { code, out, err };
}

describe('run mode', () => {
  it('runs each stanza to the XML stream, keeps file checkpoints, and moves a typed secret into storage/passwords', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-'));
    sim.setStanza('inputs', 'counter://a', { count: '3', output: 'xml', token: 'typed-tok' });
    const stanzas =
      '<stanza name="counter://a" app="TA-ser-mail"><param name="count">3</param><param name="output">xml</param><param name="token">typed-tok</param><param name="index">ser</param><param name="interval">300</param></stanza>' +
      '<stanza name="counter://b" app="TA-ser-mail"><param name="count">2</param><param name="output">xml</param></stanza>';
    const r = await run(inputDoc(dir, stanzas));
    expect(r.code).toBe(0);
    // Both stanzas wrote into one stdout: each sink brackets its own <stream>.
    const events = [...r.out.matchAll(/<event [^>]*>.*?<\/event>/gs)].map((m) => m[0]);
    expect(events).toHaveLength(5);
    const p = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });
    const first = (p.parse(events.find((e) => e.includes('counter://a'))!) as { event: Record<string, string> }).event;
    expect(first).toMatchObject({ '@_stanza': 'counter://a', '@_unbroken': '1', sourcetype: 'counter', index: 'ser' });
    expect(JSON.parse(first.data!)).toMatchObject({ name: 'a', event_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))).toEqual({ next: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).toEqual({ next: 2 });
    // The typed token is in storage/passwords now and masked in inputs.conf.
    expect(sim.passwords.get('ta_ser_mail_counter:a:')?.password).toBe('typed-tok');
    expect(sim.getStanza('inputs', 'counter://a')?.token).toBe(MASK);
    expect(seen.find((s) => s.name === 'a')).toMatchObject({ token: 'typed-tok', index: 'ser' });
    expect(r.err).not.toContain('typed-tok');
    expect(r.err).not.toContain(sim.sessionKey);
    expect(r.err).toMatch(/^INFO .*moved the token/m);
  });

  it('reads a masked secret back from storage/passwords on the next run and continues from the checkpoint (UTF-16 document)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-'));
    sim.setPassword('ta_ser_mail_counter', 'c', 'stored-tok');
    const xml = inputDoc(dir, `<stanza name="counter://c" app="TA-ser-mail"><param name="count">2</param><param name="output">xml</param><param name="token">${MASK}</param></stanza>`);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const r1 = await run(utf16);
    expect(r1.err).toBe('');
    expect(r1.code).toBe(0);
    const r = await run(utf16);
    expect(r.code).toBe(0);
    expect(seen.filter((s) => s.name === 'c').map((s) => s.token)).toEqual(['stored-tok', 'stored-tok']);
    const p = new XMLParser({ parseTagValue: false });
    const ns = [...r.out.matchAll(/<event [^>]*>.*?<\/event>/gs)].map((m) => (JSON.parse((p.parse(m[0]) as { event: { data: string } }).event.data) as { n: number }).n);
    expect(ns).toEqual([2, 3]);
  });

  it('fails a stanza with one ERROR line naming the setting, and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-'));
    const r = await run(inputDoc(dir, '<stanza name="counter://d"><param name="count">0</param><param name="output">xml</param></stanza>'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ERROR .*counter:\/\/d count: /m);
    const r2 = await run(inputDoc(dir, '<stanza name="counter://e"><param name="count">1</param></stanza>'));
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/hec: name a HEC destination .*or set output = xml/);
    expect(r2.out).toBe('');
  });

  it("reads settings and secrets in this app's namespace when the stanza lives in another app, and masks it there", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-'));
    sim.setStanza('inputs', 'counter://s', { count: '1', output: 'xml', token: 'typed-in-search' });
    sim.clearCalls();
    const r = await run(inputDoc(dir, '<stanza name="counter://s" app="search"><param name="count">1</param><param name="output">xml</param><param name="token">typed-in-search</param></stanza>'));
    expect(r.code).toBe(0);
    const calls = sim.calls();
    const inputsUpdate = calls.filter((c) => c.path.includes('configs/conf-inputs/'));
    expect(inputsUpdate.map((c) => c.path)).toEqual(['/servicesNS/nobody/search/configs/conf-inputs/counter%3A%2F%2Fs']);
    const rest = calls.filter((c) => !inputsUpdate.includes(c));
    expect(rest.length).toBeGreaterThan(0);
    for (const c of rest) expect(c.path, c.path).toMatch(/^\/servicesNS\/nobody\/TA-ser-mail\//);
    expect(sim.passwords.get('ta_ser_mail_counter:s:')?.password).toBe('typed-in-search');
  });

  it('refuses to run when a required secret is neither typed nor stored, saying how to store it', async () => {
    const keyed = defineModularInput({
      kind: 'keyed',
      title: 'Keyed',
      description: 'needs an API key',
      schema: z.object({ api_key: z.string().min(1).describe('API key (secret: stored in storage/passwords)') }),
      async run() {
        throw new Error('must not run without its key');
      },
    });
    let err = '';
    const xml = inputDoc(mkdtempSync(join(tmpdir(), 'cp-')), `<stanza name="keyed://k"><param name="api_key">${MASK}</param><param name="output">xml</param></stanza>`);
    const code = await runModinput(keyed, 'run', {
      stdin: [Buffer.from(xml)],
      stdout: { write: (_c: string, cb?: (e?: Error | null) => void) => (cb?.(), true) },
      stderr: { write: (l: string) => (err += l) },
      signal: new AbortController().signal,
      logLevel: 'info',
    });
    expect(code).toBe(1);
    expect(err).toMatch(/^ERROR .*the api_key of keyed:\/\/k is not stored: add it to storage\/passwords with realm "ta_ser_mail_keyed" and username "k"/m);
    expect(err).not.toMatch(/must not run/);
  });

  it('with interval = 0 a failed run pauses before the process exits (splunkd restarts it at once), and SIGTERM ends the pause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-'));
    const doc = (interval: string) => parseInputDocument(inputDoc(dir, `<stanza name="counter://p"><param name="count">0</param><param name="interval">${interval}</param></stanza>`));
    const quiet = { stdout: { write: (_c: string, cb?: (e?: Error | null) => void) => (cb?.(), true) }, stderr: { write: () => true } };
    const timed = async (interval: string, signal = new AbortController().signal) => {
      const t0 = Date.now();
      const code = await runDocument(counter, doc(interval), { ...quiet, signal, restartPauseMs: 1_500 });
      return { code, ms: Date.now() - t0 };
    };
    const pause = await timed('0');
    expect(pause.code).toBe(1);
    expect(pause.ms).toBeGreaterThanOrEqual(1_400);
    // A scheduled input (interval in seconds) exits at once: splunkd waits the interval anyway.
    const scheduled = await timed('300');
    expect(scheduled.code).toBe(1);
    expect(scheduled.ms).toBeLessThan(1_400);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const stopped = await timed('0', stop.signal);
    expect(stopped.code).toBe(1);
    expect(stopped.ms).toBeLessThan(1_400);
  });
});

describe('the splunkd client\'s retries (fault injection)', () => {
  it('gives up on an unreachable splunkd within its budget, logs the retries at DEBUG only, and fails later calls at once', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l: string) => void lines.push(l) });
    const client = new SplunkdClient({ serverUri: `https://127.0.0.1:${port}`, sessionKey: new Secret('k'), app: 'TA-ser-mail', log, retryDelayMs: 20, unreachableBudgetMs: 600, random: () => 0.5 });
    try {
      const t0 = Date.now();
      await expect(client.call('/services/server/info')).rejects.toThrow(/cannot be reached \(.*ECONNREFUSED.*\) for GET \/services\/server\/info/);
      const first = Date.now() - t0;
      expect(first).toBeGreaterThanOrEqual(550);
      expect(first).toBeLessThan(600 + 3_000);
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((l) => l.startsWith('DEBUG '))).toBe(true);
      const before = lines.length;
      const t1 = Date.now();
      await expect(client.call('/services/server/info')).rejects.toThrow(/cannot be reached/);
      expect(Date.now() - t1).toBeLessThan(300);
      expect(lines.length).toBe(before);
    } finally {
      await client.close();
    }
  });

  it('waits out 503 (KV store starting) with the core backoff, and gives up with splunkd\'s message', async () => {
    const client = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, attempts: 3, retryDelayMs: 5 });
    try {
      sim.clearCalls();
      sim.setKvStarting(2);
      await expect(client.call(client.nsPath('storage/collections/config'))).resolves.toBeDefined();
      expect(sim.calls().map((c) => c.status)).toEqual([503, 503, 200]);
      sim.clearCalls();
      sim.setKvStarting(5);
      await expect(client.call(client.nsPath('storage/collections/config'))).rejects.toThrow(/503.*KV Store is initializing/);
      expect(sim.calls()).toHaveLength(3);
      sim.setKvStarting(0);
    } finally {
      await client.close();
    }
  });
});
