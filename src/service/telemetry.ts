import { hostname } from 'node:os';
import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Sink, SinkStats } from '../core/sink.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import { VERSION } from '../core/version.js';
import type { TelemetryEvent, TelemetryInput } from './event-schema.js';

export interface TelemetrySources {
  inputs(): TelemetryInput[];
  destinations(): Array<{ name: string; stats: SinkStats }>;
}

export interface TelemetryOptions {
  sink: Sink;
  sources: TelemetrySources;
  intervalMs: number;
  index?: string;
  log: Logger;
  now?: () => number;
}

/**
 * The service reports on itself through the same sink as its data, so the Splunk that
 * receives the events also shows whether the pipeline is healthy (a dashboard can alert on
 * lag or a missing heartbeat). Each event has its own id: sequence numbers of one process.
 */
export class Telemetry {
  readonly #o: TelemetryOptions;
  readonly #startedAt: number;
  readonly #host = hostname();
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #pending = new Set<Promise<void>>();

  constructor(o: TelemetryOptions) {
    this.#o = o;
    this.#startedAt = (o.now ?? Date.now)();
  }

  /** The event body now (also used by tests and the final event). */
  snapshot(kind: TelemetryEvent['kind']): TelemetryEvent {
    const now = (this.#o.now ?? Date.now)();
    const inputs = this.#o.sources.inputs();
    const destinations = this.#o.sources.destinations().map((d) => ({
      name: d.name,
      delivered: d.stats.delivered,
      failed: d.stats.failed,
      retries: d.stats.retries,
      queued_bytes: Math.max(0, d.stats.queuedBytes),
      in_flight_bytes: Math.max(0, d.stats.inFlightBytes),
    }));
    return {
      kind,
      started_at: new Date(this.#startedAt).toISOString(),
      uptime_seconds: Math.round((now - this.#startedAt) / 1000),
      interval_seconds: this.#o.intervalMs / 1000,
      events_delivered: inputs.reduce((a, i) => a + i.events_delivered, 0),
      retries: destinations.reduce((a, d) => a + d.retries, 0),
      inputs,
      destinations,
      version: VERSION,
      pid: process.pid,
    };
  }

  event(kind: TelemetryEvent['kind']): SplunkEvent {
    const body = this.snapshot(kind);
    const now = (this.#o.now ?? Date.now)();
    return {
      time: toEpochSeconds(now),
      host: this.#host,
      source: 'ta-ser-mail:service',
      sourcetype: SOURCETYPES.telemetry,
      ...(this.#o.index ? { index: this.#o.index } : {}),
      event: body as unknown as Record<string, unknown>,
      id: eventId('telemetry', this.#host, body.started_at, body.pid, this.#seq++),
    };
  }

  /** Sends one event; a failure is logged, never thrown (telemetry must not stop the service). */
  emit(kind: TelemetryEvent['kind']): Promise<void> {
    const p = this.#o.sink.send(this.event(kind)).catch((err: unknown) => this.#o.log.warn(`telemetry event not delivered: ${describeError(err)}`));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
    return p;
  }

  start(): void {
    if (this.#o.intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.emit('interval'), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer; the caller emits the final event and closes the sink. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
