/**
 * `npm run bench:mail -- --soak [--minutes 2] [--rate 500] [--connectors 50] [--set key=value …]` — the mail
 * receiver under a steady offered load while HEC misbehaves a little: the HEC simulator (indexer
 * ack on) answers 2 % of event posts 503, 1 % 429 (Retry-After 1 s) and loses 1 % of acks
 * (seeded, reproducible). Connectors behave like the EWS connector: each keeps its batch until
 * a 2xx, waits Retry-After (else 5 s) after a 503/429, and gives up on a batch after 30 tries.
 * Reports sustained msg/s (messages acknowledged / time until the last batch was), retries per
 * post, batches given up, time to drain after the offer stops, and that HEC holds every message
 * (distinct event ids). `--set` overrides receiver settings (e.g. --set retry_after=5) so
 * defaults can be compared. Last line: one JSON object.
 */
import { Pool } from 'undici';
import { eventId } from '../src/core/event.js';
import { silentLogger } from '../src/core/logger.js';
import { SOURCETYPES } from '../src/core/sourcetypes.js';
import { FileCheckpointStore } from '../src/core/checkpoint.js';
import { Secret } from '../src/core/secret.js';
import { HecSink, hecSinkConfig } from '../src/hec/sink.js';
import { mailInputSchema } from '../src/mail/config.js';
import { startMailInput } from '../src/mail/input.js';
import { startHecSimulator } from '../src/sim/hec.js';

const TOKEN = 'soak-connector-token';
const PER_POST = 50;
const GIVE_UP_AFTER = 30;
const DEFAULT_WAIT_S = 5;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function overrides(): Record<string, string> {
  const out: Record<string, string> = {};
  process.argv.forEach((a, i) => {
    if (a === '--set' && process.argv[i + 1]) {
      const [k, ...v] = process.argv[i + 1]!.split('=');
      out[k!] = v.join('=');
    }
  });
  return out;
}

