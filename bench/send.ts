/**
 * Secure send throughput against the service's own limit, measured in the same run:
 *   1. limit: the same simulator driven by a minimal client (raw undici, one keep-alive pool,
 *      request bodies encrypted and built before the clock starts) - what the service can take;
 *   2. the alert action's real path: runAlert over a gzipped results file (read, render per row,
 *      encrypt, send through SendClient, audit events built and written to the fsync'd audit
 *      file, accepted messageIds to the ledger) - target >= 0.8 of (1);
 *   3. SendClient alone over keep-alive, and 4. a new TLS connection per message (what the
 *      specification's curl example implies); plus the encryption cost per message.
 * The last line is one JSON object with every figure.
 *
 *   npm run bench:send            (env: SEND_BENCH_MESSAGES, SEND_BENCH_BASELINE_MESSAGES, SEND_BENCH_CONCURRENCY)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { runAlert } from '../src/send/action.js';
import { AuditTrail } from '../src/send/audit-trail.js';
import { alertParamsSchema } from '../src/send/config.js';
import { AcceptedLedger } from '../src/send/ledger.js';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/core/logger.js';
import { SendClient } from '../src/send/client.js';
import { sendServiceSchema } from '../src/send/config.js';
import { encryptMessage, loadWrapKey } from '../src/send/crypto.js';
import { buildRequest, messageIdFor, type OutgoingMessage } from '../src/send/message.js';
import { openSendService, type SendService } from '../src/send/service.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const N = Number(process.env.SEND_BENCH_MESSAGES ?? 2000);
const ROUNDS = Number(process.env.SEND_BENCH_ROUNDS ?? 4);
const N_BASE = Number(process.env.SEND_BENCH_BASELINE_MESSAGES ?? 300);
const CONC = Number(process.env.SEND_BENCH_CONCURRENCY ?? 8);
const WRAP = 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding' as const;

// The simulator runs in its own process (`ta-ser-mail sim send`), as the real service would:
// its TLS and RSA decryption must not share the client's event loop.
const root = fileURLToPath(new URL('../', import.meta.url));
const simProc = spawn(process.execPath, ['--import', 'tsx', 'src/dev-main.ts', 'sim', 'send', '-o', 'encrypt=1', '-o', `wrap_mode=${WRAP}`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise<Record<string, string>>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('sim send did not start in 60 s')), 60_000);
  simProc.on('exit', (code) => reject(new Error(`sim send exited with ${code}`)));
  createInterface({ input: simProc.stdout! }).once('line', (line) => {
    clearTimeout(timer);
    resolve(JSON.parse(line) as Record<string, string>);
  });
});
const pki = { caFile: info.ca_file!, clientCertFile: info.client_cert_file!, clientKeyFile: info.client_key_file!, clientKeyPassphrase: info.passphrase!, wrapCertFile: info.public_key_file! };
const sim = { port: Number(info.port) };
const cfg = sendServiceSchema.parse({
    host: '127.0.0.1', port: String(sim.port), client_cert_file: pki.clientCertFile, client_key_file: pki.clientKeyFile, passphrase: pki.clientKeyPassphrase,
    ca_file: pki.caFile, secret: info.secret, from: info.from, encrypt: '1', public_key_file: pki.wrapCertFile, wrap_mode: WRAP, concurrency: String(CONC), max_attempts: '1',
});

const body = `<p>Host <b>db1</b> disk at 99%.</p>${'<tr><td>row</td><td>value</td></tr>'.repeat(20)}`; // ~1 KB
function message(run: string, i: number): OutgoingMessage {
  const to = [`user${i % 50}.name@example.com`];
  return { messageId: messageIdFor(run, i, to, []), from: 'alerts@example.com', to, cc: [], subject: `Alert ${i}`, body, bodyType: 'text/html', importance: 'normal' };
}

/** Sends n messages with at most CONC in flight; `clientFor` gives the client per message. */
async function drive(run: string, n: number, svc: SendService, clientFor: () => { client: SendClient; done: () => Promise<void> }): Promise<number> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      for (let i = next++; i < n; i = next++) {
        const m = message(run, i);
        const { client, done } = clientFor();
        const o = await client.send(m.messageId, buildRequest(m, svc.wire));
        await done();
        if (o.status !== 'sent') failed++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  if (failed > 0) throw new Error(`${failed} message(s) failed in ${run}`);
  return n / secs;
}

