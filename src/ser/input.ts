import type { Dispatcher } from 'undici';
import type { CheckpointStore } from '../core/checkpoint.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Sink } from '../core/sink.js';
import { loadSerCheckpoint, serBackfillKey, serCheckpointKey, type SerCheckpoint } from './checkpoint-state.js';
import { parseUtcDate, type SerInputConfig } from './config.js';
import type { RequestCounter } from './client.js';
import { pushOut, runWindows, type CycleCounts, type WindowTask } from './cycle.js';
import { entitlementEvent, licenceUsedBytes, type EventContext } from './events.js';
import type { RateLimiter } from './rate-limiter.js';
import { serSessionFor, type SerAccountSettings, type SerSession } from './session.js';
import { DAY_MS } from './time.js';
import { firstWindowStart, planWindows } from './windows.js';

export interface SerInputRunOptions {
  /** The input's name (stanza name); with the account it keys the checkpoint. */
  name: string;
  input: SerInputConfig;
  account: SerAccountSettings;
  sink: Sink;
  checkpoints: CheckpointStore;
  log: Logger;
  signal?: AbortSignal;
  /** The planner's clock (ms); a test or a backfill may fast-forward it. Default Date.now. */
  now?: () => number;
  dispatcher?: Dispatcher;
  /** A limiter instead of the account's shared one (benchmarks against a faster simulator). */
  limiter?: RateLimiter;
  /** A session to use instead of the process-wide one of the account. */
  session?: SerSession;
  /** index / host / source for the events (default source: `ser_report://<name>`). */
  events?: Omit<EventContext, 'account'>;
  /** Called after each window is delivered (progress bars). */
  onWindowDone?: (done: number, total: number, task: WindowTask) => void;
  /**
   * Counts this input's report requests as they are made, so a caller also learns those of a
   * cycle that fails (telemetry); the summary's `requests` is this cycle's share of it.
   */
  requests?: RequestCounter;
}

export interface SerCycleSummary extends CycleCounts {
  /** Windows planned in this cycle (catch-up and re-reads). */
  planned: number;
  /** End of the last delivered window after the cycle (ISO), the checkpoint's position. */
  checkpoint: string;
  requests: number;
  aborted: boolean;
}

const KEY_LIFETIME_MS = 365 * DAY_MS;

function context(o: SerInputRunOptions): EventContext {
  return { account: o.account.name, source: `ser_report://${o.name}`, ...o.events };
}

interface EntitlementStep {
  licenseStart?: number;
  /** Delivery of the entitlement event: queued, awaited at the end of the cycle. */
  delivered: Promise<void>;
}

async function entitlementStep(o: SerInputRunOptions, session: SerSession, now: number, requests: RequestCounter): Promise<EntitlementStep> {
  // No timestamps: SER answers from license_start to now, which is the licence usage so far.
  const report = await session.client.summary(undefined, o.signal, requests);
  const activation = o.account.key_activation_date ? parseUtcDate(o.account.key_activation_date) : undefined;
  const keyExpiresMs = activation === undefined ? undefined : activation + KEY_LIFETIME_MS;
  if (keyExpiresMs !== undefined && keyExpiresMs - now < 30 * DAY_MS) {
    o.log.warn({ account: o.account.name, key_expires: new Date(keyExpiresMs).toISOString() }, 'the SER key and secret of this account expire within 30 days: create a new key in the Proofpoint admin console');
  }
  // Not awaited here: it shares a batch with the first window's events; a failure still ends the cycle.
  const delivered = o.sink.send(entitlementEvent(context(o), now, { entitlement: report.entitlement, usedBytes: licenceUsedBytes(report.users), keyExpiresMs }));
  delivered.catch(() => undefined);
  return { licenseStart: report.entitlement?.license_start, delivered };
}

/**
 * The cycle has queued everything it will send: the partial batch leaves now, then the
 * entitlement event's delivery is awaited. Returns the events it delivered (0 or 1).
 */
async function finish(o: SerInputRunOptions, entitlement: EntitlementStep | undefined): Promise<number> {
  pushOut(o.sink);
  if (!entitlement) return 0;
  await entitlement.delivered;
  return 1;
}

function aborted(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true && (err as Error)?.name === 'AbortError';
}

/**
 * One poll cycle of a SER report input, the same for the Splunk modular input and the
 * standalone service: the entitlement event, re-reads of recent windows whose restatement is
 * due, then every whole window from the checkpoint up to now − settle delay. The checkpoint
 * moves only after the sink delivered every event of a window. An abort stops taking windows,
 * keeps what was delivered, and returns with `aborted: true`.
 */
