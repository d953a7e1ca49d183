/**
 * `npm run bench:mail` — messages/s end to end (POST → delivered to the HEC simulator) through
 * the mail receiver, with the connector's 10 messages per request and with 500 (8 clients), and
 * 10 per request from 50 clients, against a
 * baseline server that only does JSON.parse + forward (no auth, validation or mapping) through
 * the same HecSink. Each server runs in its own child process so its peak RSS is its own.
 * Five paired rounds per scenario; the figures are medians.
 * Last line: one JSON object with every figure. `--soak`: see bench/mail-soak.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { silentLogger } from '../src/core/logger.js';
import { FileCheckpointStore } from '../src/core/checkpoint.js';
import { Secret } from '../src/core/secret.js';
import { SOURCETYPES } from '../src/core/sourcetypes.js';
import { HecSink, hecSinkConfig } from '../src/hec/sink.js';
import { mailInputSchema } from '../src/mail/config.js';
import { startMailInput } from '../src/mail/input.js';
import { startHecSimulator } from '../src/sim/hec.js';

type Mode = 'receiver' | 'baseline';
const TOKEN = 'bench-connector-token';
const SCENARIOS = [
  { clients: 8, perRequest: 10, requests: 1000 },
  { clients: 8, perRequest: 500, requests: 40 },
  // 50 connectors at once: the receiver's defaults (a byte budget, not 8 slots) must not turn them away.
  { clients: 50, perRequest: 10, requests: 2000 },
];
/** `--rounds N` and `--only 10x8,500x8,10x50` (per request x clients) narrow a rerun on a noisy machine. */
const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(argValue('rounds') ?? 5);
const ONLY = argValue('only')?.split(',');

// ---------------------------------------------------------------- child: one server
async function serve(mode: Mode, hecUrl: string, hecToken: string): Promise<void> {
  const sink = new HecSink(hecSinkConfig({ urls: hecUrl, token: hecToken, batch_interval: '5ms', max_in_flight: 8 }), { log: silentLogger });
  let url: string;
  if (mode === 'receiver') {
    // The input's defaults (max_in_flight_mb, max_concurrent_requests): what a user gets.
    const { auth_secret: _s, ...config } = mailInputSchema.parse({ auth_mode: 'static', listen_port: 0 });
    const input = await startMailInput({ name: 'bench', config, secret: new Secret(TOKEN), sink, checkpoints: new FileCheckpointStore('/tmp'), log: silentLogger });
    url = input.receiver!.url;
  } else {
    let seq = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { mailMessages: unknown[] };
        const now = Date.now() / 1000;
        const events = body.mailMessages.map((m) => ({ time: now, sourcetype: SOURCETYPES.mailMessage, event: m as Record<string, unknown>, id: String(++seq) }));
        sink.sendAll(events).then(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
          () => res.writeHead(503).end(),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  process.send!({ url });
  process.on('message', () => {
    clearInterval(sampler);
    process.send!({ peakRss: Math.max(peakRss, process.memoryUsage().rss) }, () => process.exit(0));
  });
}

// ---------------------------------------------------------------- parent: load and measure
function connectorMessage(n: number): Record<string, unknown> {
  return {
    id: `AAMkAGI2-${n}`,
    sentAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
    receivedAt: new Date(Date.UTC(2024, 0, 1) + n * 1000 + 800).toISOString(),
    from: { displayName: 'Иван Петров', address: 'ivan.petrov@example.ru' },
    to: [{ displayName: 'Мария Сидорова', address: `maria${n % 17}@example.ru` }, { displayName: 'Team', address: 'team@example.ru' }],
    cc: [{ displayName: 'Аудит', address: 'audit@example.ru' }],
    bcc: null,
    importance: 'normal',
    threadId: `AAQkAGI2-thread-${n % 101}`,
    subject: `Отчёт за квартал №${n} — согласование`,
    body: { contentType: 'html', content: `<p>Добрый день! ${'Текст письма. '.repeat(12)}</p>` },
    headers: [
      { name: 'Message-ID', value: `<${n}.bench@example.ru>` },
      { name: 'X-Mailer', value: 'Microsoft Outlook 16.0' },
    ],
    isFlagged: false,
    isSent: n % 3 === 0,
    isAutomatic: null,
  };
}

function bodies(perRequest: number, requests: number, offset: number): string[] {
  return Array.from({ length: requests }, (_, r) =>
    JSON.stringify({ ownerIdentity: { type: 'email', value: 'ivan.petrov@example.ru' }, mailMessages: Array.from({ length: perRequest }, (_, i) => connectorMessage(offset + r * perRequest + i)) }),
  );
}

function startServer(mode: Mode, hecUrl: string, hecToken: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', mode, hecUrl, hecToken], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ child, url: m.url }));
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
}

function stopServer(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('message', (m: { peakRss: number }) => resolve(m.peakRss));
    child.send('stop');
  });
}

