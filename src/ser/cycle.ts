import { getMaxListeners, setMaxListeners } from 'node:events';
import type { CheckpointStore } from '../core/checkpoint.js';
import type { Logger } from '../core/logger.js';
import type { SplunkEvent } from '../core/event.js';
import type { Sink } from '../core/sink.js';
import type { SerCheckpoint } from './checkpoint-state.js';
import type { RequestCounter, SerReportClient } from './client.js';
import { windowDigest, windowEvents, type EventContext } from './events.js';
import type { SerReport } from './reply.js';
import type { Window } from './windows.js';

const LISTENERS_PER_WORKER = 4;

/** A window to read: a first read (catch-up) or a re-read of a delivered one (restatement). */
export interface WindowTask {
  window: Window;
  /** For a re-read: the revision and digest delivered last time. */
  previous?: { revision: number; digest: string };
}

export interface CycleCounts {
  windows: number;
  restated: number;
  reread: number;
  /** Events delivered: the windows' and, in SerCycleSummary, the entitlement event. */
  events: number;
}

export interface WindowRunOptions {
  client: SerReportClient;
  sink: Sink;
  checkpoints: CheckpointStore;
  key: string;
  state: SerCheckpoint;
  ctx: EventContext;
  concurrency: number;
  /** The clock of collected_at and of "last read" (the planner's clock). */
  now: () => number;
  /** Keep `recent` entries for windows that start at or after this. */
  horizonStart: number;
  log: Logger;
  signal?: AbortSignal;
  /** Counts this input's report requests, failed cycles included. */
  requests?: RequestCounter;
  onWindowDone?: (task: WindowTask) => void;
  /**
   * What the store holds now, when known: a cycle with no window to read whose checkpoint comes
   * out the same does not write it again (a run with nothing to do then makes no fsync).
   */
  persisted?: SerCheckpoint;
}

/**
 * Sends the sink's open batch now instead of after its batch_interval. Not awaited, and its
 * rejection ignored on purpose: flush(0) only says "not delivered yet"; each event's own send
 * promise carries its delivery or its failure, and that is what the cycle awaits.
 */
export function pushOut(sink: Sink): void {
  sink.flush(0).catch(() => undefined);
}

/**
 * Queues every event of a list in the sink at once (so a following pushOut sends them all) and
 * resolves when all are delivered.
 */
function queueAll(sink: Sink, events: readonly SplunkEvent[]): Promise<void> {
  return Promise.all(events.map((e) => sink.send(e))).then(() => undefined);
}

/**
 * Reads windows with `concurrency` requests in flight and moves the checkpoint. Catch-up
 * windows must be contiguous from state.next; the checkpoint's `next` only moves over a
 * prefix of windows whose events the sink has all delivered, so a crash anywhere re-reads at
 * worst a few windows (same event ids), never skips one. Saves are coalesced: one write at a
 * time, always of a state that is true.
 */
export async function runWindows(tasks: readonly WindowTask[], o: WindowRunOptions): Promise<CycleCounts> {
  const counts: CycleCounts = { windows: 0, restated: 0, reread: 0, events: 0 };
  const state = o.state;
  const recent = new Map<number, SerCheckpoint['recent'][number]>(state.recent.map((r) => [r[0], r]));
  const doneCatchUp = new Map<number, { end: number; digest: string; readAt: number }>();
  let saving: Promise<void> | undefined;
  let dirty = false;
  let failure: unknown;
  // Workers waiting on SER and workers waiting on the sink. When none is reading, no event can
  // join the open batch until one is delivered: waiting for the batch timer would only stall.
  // While any worker is still reading, its events may yet join, so a backfill keeps batching.
  let reading = 0;
  let delivering = 0;
  const nudge = (): void => {
    if (reading === 0 && delivering > 0) pushOut(o.sink);
  };
  const deliver = async (events: readonly SplunkEvent[]): Promise<void> => {
    const sent = queueAll(o.sink, events);
    delivering += 1;
    nudge();
    try {
      await sent;
    } finally {
      delivering -= 1;
    }
  };

  const snapshot = (): SerCheckpoint => ({
    ...state,
    recent: [...recent.values()].filter((r) => r[0] >= o.horizonStart).sort((a, b) => a[0] - b[0]),
  });
  const scheduleSave = (): void => {
    dirty = true;
    if (saving) return;
    saving = (async () => {
      while (dirty) {
        dirty = false;
        await o.checkpoints.save(o.key, snapshot());
      }
    })().finally(() => {
      saving = undefined;
    });
    saving.catch((err: unknown) => {
      failure ??= err;
    });
  };
  const advance = (): void => {
    let moved = false;
    for (let d = doneCatchUp.get(state.next); d; d = doneCatchUp.get(state.next)) {
      doneCatchUp.delete(state.next);
      if (state.next >= o.horizonStart) recent.set(state.next, [state.next, d.end, 0, d.digest, d.readAt]);
      state.next = d.end;
      moved = true;
    }
    if (moved) scheduleSave();
  };

  const one = async (t: WindowTask): Promise<void> => {
    reading += 1;
    let report: SerReport;
    try {
      report = await o.client.summary(t.window, o.signal, o.requests);
    } finally {
      reading -= 1;
    }
    const readAt = o.now();
    const digest = windowDigest(report.users);
    if (t.previous) {
      counts.reread += 1;
      let revision = t.previous.revision;
      if (digest !== t.previous.digest) {
        revision += 1;
        const events = windowEvents(o.ctx, t.window, revision, readAt, report.users);
        await deliver(events);
        counts.events += events.length;
        counts.restated += 1;
        o.log.info({ window_start: new Date(t.window.start).toISOString(), revision }, 'SER window changed since it was sent: sent again with a new revision');
      }
      recent.set(t.window.start, [t.window.start, t.window.end, revision, digest, readAt]);
      scheduleSave();
    } else {
      const events = windowEvents(o.ctx, t.window, 0, readAt, report.users);
      await deliver(events);
      counts.events += events.length;
      counts.windows += 1;
      doneCatchUp.set(t.window.start, { end: t.window.end, digest, readAt });
      advance();
    }
    o.onWindowDone?.(t);
  };

  const workers = Math.max(1, Math.min(o.concurrency, tasks.length));
  // Each worker listens on the signal several times at once (retry wait, rate-limiter slot,
  // request): Node's leak warning at 11 listeners would fire on every backfill at concurrency 16.
  if (o.signal) setMaxListeners(Math.max(getMaxListeners(o.signal), LISTENERS_PER_WORKER * workers + 10), o.signal);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    // Bounded: each turn takes one task; stops at the end, on abort or on the first failure.
    while (failure === undefined && !o.signal?.aborted && nextIndex < tasks.length) {
      const t = tasks[nextIndex++]!;
      try {
        await one(t);
      } catch (err) {
        failure ??= err;
      }
    }
    // One worker fewer that could add events: the others may now all be waiting on delivery.
    nudge();
  };
  await Promise.all(Array.from({ length: workers }, worker));
  // Write what is true now, whatever happened; then report the first failure.
  dirty = tasks.length > 0 || o.persisted === undefined || JSON.stringify(snapshot()) !== JSON.stringify(o.persisted);
  while (saving) await saving.catch(() => undefined);
  if (dirty) {
    try {
      await o.checkpoints.save(o.key, snapshot());
    } catch (err) {
      failure ??= err;
    }
  }
  o.state.recent = snapshot().recent;
  // An abort is a stop, not a failure: report what was delivered; the checkpoint says where to resume.
  if (failure !== undefined && !(o.signal?.aborted && (failure as Error)?.name === 'AbortError')) throw failure;
  return counts;
}
