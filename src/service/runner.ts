import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileCheckpointStore } from '../core/checkpoint.js';
import { ConfigError, describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { runPollLoop } from '../core/poll-loop.js';
import { HecSink, type HecSinkConfig } from '../hec/sink.js';
import { startMailInput, type RunningMailInput } from '../mail/input.js';
import { runSerInput } from '../ser/input.js';
import { createSerSession, type SerSession } from '../ser/session.js';
import type { ServiceConfig } from './config-load.js';
import { mailStartError } from './errors.js';
import type { TelemetryInput } from './event-schema.js';
import { MeteredSink } from './metered-sink.js';
import { Telemetry } from './telemetry.js';

interface SerInputState {
  kind: 'ser_report';
  name: string;
  sink: MeteredSink;
  cycles: number;
  failures: number;
  requests: number;
  lastError?: string;
  lastWindow?: { start: number; end: number };
  windowMs: number;
}

interface MailInputState {
  kind: 'mail_metadata';
  name: string;
  sink: MeteredSink;
  running?: RunningMailInput;
}

export interface RunReport {
  delivered: number;
  undelivered: number;
  /** Set when an input stopped on an error no later cycle can cure. */
  fatal?: string;
}

/**
 * The standalone service: every configured input in one process, each HEC destination one
 * shared sink, the telemetry heartbeat on top. `stop()` is the orderly shutdown: stop taking
 * new work (SER windows, connector requests), let what is in flight finish and checkpoint,
 * drain the sinks within the deadline, and report what could not be delivered.
 */
export class ServiceRunner {
  readonly #cfg: ServiceConfig;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  readonly #sinks = new Map<string, HecSink>();
  readonly #sessions = new Map<string, SerSession>();
  readonly #ser: SerInputState[] = [];
  readonly #mail: MailInputState[] = [];
  readonly #loops: Promise<unknown>[] = [];
  #telemetry: Telemetry | undefined;
  #fatal: ((reason: string) => void) | undefined;
  /** Settles with the reason when an input stops for good; the command then shuts down. */
  readonly fatal: Promise<string>;
  #stopping = false;
  #stopped: Promise<RunReport> | undefined;

  constructor(cfg: ServiceConfig, log: Logger, private readonly overrides: { telemetryIntervalMs?: number } = {}) {
    this.#cfg = cfg;
    this.#log = log;
    this.fatal = new Promise((r) => (this.#fatal = r));
    // Every in-flight window and request listens to this one signal; the count is bounded by the inputs' concurrency.
    setMaxListeners(1000, this.#abort.signal);
  }

  #sink(name: string): HecSink {
    let s = this.#sinks.get(name);
    if (!s) {
      const dest = this.#cfg.hec[name];
      if (!dest) throw new ConfigError(`no HEC destination named "${name}"`);
      s = new HecSink(dest as HecSinkConfig, { log: this.#log, proxy: this.#cfg.proxy, name });
      this.#sinks.set(name, s);
    }
    return s;
  }

  #session(name: string, connections: number): SerSession {
    let s = this.#sessions.get(name);
    if (!s) {
      const account = this.#cfg.accounts[name]!;
      // One session per account, shared by its inputs: one token, one rate budget.
      // The budget file in the checkpoint directory also shares it with a `backfill` beside the service.
      s = createSerSession({ ...account, name }, { log: this.#log, proxy: this.#cfg.proxy, connections, budgetDir: resolve(this.#cfg.service.checkpoint_dir) });
      this.#sessions.set(name, s);
    }
    return s;
  }

  /** Starts every input; returns the mail receivers' URLs by input name. */
  async start(): Promise<Record<string, string>> {
    const cfg = this.#cfg;
    const serEntries = Object.entries(cfg.inputs.ser_report);
    const mailEntries = Object.entries(cfg.inputs.mail_metadata);
    if (serEntries.length + mailEntries.length === 0) throw new ConfigError(`${cfg.file}: no inputs configured (inputs.ser_report / inputs.mail_metadata): nothing to run`);
    const checkpoints = new FileCheckpointStore(resolve(cfg.service.checkpoint_dir));
    const signal = this.#abort.signal;
    const urls: Record<string, string> = {};

    for (const [name, m] of mailEntries) {
      const state: MailInputState = { kind: 'mail_metadata', name, sink: new MeteredSink(this.#sink(m.hec)) };
      this.#mail.push(state);
      const log = this.#log.child({ input: `mail_metadata://${name}` });
      const { auth_secret: secret, ...settings } = m;
      try {
        state.running = await startMailInput({ name, config: settings, secret, sink: state.sink, checkpoints, log });
      } catch (err) {
        throw mailStartError(name, m, err);
      }
      if (state.running.receiver) urls[name] = state.running.receiver.url;
      this.#loops.push(state.running.done.catch((err: unknown) => this.#stopFor(`mail_metadata://${name}`, err)));
    }

    for (const [name, input] of serEntries) {
      const state: SerInputState = { kind: 'ser_report', name, sink: new MeteredSink(this.#sink(input.hec)), cycles: 0, failures: 0, requests: 0, windowMs: input.window * 1000 };
      this.#ser.push(state);
      const account = { ...cfg.accounts[input.account]!, name: input.account };
      const session = this.#session(input.account, Math.max(input.concurrency, 2));
      const log = this.#log.child({ input: `ser_report://${name}` });
      const loop = runPollLoop({
        name: `ser_report://${name}`,
        intervalMs: input.poll_interval * 1000,
        signal,
        log,
        cycle: async (sig) => {
          state.cycles++;
          // Counted as they are made: a cycle that fails half-way made requests too.
          const requests = { count: 0 };
          try {
            const s = await runSerInput({
              name,
              input,
              account,
              session,
              requests,
              sink: state.sink,
              checkpoints,
              log,
              signal: sig,
              onWindowDone: (_done, _total, task) => {
                if (!state.lastWindow || task.window.end > state.lastWindow.end) state.lastWindow = { ...task.window };
              },
            });
            // After a restart with nothing new to read, the checkpoint is still the newest delivered window.
            const cp = s.checkpoint ? Date.parse(s.checkpoint) : Number.NaN;
            if (Number.isFinite(cp) && (!state.lastWindow || cp > state.lastWindow.end)) state.lastWindow = { start: cp - state.windowMs, end: cp };
            state.lastError = undefined;
            log.info({ windows: s.windows, events: s.events, restated: s.restated, checkpoint: s.checkpoint }, 'SER poll cycle done');
          } catch (err) {
            state.failures++;
            state.lastError = describeError(err);
            throw err;
          } finally {
            state.requests += requests.count;
          }
        },
      }).catch((err: unknown) => this.#stopFor(`ser_report://${name}`, err));
      this.#loops.push(loop);
    }

    const telemetryHec = cfg.service.telemetry_hec || mailEntries[0]?.[1].hec || serEntries[0]?.[1].hec || Object.keys(cfg.hec)[0];
    if (telemetryHec) {
      this.#telemetry = new Telemetry({
        sink: this.#sink(telemetryHec),
        sources: { inputs: () => this.inputFigures(), destinations: () => [...this.#sinks].map(([name, s]) => ({ name, stats: s.stats() })) },
        intervalMs: this.#telemetryIntervalMs(),
        index: cfg.service.telemetry_index,
        log: this.#log,
      });
      this.#telemetry.start();
    }
    this.#log.info(`service started: ${serEntries.length} SER input(s), ${mailEntries.length} mail input(s), HEC destination(s) ${[...this.#sinks.keys()].join(', ')}`);
    return urls;
  }

  /** 0 turns telemetry off, the final event included. */
  #telemetryIntervalMs(): number {
    return this.overrides.telemetryIntervalMs ?? this.#cfg.service.telemetry_interval * 1000;
  }

  #stopFor(input: string, err: unknown): void {
    if (this.#stopping) return;
    this.#fatal?.(`${input} stopped: ${describeError(err)}`);
  }

  /** The per-input figures of the telemetry event. */
  inputFigures(): TelemetryInput[] {
    const now = Date.now();
    const ser = this.#ser.map((s): TelemetryInput => {
      const st = s.sink.stats();
      return {
        name: `ser_report://${s.name}`,
        kind: 'ser_report',
        events_delivered: st.delivered,
        events_failed: st.failed,
        cycles: s.cycles,
        cycle_failures: s.failures,
        requests: s.requests,
        ...(s.lastWindow
          ? { last_window_start: new Date(s.lastWindow.start).toISOString(), last_window_end: new Date(s.lastWindow.end).toISOString(), lag_seconds: Math.max(0, Math.round((now - s.lastWindow.end) / 1000)) }
          : {}),
        ...(s.lastError ? { last_error: s.lastError } : {}),
      };
    });
    const mail = this.#mail.map((m): TelemetryInput => {
      const st = m.sink.stats();
      const last = m.sink.lastDeliveredAt;
      return {
        name: `mail_metadata://${m.name}`,
        kind: 'mail_metadata',
        events_delivered: st.delivered,
        events_failed: st.failed,
        ...(m.running?.receiver ? { requests: m.running.receiver.stats().requests } : {}),
        ...(last ? { lag_seconds: Math.max(0, Math.round((now - last) / 1000)) } : {}),
      };
    });
    return [...ser, ...mail];
  }

  /** Delivered so far and still held by the sinks: the summary of a forced exit (second signal). */
  tally(): RunReport {
    let delivered = 0;
    let undelivered = 0;
    for (const sink of this.#sinks.values()) {
      const s = sink.stats();
      delivered += s.delivered;
      undelivered += s.accepted - s.delivered - (s.refused ?? 0);
    }
    return { delivered, undelivered };
  }

  /** The orderly shutdown (SIGTERM/SIGINT or a fatal input error). */
  stop(reason = 'stop requested'): Promise<RunReport> {
    this.#stopped ??= this.#stop(reason);
    return this.#stopped;
  }

  async #stop(reason: string): Promise<RunReport> {
    this.#stopping = true;
    const deadline = Date.now() + this.#cfg.service.shutdown_timeout * 1000;
    this.#log.info(`stopping (${reason}): no new windows or requests; draining`);
    this.#abort.abort();
    this.#telemetry?.stop();
    // Receivers stop accepting and finish the requests they hold; SER loops stop taking windows.
    await Promise.all(this.#mail.map((m) => m.running?.stop().catch((err: unknown) => this.#log.error(`mail_metadata://${m.name}: ${describeError(err)}`))));
    const loops = Promise.allSettled(this.#loops);
    await Promise.race([loops, sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false })]);
    if (this.#telemetry && this.#telemetryIntervalMs() > 0) void this.#telemetry.emit('final');
    let delivered = 0;
    let undelivered = 0;
    for (const [name, sink] of this.#sinks) {
      const r = await sink.close(Math.max(1000, deadline - Date.now()));
      delivered += r.delivered;
      undelivered += r.undelivered;
      if (r.undelivered > 0) this.#log.error(`HEC destination ${name}: ${r.undelivered} event(s) could not be delivered before the shutdown deadline`);
    }
    // Closing the sinks rejected whatever was still waiting, so the loops end now.
    await Promise.race([loops, sleep(2000, undefined, { ref: false })]);
    await Promise.all([...this.#sessions.values()].map((s) => s.dispatcher.close().catch(() => undefined)));
    this.#log.info(`stopped: ${delivered} event(s) delivered, ${undelivered} undelivered`);
    return { delivered, undelivered };
  }
}
