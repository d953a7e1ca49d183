/**
 * SER backfill benchmark. (1) Rate: the SER simulator in its own process allows 6,000
 * requests per sliding minute; the client is set to the same; a backfill runs for more than a
 * minute. Figure: achieved requests/min ÷ limit (target ≥ 0.95) and the 429s the simulator
 * served (target 0). (2) Overhead: no limit anywhere; our backfill (token, pacing, parse,
 * events, checkpoint) against the baseline of bare HTTP GETs of the same windows at the same
 * concurrency, measured in the same run. (3) The same backfill at the limit through the real
 * HEC sink (default batch_interval of 1 s) into the HEC simulator: the cycle pushes a partial
 * batch out when every window in flight waits on delivery, so the rate stays that of (1), with
 * several windows per HEC request. (4) Two backfills of one account, each with its own limiter
 * at the limit, sharing the account's budget file (as two processes do): their combined rate
 * against the limit and the 429s. Last line: one JSON object with every figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { FileCheckpointStore } from '../src/core/checkpoint.js';
import type { SplunkEvent } from '../src/core/event.js';
import { silentLogger } from '../src/core/logger.js';
import { HecSink, hecSinkConfig } from '../src/hec/sink.js';
import { startHecSimulator } from '../src/sim/hec.js';
import type { CloseReport, Sink, SinkStats } from '../src/core/sink.js';
import { serAccountSchema, serInputSchema } from '../src/ser/config.js';
import { runSerBackfill } from '../src/ser/input.js';
import { RateLimiter } from '../src/ser/rate-limiter.js';
import { budgetFile, SharedBudget } from '../src/ser/shared-budget.js';
import { createSerSession, toSerAccountSettings } from '../src/ser/session.js';
import { formatSerTimestamp } from '../src/ser/time.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LIMIT = Number(process.env.SER_BENCH_LIMIT ?? 6000);
const RATE_SECONDS = Number(process.env.SER_BENCH_SECONDS ?? 75);
const OVERHEAD_WINDOWS = Number(process.env.SER_BENCH_WINDOWS ?? 4000);
const CONCURRENCY = 16;
const HEC_SECONDS = Number(process.env.SER_BENCH_HEC_SECONDS ?? 30);
const SHARED_SECONDS = Number(process.env.SER_BENCH_SHARED_SECONDS ?? 30);
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-20T00:00:00Z');

/** Counts events and delivers instantly: the benchmark measures the SER side only. */
class CountingSink implements Sink {
  n = 0;
  async send(_e: SplunkEvent): Promise<void> {
    this.n += 1;
  }
  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    this.n += events.length;
  }
  async flush(): Promise<void> {}
  async close(): Promise<CloseReport> {
    return { delivered: this.n, undelivered: 0 };
  }
  stats(): SinkStats {
    return { accepted: this.n, delivered: this.n, failed: 0, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}

interface SimProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
}

/** The simulator in its own process (`sim ser`), so it does not share our event loop. */
function startSim(rate: number): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/dev-main.ts', 'sim', 'ser', '-o', `rate_limit_per_minute=${rate}`, '-o', 'license_start=2026-11-01'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        const info = JSON.parse(out.slice(0, nl)) as { url: string; client_id: string; client_secret: string };
        resolve({ url: info.url, clientId: info.client_id, clientSecret: info.client_secret, child });
      }
    });
    child.on('exit', (code) => reject(new Error(`sim ser exited with ${code}`)));
  });
}

async function simStats(url: string): Promise<{ served: number; tooMany: number; reports: number }> {
  const r = await request(`${url}/_sim/stats`);
  return (await r.body.json()) as { served: number; tooMany: number; reports: number };
}