async function load(url: string, payloads: string[], clients: number): Promise<number> {
  const pool = new Pool(url, { connections: clients, pipelining: 1 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < payloads.length) {
        const body = payloads[next++]!;
        const res = await pool.request({ path: '/api/mails', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`POST answered ${res.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const sim = await startHecSimulator({ keep: 'count' });
  const figures: Record<string, number> = {};
  let offset = 0;
  for (const { clients, perRequest, requests } of SCENARIOS.filter((x) => !ONLY || ONLY.includes(`${x.perRequest}x${x.clients}`))) {
    const tag = `${perRequest}_per_request${clients === 8 ? '' : `_${clients}_clients`}`;
    const rates: Record<Mode, number[]> = { receiver: [], baseline: [] };
    const rss: Record<Mode, number> = { receiver: 0, baseline: 0 };
    const ratios: number[] = [];
    // Paired rounds in alternating order: on a shared machine the load drifts, and a ratio
    // taken within one round cancels most of that drift; the median drops the outliers.
    for (let round = 0; round < ROUNDS; round++) {
      const rate: Partial<Record<Mode, number>> = {};
      for (const mode of round % 2 === 0 ? (['baseline', 'receiver'] as const) : (['receiver', 'baseline'] as const)) {
        const payloads = bodies(perRequest, requests, (offset += perRequest * requests));
        const { child, url } = await startServer(mode, sim.url, sim.token);
        await load(url, payloads.slice(0, Math.max(2, Math.floor(requests / 20))), clients); // warm-up
        const before = sim.stats().accepted;
        const seconds = await load(url, payloads, clients);
        const delivered = sim.stats().accepted - before;
        const peak = await stopServer(child);
        if (delivered < perRequest * requests) throw new Error(`${mode}: HEC got ${delivered} of ${perRequest * requests} events`);
        rate[mode] = (perRequest * requests) / seconds;
        rates[mode].push(rate[mode]);
        rss[mode] = Math.max(rss[mode], peak);
        process.stdout.write(`${mode.padEnd(8)} ${String(perRequest).padStart(3)}/request ${String(clients).padStart(2)} clients  round ${round + 1}: ${Math.round(rate[mode])} messages/s, peak RSS ${Math.round(peak / 2 ** 20)} MB\n`);
      }
      ratios.push(rate.receiver! / rate.baseline!);
    }
    const ratio = median(ratios);
    const rec = median(rates.receiver);
    const base = median(rates.baseline);
    process.stdout.write(`=> ${perRequest}/request, ${clients} clients: receiver ${Math.round(rec)} msg/s vs baseline ${Math.round(base)} msg/s (medians); median paired ratio ${ratio.toFixed(2)} (target >= 0.7)\n`);
    figures[`receiver_${tag}_msgs_per_s`] = Math.round(rec);
    figures[`baseline_${tag}_msgs_per_s`] = Math.round(base);
    figures[`ratio_${tag}`] = Number(ratio.toFixed(3));
    figures[`receiver_${tag}_peak_rss_mb`] = Math.round(rss.receiver / 2 ** 20);
    figures[`baseline_${tag}_peak_rss_mb`] = Math.round(rss.baseline / 2 ** 20);
  }
  await sim.close();
  process.stdout.write(`${JSON.stringify({ bench: 'mail', rounds: ROUNDS, ...figures })}\n`);
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as Mode, process.argv[4]!, process.argv[5]!);
} else if (process.argv.includes('--soak')) {
  await (await import('./mail-soak.js')).soak();
} else {
  await main();
}
