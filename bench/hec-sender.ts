/**
 * One sender of the HEC benchmark, run in its own child process so that its peak RSS is its
 * own. Argument: a JSON object {kind, n, url, token}. Prints one JSON line with the figures.
 * The clock starts before the first event is made and stops when the last one is delivered
 * (acknowledged, for the ack case) — or, for the limit, serialised.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { eventId, toHecJson, type SplunkEvent } from '../src/core/event.js';
import { silentLogger } from '../src/core/logger.js';
import { HecSink, hecSinkConfig } from '../src/hec/sink.js';

export type SenderKind = 'ours' | 'ours-gzip' | 'ours-ack' | 'splunk-logging-best' | 'splunk-logging-defaults' | 'limit';

export interface SenderArgs {
  kind: SenderKind;
  n: number;
  url: string;
  token: string;
  /** splunk-logging at defaults: stop after this many milliseconds (it is very slow). */
  timeBudgetMs?: number;
  /** Our sink with ack: ack_poll_interval (default 100ms, see run()). */
  ackPollInterval?: string;
}

export interface SenderResult {
  kind: SenderKind;
  n: number;
  /** Events actually sent (differs from n only when a time budget cut the run short). */
  sent: number;
  ms: number;
  eventsPerSec: number;
  /** CPU time of the whole sender process (all threads: gzip runs on the thread pool). */
  cpuMs: number;
  /** Events per CPU-second: the sender's own cost, whatever else the machine is doing. */
  eventsPerCpuSec: number;
  peakRssMB: number;
  delivered: number;
  /** Events sent before the clock started (JIT and connection warm-up; ids distinct from the run's). */
  warmup: number;
  /** Mean bytes of one event as the sender serialised it. */
  eventBytes: number;
  note?: string;
}

const T0 = Date.UTC(2026, 10, 27, 12);

/** ~180 bytes of HEC JSON, like a SER summary event; made on the fly so memory stays the sender's. */
export function benchEvent(i: number): SplunkEvent {
  return {
    time: (T0 + i) / 1000,
    sourcetype: 'proofpoint:ser:summary',
    event: { app_user: `user${i % 5000}@example.com`, delivered: i % 97, q: i % 7 },
    id: eventId('bench', i),
  };
}

function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

type Figures = Omit<SenderResult, 'kind' | 'n' | 'ms' | 'eventsPerSec' | 'cpuMs' | 'eventsPerCpuSec' | 'peakRssMB' | 'warmup'>;

async function runOurs(a: SenderArgs, settings: Record<string, unknown>, from: number, to: number): Promise<Figures> {
  const sink = new HecSink(hecSinkConfig({ urls: a.url, token: a.token, ...settings }), { log: silentLogger });
  let failure: unknown;
  let watched: Promise<void> | undefined;
  let bytes = 0;
  for (let i = from; i < to; i++) {
    if (sink.atCapacity) await sink.waitForCapacity();
    const e = benchEvent(i);
    if (i - from < 1000) bytes += Buffer.byteLength(toHecJson(e));
    const p = sink.send(e);
    if (p !== watched) {
      watched = p;
      p.catch((err: unknown) => (failure ??= err));
    }
  }
  const report = await sink.close(600_000);
  if (failure || report.undelivered > 0) throw new Error(`undelivered ${report.undelivered}: ${String(failure)}`);
  return { sent: to - from, delivered: report.delivered, eventBytes: bytes / Math.min(to - from, 1000) };
}

/**
 * The limit: the same events serialised into 1 MiB buffers, no network — the least work any
 * sender must do (make the event, JSON, measure, copy into a buffer), with one reused buffer.
 */
function runLimit(from: number, to: number): Figures {
  const cap = 1024 * 1024;
  const buf = Buffer.allocUnsafe(cap);
  let used = 0;
  let buffers = 0;
  let total = 0;
  let checksum = 0; // keeps the work observable so nothing is optimised away
  for (let i = from; i < to; i++) {
    const json = toHecJson(benchEvent(i));
    const len = Buffer.byteLength(json);
    if (used + len + 1 > cap) {
      checksum ^= buf[used >> 1]!;
      total += used;
      buffers++;
      used = 0;
    }
    if (used > 0) buf[used++] = 10;
    used += buf.write(json, used, 'utf8');
  }
  if (used > 0) {
    total += used;
    buffers++;
  }
  return { sent: to - from, delivered: 0, eventBytes: total / (to - from), note: `${buffers} buffers, checksum ${checksum}` };
}