async function backfill(sim: SimProcess, limiter: RateLimiter, windows: number, name: string, sink: Sink = new CountingSink(), endMs = NOW - HOUR) {
  const account = toSerAccountSettings('bench', serAccountSchema.parse({ client_id: sim.clientId, client_secret: sim.clientSecret, auth_url: sim.url, api_url: sim.url }));
  const input = serInputSchema.parse({ account: 'bench', hec: 'none', concurrency: CONCURRENCY, window: '1h' });
  const session = createSerSession(account, { limiter, connections: CONCURRENCY });
  const checkpoints = new FileCheckpointStore(mkdtempSync(join(tmpdir(), 'ser-bench-')));
  const toMs = endMs;
  const fromMs = toMs - windows * HOUR;
  await session.tokens.get(); // the token is not what we measure
  const t0 = performance.now();
  const s = await runSerBackfill({ name, input, account, sink, checkpoints, log: silentLogger, session, now: () => NOW, fromMs, toMs });
  const ms = performance.now() - t0;
  await session.dispatcher.close();
  return { ms, requests: s.requests, windows: s.windows, events: s.events };
}

/** Baseline: the same GETs with bare undici at the same concurrency; no pacing, parse or events. */
async function bareGets(sim: SimProcess, windows: number): Promise<number> {
  const tokenRes = await request(`${sim.url}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }).toString() });
  const token = ((await tokenRes.body.json()) as { access_token: string }).access_token;
  const agent = new Agent({ connections: CONCURRENCY });
  const fromMs = NOW - HOUR - windows * HOUR;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < windows) {
        const i = next++;
        const u = new URL('/v1/sercustomer/report/summary', sim.url);
        u.searchParams.set('startTimeStamp', formatSerTimestamp(fromMs + i * HOUR));
        u.searchParams.set('endTimeStamp', formatSerTimestamp(fromMs + (i + 1) * HOUR));
        const r = await request(u, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
        await r.body.text();
      }
    }),
  );
  const ms = performance.now() - t0;
  await agent.close();
  return ms;
}

const limited = await startSim(LIMIT);
const unlimited = await startSim(0);
try {
  // (1) at the limit, for longer than the simulator's sliding minute
  const rateWindows = Math.round((RATE_SECONDS * LIMIT) / 60);
  const before = await simStats(limited.url);
  const rate = await backfill(limited, new RateLimiter({ perMinute: LIMIT, ceilingPerMinute: LIMIT }), rateWindows, 'rate');
  const after = await simStats(limited.url);
  const achievedPerMin = (rate.requests / rate.ms) * 60_000;
  const tooMany = after.tooMany - before.tooMany;
  console.log(`rate: ${rate.requests} requests in ${(rate.ms / 1000).toFixed(1)} s = ${achievedPerMin.toFixed(0)}/min against a limit of ${LIMIT}/min → ${(achievedPerMin / LIMIT).toFixed(3)} of the limit; 429s served: ${tooMany}`);

  // (3) at the limit through the real HEC sink, default batching
  const hecSim = await startHecSimulator({ keep: 'count', skimEvents: true });
  const hecSink = new HecSink(hecSinkConfig({ urls: hecSim.url, token: hecSim.token }), { log: silentLogger });
  const hecBefore = await simStats(limited.url);
  const viaHec = await backfill(limited, new RateLimiter({ perMinute: LIMIT, ceilingPerMinute: LIMIT }), Math.round((HEC_SECONDS * LIMIT) / 60), 'hec', hecSink);
  const hecAfter = await simStats(limited.url);
  await hecSink.close(10_000);
  const hecPosts = hecSim.stats().batches;
  await hecSim.close();
  const hecPerMin = (viaHec.requests / viaHec.ms) * 60_000;
  const hecTooMany = hecAfter.tooMany - hecBefore.tooMany;
  console.log(`through HEC (batch_interval 1 s): ${viaHec.requests} requests in ${(viaHec.ms / 1000).toFixed(1)} s = ${hecPerMin.toFixed(0)}/min → ${(hecPerMin / LIMIT).toFixed(3)} of the limit, ${(hecPerMin / achievedPerMin).toFixed(3)} of (1); ${hecPosts} HEC requests for ${viaHec.windows} windows (${(viaHec.windows / hecPosts).toFixed(1)} windows per request); 429s served: ${hecTooMany}`);

  // (4) two backfills sharing the account's budget file, each limiter set at the limit
  const budget = budgetFile(mkdtempSync(join(tmpdir(), 'ser-bench-budget-')), limited.url, limited.clientId);
  const sharedWindows = Math.round((SHARED_SECONDS * LIMIT) / 60 / 2);
  const sharedBefore = await simStats(limited.url);
  const t0 = performance.now();
  const halves = await Promise.all([0, 1].map((i) => backfill(limited, new RateLimiter({ perMinute: LIMIT, ceilingPerMinute: LIMIT, shared: new SharedBudget(budget) }), sharedWindows, `shared-${i}`, new CountingSink(), NOW - HOUR - i * 40_000 * HOUR)));
  const sharedMs = performance.now() - t0;
  const sharedAfter = await simStats(limited.url);
  const sharedRequests = halves[0]!.requests + halves[1]!.requests;
  const sharedPerMin = (sharedRequests / sharedMs) * 60_000;
  const sharedTooMany = sharedAfter.tooMany - sharedBefore.tooMany;
  console.log(`two backfills, one shared budget: ${sharedRequests} requests in ${(sharedMs / 1000).toFixed(1)} s = ${sharedPerMin.toFixed(0)}/min → ${(sharedPerMin / LIMIT).toFixed(3)} of the limit, ${(sharedPerMin / achievedPerMin).toFixed(3)} of (1); 429s served: ${sharedTooMany}`);

  // (2) no limit: our per-window cost against bare HTTP of the same windows (warm-up first)
  await bareGets(unlimited, 200);
  await backfill(unlimited, new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }), 200, 'warm');
  const baseMs = await bareGets(unlimited, OVERHEAD_WINDOWS);
  const ours = await backfill(unlimited, new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }), OVERHEAD_WINDOWS, 'overhead');
  const oursPerWindow = ours.ms / ours.windows;
  const basePerWindow = baseMs / OVERHEAD_WINDOWS;
  console.log(`no limit: ours ${oursPerWindow.toFixed(3)} ms/window (${ours.windows} windows, ${ours.events} events), bare HTTP ${basePerWindow.toFixed(3)} ms/window → overhead ${(oursPerWindow - basePerWindow).toFixed(3)} ms/window, ratio ours/bare ${(oursPerWindow / basePerWindow).toFixed(2)}`);
  console.log(
    JSON.stringify({
      bench: 'ser',
      limit_per_min: LIMIT,
      rate_requests: rate.requests,
      rate_seconds: Number((rate.ms / 1000).toFixed(2)),
      achieved_per_min: Math.round(achievedPerMin),
      ratio_of_limit: Number((achievedPerMin / LIMIT).toFixed(4)),
      too_many_429: tooMany,
      overhead_windows: ours.windows,
      ours_ms_per_window: Number(oursPerWindow.toFixed(4)),
      baseline_bare_http_ms_per_window: Number(basePerWindow.toFixed(4)),
      overhead_ms_per_window: Number((oursPerWindow - basePerWindow).toFixed(4)),
      ratio_ours_vs_bare_http: Number((oursPerWindow / basePerWindow).toFixed(3)),
      hec_requests: viaHec.requests,
      hec_seconds: Number((viaHec.ms / 1000).toFixed(2)),
      hec_achieved_per_min: Math.round(hecPerMin),
      hec_ratio_of_limit: Number((hecPerMin / LIMIT).toFixed(4)),
      hec_ratio_vs_instant_sink: Number((hecPerMin / achievedPerMin).toFixed(4)),
      hec_posts: hecPosts,
      hec_windows_per_post: Number((viaHec.windows / hecPosts).toFixed(2)),
      hec_too_many_429: hecTooMany,
      shared_requests: sharedRequests,
      shared_achieved_per_min: Math.round(sharedPerMin),
      shared_ratio_of_limit: Number((sharedPerMin / LIMIT).toFixed(4)),
      shared_ratio_vs_one_process: Number((sharedPerMin / achievedPerMin).toFixed(4)),
      shared_too_many_429: sharedTooMany,
      concurrency: CONCURRENCY,
    }),
  );
} finally {
  limited.child.kill('SIGTERM');
  unlimited.child.kill('SIGTERM');
}
