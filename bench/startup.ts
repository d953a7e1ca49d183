// Start-up cost of the packaged app, the way splunkd pays it: splunkd starts bin/ser_report.sh
// for every --scheme, every validation and every run. Compared with `node -e 0` measured in the
// same run (target: at most 3x). A configured input with nothing new to read also has network
// round trips it cannot avoid (splunkd for settings and secrets, SER for a token and the
// entitlement, HEC for that event): they are replayed by a minimal client — raw undici, one
// TLS connection per server, the recorded requests one after another — and its time is the
// run's allowance on top: target run_idle <= 3 x node -e 0 + round trips, same run.
// Run with `npm run bench:startup` (packages first).
// Figures: median wall time of N runs each, interleaved so load drift hits all alike. SPLUNK_HOME
// is a temp folder, so the app's loader keeps its V8 code cache there as it would under splunkd.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { checkpointFileName } from '../src/core/checkpoint.js';
import { serCheckpointKey } from '../src/ser/checkpoint-state.js';
import { startHecSimulator } from '../src/sim/hec.js';
import { createPki } from '../src/sim/pki.js';
import { startSerSimulator } from '../src/sim/ser.js';
import { startSplunkdSimulator } from '../src/sim/splunkd.js';
import { unpack } from '../test/splunk/packaged.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

// splunkd runs the wrappers with SPLUNK_HOME set: the loader keeps its V8 code cache under it.
const splunkHome = mkdtempSync(join(tmpdir(), 'bench-splunk-home-'));
// Two environments, each with its own `node -e 0`: the one the bench was started in, and, when
// that one sets NODE_EXTRA_CA_CERTS (this machine's shells do), the same without it, as splunkd
// would normally start the program. Node loads that file at every start (about 85 ms here), which
// adds the same to `node -e 0` and to every run, so the ratios read easier with it than without.
const inherited = { ...process.env, SPLUNK_HOME: splunkHome };
const withoutExtraCa: NodeJS.ProcessEnv = { ...inherited };
delete withoutExtraCa.NODE_EXTRA_CA_CERTS;
let env: NodeJS.ProcessEnv = inherited;

