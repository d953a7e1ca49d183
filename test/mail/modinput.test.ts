import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { loadInputKind } from '../../src/splunk/inputs/index.js';
import { runModinput } from '../../src/splunk/modinput-main.js';
import { schemeXml } from '../../src/splunk/scheme.js';
import { mails, message, post, sleep } from './helpers.js';

/** mail_metadata as splunkd runs it: scheme, validation, and run mode with secrets from storage/passwords. */
let pki: Pki;
let splunkd: SplunkdSimulator;
let hec: HecSimulator;

beforeAll(async () => {
  pki = createPki();
  splunkd = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  process.env.TA_SER_MAIL_SPLUNKD_CA_FILE = pki.caFile;
  hec = await startHecSimulator({ indexes: ['main', 'mail'] });
  splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, batch_interval: '10ms' });
  splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
});
afterAll(async () => {
  delete process.env.TA_SER_MAIL_SPLUNKD_CA_FILE;
  await hec.close();
  await splunkd.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const params = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `<param name="${k}">${v}</param>`).join('');
const io = (stdin: string, signal: AbortSignal) => {
  const out = { text: '', err: '' };
  return {
    out,
    io: {
      stdin: [Buffer.from(stdin)],
      stdout: { write: (c: string, cb?: (e?: Error | null) => void) => ((out.text += c), cb?.(), true) },
      stderr: { write: (l: string) => (out.err += l) },
      signal,
      logLevel: 'info' as const,
    },
  };
};

describe('mail_metadata modular input', () => {
  it('prints a scheme with every setting', async () => {
    const xml = schemeXml(await loadInputKind('mail_metadata'));
    for (const arg of ['listen_port', 'auth_mode', 'auth_secret', 'body_policy', 'whitelist_file', 'data_path', 'max_request_size_mb']) expect(xml).toContain(`name="${arg}"`);
  });

  it('refuses a plain-HTTP receiver on a public address at validation, naming the fix', async () => {
    const input = await loadInputKind('mail_metadata');
    const doc = `<items><server_host>h</server_host><server_uri>${splunkd.url}</server_uri><session_key>k</session_key><checkpoint_dir>/tmp</checkpoint_dir><item name="m">${params({ hec: 'main', listen_host: '0.0.0.0', auth_mode: 'static' })}</item></items>`;
    const { out, io: streams } = io(doc, new AbortController().signal);
    expect(await runModinput(input, 'validate', streams)).toBe(1);
    expect(out.text).toMatch(/<error>\s*<message>mail_metadata:\/\/m: .*tls_cert_file and tls_key_file.*<\/message>\s*<\/error>/s);
  });

  it('refuses at validation a whitelist file Splunk cannot read and a data_path that is not a folder', async () => {
    const input = await loadInputKind('mail_metadata');
    const validate = async (p: Record<string, string>) => {
      const doc = `<items><server_host>h</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>/tmp</checkpoint_dir><item name="m">${params({ hec: 'main', auth_mode: 'static', ...p })}</item></items>`;
      const { out, io: streams } = io(doc, new AbortController().signal);
      const code = await runModinput(input, 'validate', streams);
      return { code, text: out.text };
    };
    const missing = await validate({ whitelist_file: '/nonexistent/whitelist.json' });
    expect(missing.code).toBe(1);
    expect(missing.text).toMatch(/whitelist_file \/nonexistent\/whitelist.json cannot be read \(ENOENT\)/);
    const file = join(mkdtempSync(join(tmpdir(), 'dp-')), 'a-file');
    writeFileSync(file, 'x');
    const notDir = await validate({ receiver: '0', data_path: file });
    expect(notDir.text).toContain(`data_path ${file} is not a folder`);
    expect((await validate({ receiver: '0', data_path: mkdtempSync(join(tmpdir(), 'dp-')) })).code).toBe(0);
  });

  it('runs the receiver with its token from storage/passwords and delivers through the named HEC destination', async () => {
    const input = await loadInputKind('mail_metadata');
    const port = await freePort();
    splunkd.setPassword('ta_ser_mail_receiver', 'm1', 'token-from-storage-passwords');
    const stanza = `<stanza name="mail_metadata://m1" app="TA-ser-mail">${params({ hec: 'main', auth_mode: 'static', auth_secret: '********', listen_port: String(port), index: 'mail', interval: '0' })}</stanza>`;
    const doc = `<input><server_host>sh1</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${mkdtempSync(join(tmpdir(), 'mm-'))}</checkpoint_dir><configuration>${stanza}</configuration></input>`;
    const stop = new AbortController();
    const { out, io: streams } = io(doc, stop.signal);
    const running = runModinput(input, 'run', streams);
    const url = `http://127.0.0.1:${port}/api/mails`;
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = await post(url, mails('o@x.com', [message(1), message(2)]), { token: 'token-from-storage-passwords' }).then(
        (r) => r.status,
        () => 0, // not listening yet
      );
      if (status !== 200) await sleep(25);
    }
    expect(status).toBe(200);
    expect((await post(url, mails('o@x.com', [message(3)]), { token: 'wrong' })).status).toBe(401);
    stop.abort();
    expect(await running).toBe(0);
    const events = hec.events() as Array<{ index: string; source: string; event: Record<string, unknown> }>;
    expect(events.map((e) => e.event.internal_message_id)).toEqual(['AAMk-1', 'AAMk-2']);
    expect(events[0]).toMatchObject({ index: 'mail', source: 'mail_metadata://m1' });
    expect(out.err).not.toContain('token-from-storage-passwords');
    // Stopping (splunkd's SIGTERM) writes the receiver's figures line for the health dashboard.
    const figures = out.err.split('\n').filter((l) => l.startsWith('INFO [mail_metadata://m1] mail receiver figures {'));
    expect(figures).toHaveLength(1);
    expect(JSON.parse(figures[0]!.slice(figures[0]!.indexOf('{')))).toMatchObject({ requests: 2, delivered: 1, events: 2, rejected_auth: 1, refused: 0, unavailable: 0, final: true });
  });
});
