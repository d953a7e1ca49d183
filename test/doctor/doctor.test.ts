import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import { renderTable } from '../../src/doctor/table.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSendSimulator, type SendSimulator } from '../../src/sim/send.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { writeConfig } from './helpers.js';
import { datedClientPair, daysFromNow } from './pem-pki.js';

let pki: Pki;
let hec: HecSimulator;
let send: SendSimulator;
let ser: SerSimulator;
let work: string;
const env = () => ({ SER_SECRET: ser.clientSecret, HEC_TOKEN: hec.token, SEND_SECRET: 'mailbox-secret-1', KEY_PASS: pki.clientKeyPassphrase });

beforeAll(async () => {
  pki = createPki(undefined, { days: 400 });
  work = mkdtempSync(join(tmpdir(), 'ta-doctor-work-'));
  hec = await startHecSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey }, ack: true });
  ser = await startSerSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  send = await startSendSimulator({ cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca, mailbox: { address: 'alerts@example.com', secret: 'mailbox-secret-1' } });
});
afterAll(async () => {
  await hec?.close();
  await send?.close();
  await ser?.close();
});

function baseConfig(over: { hec?: Record<string, unknown>; send?: Record<string, unknown>; service?: Record<string, unknown>; mail?: Record<string, unknown>; proxy?: Record<string, unknown> } = {}) {
  return {
    service: { checkpoint_dir: join(work, 'checkpoints'), ...over.service },
    proxy: { use_env: false, ...over.proxy },
    accounts: { prod: { client_id: ser.clientId, client_secret: { env: 'SER_SECRET' }, auth_url: ser.url, api_url: ser.url, ca_file: pki.caFile } },
    hec: { main: { urls: hec.url, token: { env: 'HEC_TOKEN' }, ack: true, ca_file: pki.caFile, ...over.hec } },
    send_services: {
      mailer: {
        host: '127.0.0.1',
        port: send.port,
        client_cert_file: pki.clientCertFile,
        client_key_file: pki.clientKeyFile,
        passphrase: { env: 'KEY_PASS' },
        ca_file: pki.caFile,
        secret: { env: 'SEND_SECRET' },
        from: 'alerts@example.com',
        encrypt: true,
        public_key_file: pki.wrapPublicKeyFile,
        ...over.send,
      },
    },
    inputs: { ser_report: { prod: { account: 'prod', hec: 'main', window: '1h' } }, mail_metadata: { exchange: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'SEND_SECRET' }, listen_port: 0, data_path: join(work, 'datapath'), ...over.mail } } },
  };
}

function row(results: CheckResult[], check: string): CheckResult {
  const r = results.find((x) => x.check === check);
  if (!r) throw new Error(`no row ${check} in\n${renderTable(results)}`);
  return r;
}