function timeRun(cmd: string, args: string[], stdin = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().split('\n').at(-1)}`));
      else resolve(ms);
    });
    child.stdin.end(stdin);
  });
}

// CPU time (user + system, all threads) of one run, where GNU time is installed: what a host
// running many inputs pays, apart from the wall time splunkd waits.
const GNU_TIME = '/usr/bin/time';
const cpuFile = join(mkdtempSync(join(tmpdir(), 'bench-cpu-')), 'cpu.txt');
async function cpuRun(cmd: string, args: string[], stdin = ''): Promise<number> {
  await timeRun(GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args], stdin);
  const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

const app = unpack();
const wrapper = join(app, 'bin', 'ser_report.sh');
const pki = createPki();
const tls = { cert: pki.serverCert, key: pki.serverKey };
const [splunkd, ser, hec] = await Promise.all([startSplunkdSimulator({ tls }), startSerSimulator({ tls, rateLimitPerMinute: 0 }), startHecSimulator({ tls, keep: 'count' })]);
try {
  splunkd.setStanza('ta_ser_mail_accounts', 'acme', { client_id: ser.clientId, auth_url: ser.url, api_url: ser.url, ca_file: pki.caFile });
  splunkd.setPassword('ta_ser_mail_account', 'acme', ser.clientSecret);
  splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, ca_file: pki.caFile });
  splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
  // The same HEC with a short batch_interval: shows whether an idle run still waits for the batch timer.
  splunkd.setStanza('ta_ser_mail_hec', 'fast', { urls: hec.url, ca_file: pki.caFile, batch_interval: '50ms' });
  splunkd.setPassword('ta_ser_mail_hec', 'fast', hec.token);
  mkdirSync(join(app, 'local'), { recursive: true });
  writeFileSync(join(app, 'local', 'ta_ser_mail_settings.conf'), `[splunkd]\nca_file = ${pki.caFile}\n`);

  // An input whose checkpoint is at the newest settled window: its run reads settings and
  // secrets, sends the entitlement event, and finds no window to read.
  const cpDir = mkdtempSync(join(tmpdir(), 'bench-startup-cp-'));
  const hour = 3_600_000;
  const next = Math.floor((Date.now() - 15 * 60_000) / hour) * hour;
  writeFileSync(join(cpDir, checkpointFileName(serCheckpointKey('idle', 'acme'))), JSON.stringify({ v: 1, account: 'acme', input: 'idle', next, recent: [] }));
  const head = `<server_host>bench</server_host><server_uri>${splunkd.url}</server_uri><session_key>${splunkd.sessionKey}</session_key><checkpoint_dir>${cpDir}</checkpoint_dir>`;
  const emptyDoc = `<input>${head}<configuration/></input>`;
  const idleDoc = (hecName: string) =>
    `<input>${head}<configuration><stanza name="ser_report://idle" app="TA-ser-mail"><param name="account">acme</param><param name="hec">${hecName}</param><param name="window">1h</param><param name="restatement_horizon">0</param></stanza></configuration></input>`;

  // Warmed up in splunkd's order: introspection (--scheme), then the configured input's run.
  // The loader keeps one code cache per face, written by the first run of that face.
  const cases: Record<string, () => Promise<number>> = {
    node_e0: () => timeRun(process.execPath, ['-e', '0']),
    scheme: () => timeRun(wrapper, ['--scheme']),
    run_idle: () => timeRun(wrapper, [], idleDoc('main')),
    run_idle_50ms_batch: () => timeRun(wrapper, [], idleDoc('fast')),
    run_empty: () => timeRun(wrapper, [], emptyDoc),
  };
  for (const c of Object.values(cases)) await c(); // warm the page cache and the code caches

  // The round trips of one idle run, as the simulators recorded them.
  splunkd.clearCalls();
  const serBefore = ser.requests().length;
  const hecBefore = hec.requests().length;
  await cases.run_idle!();
  const splunkdCalls = splunkd.calls().map((c) => ({ method: c.method, path: c.path, query: c.query, body: c.body }));
  const serCalls = ser.requests().slice(serBefore);
  const hecCalls = hec.requests().slice(hecBefore);
  const event = JSON.stringify({ time: Date.now() / 1000, sourcetype: 'bench', event: { entitlement: 1 } });
  const roundTrips = async (): Promise<number> => {
    const agents = [splunkd.url, ser.url, hec.url].map(() => new Agent({ connect: { ca: pki.ca } }));
    const [toSplunkd, toSer, toHec] = agents;
    const t0 = performance.now();
    for (const c of splunkdCalls) {
      const form = c.body && typeof c.body === 'object' ? new URLSearchParams(c.body as Record<string, string>).toString() : undefined;
      const r = await request(`${splunkd.url}${c.path}?${new URLSearchParams(c.query)}`, { method: c.method as 'GET', headers: { authorization: `Splunk ${splunkd.sessionKey}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, body: form, dispatcher: toSplunkd });
      await r.body.text();
    }
    let bearer = '';
    for (const c of serCalls) {
      const q = new URLSearchParams();
      if (c.startTimeStamp) q.set('startTimeStamp', c.startTimeStamp);
      if (c.endTimeStamp) q.set('endTimeStamp', c.endTimeStamp);
      const token = c.method === 'POST';
      const r = await request(`${ser.url}${c.path}${q.size ? `?${q}` : ''}`, {
        method: c.method as 'GET',
        headers: token ? { 'content-type': 'application/x-www-form-urlencoded' } : { authorization: `Bearer ${bearer}` },
        body: token ? new URLSearchParams({ grant_type: 'client_credentials', client_id: ser.clientId, client_secret: ser.clientSecret }).toString() : undefined,
        dispatcher: toSer,
      });
      const text = await r.body.text();
      if (token) bearer = (JSON.parse(text) as { access_token?: string }).access_token ?? '';
    }
    for (const c of hecCalls) {
      const r = await request(`${hec.url}${c.path}`, { method: 'POST', headers: { authorization: `Splunk ${hec.token}` }, body: c.path.endsWith('/health') ? undefined : event, dispatcher: toHec });
      await r.body.text();
    }
    const ms = performance.now() - t0;
    await Promise.all(agents.map((a) => a!.close()));
    return ms;
  };
  await roundTrips();

  const environments: Array<[string, NodeJS.ProcessEnv]> = [['inherited', inherited]];
  if (process.env.NODE_EXTRA_CA_CERTS) environments.push(['without NODE_EXTRA_CA_CERTS', withoutExtraCa]);
  for (const [label, e] of environments) {
    env = e;
    for (const c of Object.values(cases)) await c(); // the first runs in this environment
    const samples: Record<string, number[]> = Object.fromEntries([...Object.keys(cases), 'round_trips', 'cpu_node_e0', 'cpu_run_idle'].map((k) => [k, []]));
    const withCpu = existsSync(GNU_TIME);
    for (let i = 0; i < ROUNDS; i++) {
      for (const [k, c] of Object.entries(cases)) samples[k]!.push(await c());
      samples.round_trips!.push(await roundTrips());
      if (withCpu) {
        samples.cpu_node_e0!.push(await cpuRun(process.execPath, ['-e', '0']));
        samples.cpu_run_idle!.push(await cpuRun(wrapper, [], idleDoc('main')));
      }
    }

    const base = median(samples.node_e0!);
    const figures: Record<string, unknown> = { environment: label, rounds: ROUNDS, node_e0_ms: round1(base) };
    process.stdout.write(`-- environment: ${label}\n`);
    for (const k of ['scheme', 'run_empty', 'run_idle', 'run_idle_50ms_batch']) {
      const m = median(samples[k]!);
      figures[`${k}_ms`] = round1(m);
      figures[`${k}_ratio`] = Math.round((m / base) * 100) / 100;
      process.stdout.write(`${k.padEnd(20)} ${round1(m).toString().padStart(7)} ms  = ${(m / base).toFixed(2)} x node -e 0 (${round1(base)} ms)\n`);
    }
    const target = 3;
    figures.target_ratio = target;
    figures.scheme_within_target = (figures.scheme_ratio as number) <= target ? 1 : 0;
    figures.run_empty_within_target = (figures.run_empty_ratio as number) <= target ? 1 : 0;
    // The configured input with nothing to read is the "run with nothing to do" an admin sees:
    // its allowance is 3x node -e 0 plus the round trips it must make.
    const trips = median(samples.round_trips!);
    const allowance = target * base + trips;
    const idle = median(samples.run_idle!);
    Object.assign(figures, {
      round_trips_ms: round1(trips),
      round_trips: { splunkd: splunkdCalls.length, ser: serCalls.length, hec: hecCalls.length },
      run_idle_allowance_ms: round1(allowance),
      run_idle_vs_allowance: Math.round((idle / allowance) * 100) / 100,
      run_idle_within_target: idle <= allowance ? 1 : 0,
    });
    if (withCpu) {
      Object.assign(figures, { cpu_node_e0_ms: round1(median(samples.cpu_node_e0!)), cpu_run_idle_ms: round1(median(samples.cpu_run_idle!)) });
      process.stdout.write(`CPU (user + system): run_idle ${figures.cpu_run_idle_ms} ms, node -e 0 ${figures.cpu_node_e0_ms} ms\n`);
    }
    process.stdout.write(`round trips of an idle run: ${splunkdCalls.length} splunkd + ${serCalls.length} SER + ${hecCalls.length} HEC = ${round1(trips)} ms by a minimal client\n`);
    process.stdout.write(`run_idle ${round1(idle)} ms vs allowance 3 x ${round1(base)} + ${round1(trips)} = ${round1(allowance)} ms: ${(idle / allowance).toFixed(2)} of it\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'startup', ...figures })}\n`);
  }
} finally {
  await Promise.all([splunkd.close(), ser.close(), hec.close()]);
}