const pem = { cert: readFileSync(pki.clientCertFile, 'utf8'), key: readFileSync(pki.clientKeyFile, 'utf8'), passphrase: pki.clientKeyPassphrase };
const caPem = readFileSync(pki.caFile, 'utf8');

/** (1) The service's limit: raw undici, one keep-alive pool, bodies encrypted and built before the clock. */
async function limit(run: string, n: number): Promise<number> {
  const svc = openSendService(cfg, silentLogger);
  const reqs = Array.from({ length: n }, (_v, i) => buildRequest(message(run, i), svc.wire));
  await svc.close();
  const pool = new Agent({ connect: { ca: caPem, cert: pem.cert, key: pem.key, passphrase: pem.passphrase }, connections: CONC });
  const url = `https://127.0.0.1:${sim.port}/send`;
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      for (let i = next++; i < n; i = next++) {
        const res = await request(url, { method: 'POST', headers: reqs[i]!.headers, body: reqs[i]!.body, dispatcher: pool });
        const reply = (await res.body.json()) as { code?: number };
        if (reply.code !== 0) failed++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  await pool.close();
  if (failed > 0) throw new Error(`${failed} message(s) refused in ${run}`);
  return n / secs;
}

/** (2) The alert action's real path, per_row over a results file of n rows. */
const work = mkdtempSync(join(tmpdir(), 'ta-ser-mail-bench-send-'));
function resultsFile(run: string, n: number): string {
  const file = join(work, `${run}.csv.gz`);
  const rows = Array.from({ length: n }, (_v, i) => `user${i % 50}.name@example.com,db${i},${i % 100},"disk ${i % 100}% full, ""critical"" now"`);
  writeFileSync(file, gzipSync(`user,host,pct,note\r\n${rows.join('\r\n')}\r\n`));
  return file;
}
async function alertPath(run: string, n: number): Promise<number> {
  const file = resultsFile(run, n);
  const params = alertParamsSchema.parse({ service: 'bench', mode: 'per_row', to: '$result.user$', subject: 'Alert $result.host$ ($result.pct$%)', body: `<p>Host <b>$result.host$</b>: $result.note$</p>${'<tr><td>row</td><td>value</td></tr>'.repeat(20)}`, body_type: 'text/html', max_messages: String(n) });
  const started = performance.now();
  const svc = openSendService(cfg, silentLogger);
  const audit = new AuditTrail({ fallbackFile: join(work, `${run}-audit.log`), deadlineMs: 30_000 });
  const ledger = new AcceptedLedger(join(work, `${run}-accepted.jsonl`));
  const ctx = { sid: `scheduler__bench__${run}`, searchName: 'bench', app: 'search', owner: 'admin', serverHost: 'bench', mode: 'per_row' as const };
  const s = await runAlert({ ctx, params, resultsFile: file, service: svc, audit, ledger, log: silentLogger });
  const report = await audit.finish();
  await ledger.close();
  await svc.close();
  const secs = (performance.now() - started) / 1000;
  if (s.sent !== n || report.toFile !== n) throw new Error(`${run}: ${s.sent}/${n} sent, ${report.toFile} audited`);
  return n / secs;
}

// warm-up of both, then the limit and the product's path interleaved (best of ROUNDS each)
await limit('warm-limit', 100);
await alertPath('warm-alert', 100);
const limits: number[] = [];
const alerts: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // alternate which goes first, so a machine whose load drifts favours neither
  if (r % 2 === 0) {
    limits.push(await limit(`limit-${r}`, N));
    alerts.push(await alertPath(`alert-${r}`, N));
  } else {
    alerts.push(await alertPath(`alert-${r}`, N));
    limits.push(await limit(`limit-${r}`, N));
  }
}
const serviceLimit = Math.max(...limits);
const alertRate = Math.max(...alerts);