async function doctor(config: unknown, e: NodeJS.ProcessEnv = env()) {
  return runDoctor(writeConfig(config), { env: e, timeoutMs: 10_000 });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('doctor against the simulators', () => {
  it('passes every check of a good configuration, and indexes nothing', async () => {
    const before = hec.stats().accepted;
    const report = await doctor(baseConfig());
    const table = renderTable(report.results);
    expect(report.results.filter((r) => r.status === 'fail'), table).toEqual([]);
    expect(report.ok).toBe(true);
    for (const c of ['receiver files', 'SER token', 'SER report', 'config', 'DNS', 'TLS', 'HEC health', 'HEC token', 'client certificate', 'send mTLS', 'encryption key', 'checkpoint dir']) {
      expect(row(report.results, c).status, c).toBe('pass');
    }
    expect(row(report.results, 'HEC token').detail).toMatch(/No data/);
    expect(hec.stats().accepted).toBe(before);
    expect(send.delivered()).toEqual([]);
    expect(table).not.toContain(hec.token);
    expect(table).not.toContain(pki.clientKeyPassphrase);
  });

  it('reports SER credentials that are refused, and skips the report call', async () => {
    const report = await doctor(baseConfig(), { ...env(), SER_SECRET: 'wrong-secret' });
    const t = row(report.results, 'SER token');
    expect(t.status).toBe('fail');
    expect(t.fix).toMatch(/client_id \/ client_secret/);
    expect(row(report.results, 'SER report').status).toBe('skip');
    expect(renderTable(report.results)).not.toContain('wrong-secret');
  });

  it('reports a SER API that fails the report call (5xx) and one that answers garbage', async () => {
    ser.setFault({ kind: 'status', status: 503, count: 1 });
    const down = await doctor(baseConfig());
    expect(row(down.results, 'SER token').status).toBe('pass');
    expect(row(down.results, 'SER report').status).toBe('fail');
    expect(row(down.results, 'SER report').detail).toMatch(/HTTP 503/);
    ser.setFault({ kind: 'bad-field', count: 1 });
    const garbage = await doctor(baseConfig());
    expect(row(garbage.results, 'SER report').status).toBe('fail');
    expect(row(garbage.results, 'SER report').detail).toMatch(/success/);
    ser.clearFaults();
  });

  it('reports an invalid HEC token (code 4) with its fix', async () => {
    const report = await doctor(baseConfig(), { ...env(), HEC_TOKEN: '00000000-0000-0000-0000-000000000000' });
    const r = row(report.results, 'HEC token');
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/code 4/);
    expect(r.fix).toMatch(/HTTP Event Collector/);
    expect(report.ok).toBe(false);
  });

  it('reports a token without indexer acknowledgement when the destination waits for acks, indexing nothing', async () => {
    const noAck = await startHecSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey }, ack: false, token: hec.token });
    try {
      const report = await doctor(baseConfig({ hec: { urls: noAck.url } }));
      const r = row(report.results, 'HEC token');
      expect(r.status).toBe('fail');
      expect(r.detail).toMatch(/code 14/);
      expect(r.fix).toMatch(/hec\.main\.ack/);
      expect(row((await doctor(baseConfig({ hec: { urls: noAck.url, ack: false } }))).results, 'HEC token').status).toBe('pass');
      expect(noAck.stats().accepted).toBe(0);
    } finally {
      await noAck.close();
    }
  });

  it('reports HEC down: health fails, the token check is skipped', async () => {
    const port = await closedPort();
    const report = await doctor(baseConfig({ hec: { urls: `https://127.0.0.1:${port}` } }));
    expect(row(report.results, 'HEC health').status).toBe('fail');
    expect(row(report.results, 'HEC token').status).toBe('skip');
    expect(report.results.find((r) => r.check === 'TLS' && r.target.endsWith(`:${port}`))?.detail).toMatch(/refused/);
    expect(report.ok).toBe(false);
  });

  it('reports an unhealthy HEC (queues full) from the health endpoint', async () => {
    hec.setFault({ kind: 'busy' });
    try {
      const report = await doctor(baseConfig());
      expect(row(report.results, 'HEC health').status).toBe('fail');
      expect(row(report.results, 'HEC health').detail).toMatch(/unhealthy/);
    } finally {
      hec.setFault(null);
    }
  });

  it('reports a certificate that does not verify against the configured CA', async () => {
    const report = await doctor(baseConfig({ hec: { ca_file: pki.rogueCaFile } }));
    const tls = report.results.find((r) => r.check === 'TLS' && r.target === `127.0.0.1:${new URL(hec.url).port}`)!;
    expect(tls.status).toBe('fail');
    expect(tls.fix).toMatch(/hec\.main\.ca_file/);
    expect(report.ok).toBe(false);
  });

  it('reports a CA file that cannot be read as failed rows (never a crash without a table)', async () => {
    const missing = join(work, 'no-such-ca.pem');
    const report = await doctor({ ...baseConfig({ hec: { ca_file: missing } }), accounts: { prod: { ...baseConfig().accounts.prod, ca_file: missing } } });
    const table = renderTable(report.results);
    expect(report.ok).toBe(false);
    for (const c of ['HEC health', 'SER token']) {
      const r = row(report.results, c);
      expect(r.status, table).toBe('fail');
      expect(r.detail).toContain(missing);
      expect(r.fix).toMatch(c === 'HEC health' ? /hec\.main\.ca_file/ : /accounts\.prod\.ca_file/);
    }
    expect(row(report.results, 'HEC token').status).toBe('skip');
    expect(row(report.results, 'SER report').status).toBe('skip');
    expect(row(report.results, 'send mTLS').status).toBe('pass');
  });

  it('reports a client certificate the send service does not trust', async () => {
    const report = await doctor(baseConfig({ send: { client_cert_file: pki.rogueClientCertFile, client_key_file: pki.rogueClientKeyFile, passphrase: undefined } }));
    expect(row(report.results, 'client certificate').status).toBe('pass');
    const m = row(report.results, 'send mTLS');
    expect(m.status).toBe('fail');
    expect(m.fix).toMatch(/trust|CA/);
  });

  it('reports a wrong key passphrase and skips the handshake', async () => {
    const report = await doctor(baseConfig(), { ...env(), KEY_PASS: 'not-the-passphrase' });
    expect(row(report.results, 'client certificate').status).toBe('fail');
    expect(row(report.results, 'client certificate').detail).toMatch(/passphrase/);
    expect(row(report.results, 'send mTLS').status).toBe('skip');
  });

  it('reports an encryption key that cannot be loaded', async () => {
    const bad = join(work, 'not-a-key.pem');
    writeFileSync(bad, 'hello');
    const report = await doctor(baseConfig({ send: { public_key_file: bad } }));
    const r = row(report.results, 'encryption key');
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/public_key_file/);
  });

  it('reports a checkpoint directory that cannot be written', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const report = await doctor(baseConfig({ service: { checkpoint_dir: join(file, 'checkpoints') } }));
    const r = row(report.results, 'checkpoint dir');
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/ENOTDIR|EEXIST/);
    expect(r.fix).toMatch(/set service\.checkpoint_dir /); // the one setting there is (not a per-input one)
  });

  it('reports a connector mailbox list that is not a JSON array', async () => {
    const list = join(work, 'whitelist.json');
    writeFileSync(list, '{"a@x.com": true}');
    const report = await doctor(baseConfig({ mail: { whitelist_file: list } }));
    const r = row(report.results, 'receiver files');
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/inputs\.mail_metadata\.exchange\.whitelist_file/);
    writeFileSync(list, '["a@x.com", "b@x.com"]');
    expect(row((await doctor(baseConfig({ mail: { whitelist_file: list } }))).results, 'receiver files').detail).toMatch(/whitelist 2 mailbox/);
  });

  it('reports the mail receiver certificate by the send certificates\' rule: expired fails, within 30 days warns', async () => {
    const files = (name: string, from: number, to: number) => {
      const p = datedClientPair(pki, name, daysFromNow(from), daysFromNow(to));
      writeFileSync(join(work, `${name}.crt`), p.cert);
      writeFileSync(join(work, `${name}.key`), p.key);
      return { tls_cert_file: join(work, `${name}.crt`), tls_key_file: join(work, `${name}.key`) };
    };
    const good = row((await doctor(baseConfig({ mail: { tls_cert_file: pki.serverCertFile, tls_key_file: pki.serverKeyFile } }))).results, 'receiver files');
    expect(good.status).toBe('pass');
    expect(good.detail).toMatch(/TLS certificate and key match, certificate expires in 39\d d/);
    const old = row((await doctor(baseConfig({ mail: files('receiver-old', -60, -1) }))).results, 'receiver files');
    expect(old.status).toBe('fail');
    expect(old.detail).toMatch(/receiver-old\.crt: the certificate is expired on \d{4}-\d\d-\d\d$/);
    expect(old.fix).toMatch(/inputs\.mail_metadata\.exchange\.tls_cert_file/);
    const soon = await doctor(baseConfig({ mail: files('receiver-soon', -60, 5) }));
    expect(row(soon.results, 'receiver files').status).toBe('warn');
    expect(row(soon.results, 'receiver files').detail).toMatch(/expires in [45] d/);
    expect(soon.ok).toBe(true);
  });

  it('with a proxy, checks the way to the proxy and lets the HTTP rows test the path through it', async () => {
    const port = await closedPort();
    const report = await doctor(baseConfig({ proxy: { url: `http://127.0.0.1:${port}` } }));
    const tls = report.results.filter((r) => r.check === 'TLS');
    expect(tls.length).toBeGreaterThan(0);
    expect(tls.every((r) => r.status === 'skip' && r.detail.includes(`127.0.0.1:${port}`))).toBe(true);
    expect(row(report.results, 'HEC health').status).toBe('fail');
    expect(row(report.results, 'SER token').status).toBe('fail');
    expect(report.ok).toBe(false);
  });

  it('reports an invalid configuration as one failed row naming the field', async () => {
    const report = await doctor({ ...baseConfig(), hec: { main: { urls: 'not a url', token: { env: 'HEC_TOKEN' } } } });
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.status).toBe('fail');
    expect(report.results[0]!.detail).toMatch(/hec\.main\.urls/);
  });

  it('fails the config row for a receiver that run would refuse to start (plain HTTP off loopback)', async () => {
    const report = await doctor(baseConfig({ mail: { listen_host: '0.0.0.0' } }));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.status).toBe('fail');
    expect(report.results[0]!.detail).toMatch(/inputs\.mail_metadata\.exchange: listen_host 0\.0\.0\.0 is not loopback/);
  });

  it('refuses a secret written inline', async () => {
    const report = await doctor({ ...baseConfig(), hec: { main: { urls: hec.url, token: hec.token } } });
    expect(report.results[0]!.detail).toMatch(/hec\.main\.token: a secret is never written/);
    expect(report.results[0]!.detail).not.toContain(hec.token);
  });
});