export async function runSerInput(o: SerInputRunOptions): Promise<SerCycleSummary> {
  const clock = o.now ?? Date.now;
  const now = clock();
  const sizeMs = o.input.window * 1000;
  const session = o.session ?? serSessionFor(o.account, { log: o.log, dispatcher: o.dispatcher, limiter: o.limiter, connections: o.input.concurrency });
  const key = serCheckpointKey(o.name, o.account.name);
  const stored = await loadSerCheckpoint(o.checkpoints, key, { input: o.name, account: o.account.name });
  // Counted per input, not from the session's total: inputs of one account share the session.
  const requests = o.requests ?? { count: 0 };
  const requestsBefore = requests.count;
  const summary = (c: CycleCounts, planned: number, state: SerCheckpoint | undefined, wasAborted: boolean): SerCycleSummary => ({
    ...c,
    planned,
    checkpoint: state ? new Date(state.next).toISOString() : '',
    requests: requests.count - requestsBefore,
    aborted: wasAborted,
  });
  try {
    const entitlement = await entitlementStep(o, session, now, requests);
    const licenseStart = entitlement.licenseStart;
    const startDateMs = o.input.start_date ? parseUtcDate(o.input.start_date) : undefined;
    const state: SerCheckpoint = stored ?? {
      v: 1,
      account: o.account.name,
      input: o.name,
      next: firstWindowStart({ sizeMs, nowMs: now, maxLookbackMs: o.input.max_lookback * 1000, startDateMs, licenseStartMs: licenseStart }),
      recent: [],
    };
    const horizonStart = now - o.input.restatement_horizon * 1000;
    const due = o.input.restatement_horizon > 0
      ? state.recent.filter((r) => r[0] >= horizonStart && now - r[4] >= o.input.restatement_interval * 1000)
      : [];
    const tasks: WindowTask[] = [
      ...due.map((r) => ({ window: { start: r[0], end: r[1] }, previous: { revision: r[2], digest: r[3] } })),
      ...planWindows(state.next, now - o.input.settle_delay * 1000, sizeMs).map((window) => ({ window })),
    ];
    if (!stored) o.log.info({ input: o.name, account: o.account.name, from: new Date(state.next).toISOString() }, 'SER input starts its first run');
    let done = 0;
    const counts = await runWindows(tasks, {
      client: session.client,
      sink: o.sink,
      checkpoints: o.checkpoints,
      key,
      state,
      ctx: context(o),
      concurrency: o.input.concurrency,
      now: clock,
      horizonStart: o.input.restatement_horizon > 0 ? horizonStart : Number.POSITIVE_INFINITY,
      log: o.log,
      signal: o.signal,
      requests,
      onWindowDone: (t) => o.onWindowDone?.(++done, tasks.length, t),
      persisted: stored,
    });
    counts.events += await finish(o, entitlement);
    return summary(counts, tasks.length, state, o.signal?.aborted === true);
  } catch (err) {
    if (aborted(err, o.signal)) return summary({ windows: 0, restated: 0, reread: 0, events: 0 }, 0, stored, true);
    throw err;
  }
}

export interface SerBackfillOptions extends SerInputRunOptions {
  fromMs: number;
  toMs: number;
}

/**
 * An explicit range [from, to): its own checkpoint (keyed by input, account and range), so
 * running the same command again resumes where a crash or Ctrl-C left it. No restatement:
 * a backfill reads each window once.
 */
export async function runSerBackfill(o: SerBackfillOptions): Promise<SerCycleSummary> {
  const sizeMs = o.input.window * 1000;
  const now = (o.now ?? Date.now)();
  const latest = now - o.input.settle_delay * 1000;
  if (!(o.fromMs < o.toMs)) throw new ConfigError(`backfill: --from (${new Date(o.fromMs).toISOString()}) must be before --to (${new Date(o.toMs).toISOString()})`);
  if (o.toMs > latest) throw new ConfigError(`backfill: --to ${new Date(o.toMs).toISOString()} is later than now − settle_delay (${new Date(latest).toISOString()}); SER may not have those numbers yet`);
  const session = o.session ?? serSessionFor(o.account, { log: o.log, dispatcher: o.dispatcher, limiter: o.limiter, connections: o.input.concurrency });
  const key = serBackfillKey(o.name, o.account.name, o.fromMs, o.toMs);
  const stored = await loadSerCheckpoint(o.checkpoints, key, { input: o.name, account: o.account.name });
  const state: SerCheckpoint = stored ?? { v: 1, account: o.account.name, input: o.name, next: o.fromMs, recent: [] };
  const requests = o.requests ?? { count: 0 };
  const requestsBefore = requests.count;
  const tasks = planWindows(state.next, o.toMs, sizeMs).map((window) => ({ window }));
  // A range that does not end on a boundary still gets its last, shorter window.
  const lastEnd = tasks.length > 0 ? tasks[tasks.length - 1]!.window.end : state.next;
  if (lastEnd < o.toMs) tasks.push({ window: { start: lastEnd, end: o.toMs } });
  let done = 0;
  let counts: CycleCounts | undefined;
  try {
    const entitlement = !stored || tasks.length > 0 ? await entitlementStep(o, session, now, requests) : undefined;
    counts = await runWindows(tasks, {
      client: session.client,
      sink: o.sink,
      checkpoints: o.checkpoints,
      key,
      state,
      ctx: context(o),
      concurrency: o.input.concurrency,
      now: o.now ?? Date.now,
      horizonStart: Number.POSITIVE_INFINITY,
      log: o.log,
      signal: o.signal,
      requests,
      onWindowDone: (t) => o.onWindowDone?.(++done, tasks.length, t),
    });
    counts.events += await finish(o, entitlement);
  } catch (err) {
    if (!aborted(err, o.signal)) throw err;
  }
  return {
    ...(counts ?? { windows: 0, restated: 0, reread: 0, events: 0 }),
    planned: tasks.length,
    checkpoint: new Date(state.next).toISOString(),
    requests: requests.count - requestsBefore,
    aborted: o.signal?.aborted === true,
  };
}