async function runSplunkLogging(a: SenderArgs, best: boolean, from: number, to: number, timeBudgetMs?: number): Promise<Figures> {
  // The sender runs as a CommonJS bundle from the project root: resolve from there.
  const require = createRequire(join(process.cwd(), 'package.json'));
  const SplunkLogger = require('splunk-logging').Logger as new (c: Record<string, unknown>) => {
    send(ctx: unknown, cb?: unknown): void;
    flush(cb?: (err: unknown) => void): void;
    error: (err: unknown) => void;
    eventFormatter: (message: unknown) => unknown;
    _sendEvents: (ctx: unknown, cb?: (err: unknown, resp: unknown, body: unknown) => void) => void;
  };
  const u = new URL(a.url);
  const logger = new SplunkLogger({
    token: a.token,
    url: a.url,
    host: u.hostname,
    port: Number(u.port),
    protocol: u.protocol.replace(':', ''),
    maxRetries: 0,
    // Best batching: flush on 1 MiB (the same batch size as ours), never on count.
    ...(best ? { maxBatchSize: 1024 * 1024, maxBatchCount: 0 } : {}),
  });
  logger.eventFormatter = (message) => message; // send our event body as is
  let errors = 0;
  logger.error = () => {
    errors++;
  };
  // Count requests in flight: splunk-logging offers no completion signal for batched sends.
  // A failed request loses every event in it (maxRetries 0, and it never retries a 503):
  // count those events, not the request, so "delivered" is what HEC can have accepted.
  let inFlight = 0;
  let lostEvents = 0;
  let wake: (() => void) | undefined;
  const original = logger._sendEvents.bind(logger);
  logger._sendEvents = (ctx, cb) => {
    inFlight++;
    original(ctx, (err, resp, body) => {
      inFlight--;
      if (err || (resp as { statusCode?: number } | undefined)?.statusCode !== 200) lostEvents += countEventIds(String((ctx as { message?: unknown }).message ?? ''));
      cb?.(err, resp, body);
      const w = wake;
      wake = undefined;
      w?.();
    });
  };
  const deadline = timeBudgetMs ? Date.now() + timeBudgetMs : Infinity;
  let sent = 0;
  let bytes = 0;
  for (let i = from; i < to; i++) {
    if (!best && (i & 255) === 0 && Date.now() > deadline) break;
    // At defaults every event is its own request with no limit on concurrency; a polite caller
    // keeps at most 256 in flight, or the machine runs out of sockets.
    while (!best && inFlight >= 256) await new Promise<void>((r) => (wake = r));
    const e = benchEvent(i);
    // splunk-logging has no indexed fields: the id rides in the event body (same bytes).
    const body = { ...(e.event as Record<string, unknown>), event_id: e.id };
    if (i - from < 1000) bytes += JSON.stringify({ time: String(e.time), sourcetype: e.sourcetype, event: body }).length;
    logger.send({ message: body, metadata: { sourcetype: e.sourcetype, time: e.time * 1000 } });
    sent++;
  }
  logger.flush();
  while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  return { sent, delivered: sent - lostEvents, eventBytes: bytes / Math.min(sent, 1000), ...(errors ? { note: `${errors} request(s) failed, ${lostEvents} event(s) in them lost` } : {}) };
}

/** Events in a splunk-logging request body (each carries one event_id in its body). */
function countEventIds(body: string): number {
  let n = 0;
  for (let i = body.indexOf('"event_id"'); i >= 0; i = body.indexOf('"event_id"', i + 10)) n++;
  return n;
}

/** Runs `count` events starting at index `from` in the way `kind` sends. */
async function run(a: SenderArgs, from: number, count: number, timeBudgetMs?: number): Promise<Figures> {
  const to = from + count;
  switch (a.kind) {
    case 'ours':
      return runOurs(a, { gzip: false }, from, to);
    case 'ours-gzip':
      return runOurs(a, { gzip: true }, from, to);
    case 'ours-ack':
      // The simulator acknowledges at once, so the poll cadence alone would set the pace: poll
      // often so the figure is the sink's cost. At the default 1 s interval (first poll after
      // 125 ms) the wall-clock rate is lower, the CPU cost the same; against a real indexer,
      // ack latency sets the pace (see PERFORMANCE.md).
      return runOurs(a, { gzip: true, ack: true, ack_poll_interval: a.ackPollInterval ?? '100ms' }, from, to);
    case 'splunk-logging-best':
      return runSplunkLogging(a, true, from, to);
    case 'splunk-logging-defaults':
      return runSplunkLogging(a, false, from, to, timeBudgetMs);
    case 'limit':
      return runLimit(from, to);
    default:
      throw new Error(`unknown sender kind ${String(a.kind)}`);
  }
}

/** Events sent untimed first, so every case is measured warm (JIT, connections), not only ours. */
const WARMUP = 5000;

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as SenderArgs;
  const warmup = a.kind === 'splunk-logging-defaults' ? 200 : WARMUP;
  // Warm-up events take indices after the run's, so their ids never collide with the run's.
  await run(a, a.n, warmup);
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const r = await run(a, 0, a.n, a.timeBudgetMs);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const out: SenderResult = {
    kind: a.kind,
    n: a.n,
    ms: Math.round(ms),
    eventsPerSec: Math.round((r.sent / ms) * 1000),
    cpuMs: Math.round(cpuMs),
    eventsPerCpuSec: Math.round((r.sent / cpuMs) * 1000),
    peakRssMB: peakRssMB(),
    warmup,
    ...r,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`sender failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