function message(n: number): Record<string, unknown> {
  return {
    id: `AAMkSoak-${n}`,
    sentAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
    receivedAt: new Date(Date.UTC(2024, 0, 1) + n * 1000 + 700).toISOString(),
    from: { displayName: 'Иван Петров', address: 'ivan.petrov@example.ru' },
    to: [{ displayName: 'Мария', address: `maria${n % 17}@example.ru` }, { displayName: 'Partner', address: 'p@partner.example' }],
    cc: null,
    bcc: null,
    importance: 'normal',
    threadId: `thread-${n % 101}`,
    subject: `Отчёт №${n}`,
    body: { contentType: 'text', content: 'Текст письма. '.repeat(10) },
    headers: [{ name: 'Message-ID', value: `<${n}.soak@example.ru>` }],
    isFlagged: false,
    isSent: n % 3 === 0,
    isAutomatic: null,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function soak(): Promise<void> {
  const minutes = Number(arg('minutes', '2'));
  const rate = Number(arg('rate', '500'));
  const CONNECTORS = Number(arg('connectors', '50'));
  const settings = overrides();
  const sim = await startHecSimulator({ ack: true, ackDelayMs: 20, keep: 'ids', skimEvents: true });
  sim.setChaos({ seed: 17, probability: 0.04, faults: [{ kind: 'busy' }, { kind: 'busy' }, { kind: 'throttle', retryAfterSeconds: 1 }, { kind: 'lose-acks' }] });
  // A destination as docs/mail.md advises for a receiver: short batch_interval; the rest default.
  const sink = new HecSink(hecSinkConfig({ urls: sim.url, token: sim.token, ack: true, batch_interval: '50ms', ...pick(settings, 'hec.') }), { log: silentLogger });
  const { auth_secret: _s, ...config } = mailInputSchema.parse({ auth_mode: 'static', listen_port: 0, ...omit(settings, 'hec.') });
  const input = await startMailInput({ name: 'soak', config, secret: new Secret(TOKEN), sink, checkpoints: new FileCheckpointStore('/tmp'), log: silentLogger });
  const url = input.receiver!.url;
  const pool = new Pool(url, { connections: CONNECTORS, pipelining: 1 });

  // Offer: one post of PER_POST messages every 1000 * PER_POST / rate ms, round-robin to connectors' queues.
  const queues: number[][] = Array.from({ length: CONNECTORS }, () => []);
  const offerMs = minutes * 60_000;
  const started = performance.now();
  let offered = 0;
  let offering = true;
  const offer = (async () => {
    const every = (1000 * PER_POST) / rate;
    for (let k = 0; performance.now() - started < offerMs; k++) {
      queues[k % CONNECTORS]!.push(offered);
      offered += PER_POST;
      const next = started + (k + 1) * every;
      await sleep(Math.max(0, next - performance.now()));
    }
    offering = false;
  })();

  let posts = 0;
  let retries = 0;
  let givenUp = 0;
  let acknowledged = 0;
  const ackedStarts: number[] = [];
  let lastAckAt = started;
  const statuses: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const connector = async (q: number[]) => {
    while (offering || q.length > 0) {
      const first = q.shift();
      if (first === undefined) {
        await sleep(50);
        continue;
      }
      const body = JSON.stringify({ ownerIdentity: { type: 'email', value: 'ivan.petrov@example.ru' }, mailMessages: Array.from({ length: PER_POST }, (_, i) => message(first + i)) });
      for (let attempt = 1; ; attempt++) {
        posts++;
        if (attempt > 1) retries++;
        let status = 0;
        let wait = DEFAULT_WAIT_S;
        try {
          const res = await pool.request({ path: '/api/mails', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
          const text = await res.body.text();
          status = res.statusCode;
          if (status !== 200) {
            const code = /"error":"(\w+)"/.exec(text)?.[1] ?? 'unknown';
            const why = /"message":"([^"]{0,60})/.exec(text)?.[1] ?? '';
            const key = `${status} ${code}: ${why}`;
            reasons[key] = (reasons[key] ?? 0) + 1;
          }
          const ra = Number(res.headers['retry-after']);
          if (Number.isFinite(ra) && ra >= 0) wait = ra;
        } catch {
          status = -1;
        }
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) {
          acknowledged += PER_POST;
          ackedStarts.push(first);
          lastAckAt = performance.now();
          break;
        }
        if (attempt >= GIVE_UP_AFTER) {
          givenUp++;
          break;
        }
        await sleep(wait * 1000);
      }
    }
  };
  await Promise.all([offer, ...queues.map(connector)]);
  const drainS = (lastAckAt - started - offerMs) / 1000;
  await sink.flush(60_000).catch(() => undefined);
  clearInterval(sampler);
  const seconds = (lastAckAt - started) / 1000;
  const inHec = new Set(sim.eventIds());
  const distinct = inHec.size;
  // Every message answered 200 must be in HEC: its id is owner + the message's id (map-message.ts).
  let missing = 0;
  for (const start of ackedStarts) for (let i = 0; i < PER_POST; i++) if (!inHec.has(eventId(SOURCETYPES.mailMessage, 'ivan.petrov@example.ru', `AAMkSoak-${start + i}`))) missing++;
  const figures = {
    bench: 'mail-soak',
    minutes,
    offered_msgs_per_s: rate,
    per_post: PER_POST,
    connectors: CONNECTORS,
    settings,
    offered,
    acknowledged,
    sustained_msgs_per_s: Math.round(acknowledged / seconds),
    posts,
    retries,
    retries_per_post: Number((retries / Math.max(1, posts - retries)).toFixed(3)),
    batches_given_up: givenUp,
    drain_s_after_offer: Number(Math.max(0, drainS).toFixed(1)),
    hec_distinct_events: distinct,
    lost_acknowledged: missing,
    statuses,
    reasons,
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
  };
  process.stdout.write(
    `soak ${minutes} min at ${rate} msg/s offered (${settings && Object.keys(settings).length ? JSON.stringify(settings) : 'defaults'}): ${figures.sustained_msgs_per_s} msg/s sustained, ${figures.retries_per_post} retries per post, ${givenUp} batches given up, drained ${figures.drain_s_after_offer} s after the offer stopped\n`,
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  await pool.close();
  await input.stop();
  await sink.close(5_000);
  await sim.close();
  if (figures.lost_acknowledged > 0) throw new Error(`${figures.lost_acknowledged} acknowledged messages are not in HEC`);
}

/** `hec.batch_interval=…` → { batch_interval: … } for the sink. */
function pick(o: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
function omit(o: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith(prefix)));
}