// (3) keep-alive pool through SendClient alone (prepared messages, encryption per message)
const svc = openSendService(cfg, silentLogger);
await drive('warmup', 50, svc, () => ({ client: svc.client, done: async () => {} }));
const keepAlive = await drive('keepalive', N, svc, () => ({ client: svc.client, done: async () => {} }));
await svc.close();

// (4) a new mutual-TLS connection per message, as one curl call per message does
const baseline = await drive('naive', N_BASE, svc, () => {
  const client = new SendClient({ host: '127.0.0.1', port: sim.port, clientCert: pem, ca: readFileSync(pki.caFile, 'utf8'), concurrency: 1, timeoutMs: 30_000, maxAttempts: 1, retryDelayMs: 0 });
  return { client, done: () => client.close() };
});

// encryption cost per message (fresh key + IV, two GCM fields, RSA wrap) vs plain body build
const pub = loadWrapKey(readFileSync(pki.wrapCertFile, 'utf8'));
const E = 2000;
let t = performance.now();
for (let i = 0; i < E; i++) encryptMessage(`Alert ${i}`, body, pub, WRAP);
const encryptUs = ((performance.now() - t) * 1000) / E;
t = performance.now();
for (let i = 0; i < E; i++) buildRequest(message('plain', i), { secret: cfg.secret, fromHeaderEncoding: 'utf8' });
const plainBuildUs = ((performance.now() - t) * 1000) / E;

simProc.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });

const ratio = keepAlive / baseline;
const ofLimit = alertRate / serviceLimit;
console.log(`service limit (raw undici, one keep-alive pool, pre-built encrypted bodies): ${serviceLimit.toFixed(0)} messages/s (best of ${ROUNDS} x ${N}; runs ${limits.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`alert action real path (results.csv.gz, render, encrypt, send, audit file + ledger): ${alertRate.toFixed(0)} messages/s (best of ${ROUNDS} x ${N}; runs ${alerts.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`ratio alert path / service limit: ${ofLimit.toFixed(2)} (target >= 0.8)`);
console.log(`keep-alive mTLS + encryption: ${keepAlive.toFixed(0)} messages/s (${N} messages after 50 warm-up, ${CONC} in flight on at most ${CONC} connections)`);
console.log(`baseline, new TLS connection per message: ${baseline.toFixed(0)} messages/s (${N_BASE} messages, ${N_BASE} mutual-TLS handshakes)`);
console.log(`ratio keep-alive / baseline: ${ratio.toFixed(1)}x`);
console.log(`encryption per message (AES-256-GCM subject+body ~1 KB, RSA-OAEP-256 wrap): ${encryptUs.toFixed(0)} µs; plain request build: ${plainBuildUs.toFixed(0)} µs`);
console.log(
  JSON.stringify({
    bench: 'send',
    messages: N,
    rounds: ROUNDS,
    service_limit_msgs_per_s: Math.round(serviceLimit),
    alert_path_msgs_per_s: Math.round(alertRate),
    ratio_alert_path_vs_limit: Number(ofLimit.toFixed(2)),
    baseline_messages: N_BASE,
    concurrency: CONC,
    keepalive_msgs_per_s: Math.round(keepAlive),
    baseline_new_connection_msgs_per_s: Math.round(baseline),
    ratio_vs_baseline: Number(ratio.toFixed(2)),
    encrypt_us_per_message: Math.round(encryptUs),
    plain_build_us_per_message: Math.round(plainBuildUs),
  }),
);
