import { eventId, toEpochSeconds, type SplunkEvent } from '../../src/core/event.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { afterEach } from 'vitest';
import { startHecSimulator, type HecSimulator, type HecSimulatorOptions } from '../../src/sim/hec.js';

/** `n` distinct events (~180 bytes of HEC JSON each) whose ids are returned alongside. */
export function makeEvents(n: number, tag: string, extra: Partial<SplunkEvent> = {}): SplunkEvent[] {
  const t0 = Date.UTC(2026, 10, 27, 12);
  return Array.from({ length: n }, (_, i) => ({
    time: toEpochSeconds(t0 + i),
    sourcetype: 'proofpoint:ser:summary',
    event: { tenant: 'acme', app_user: `user${i}@example.com`, delivered: i % 97, tag },
    id: eventId(tag, i),
    ...extra,
  }));
}

export const idsOf = (events: readonly SplunkEvent[]): Set<string> => new Set(events.map((e) => e.id));

/** A logger whose lines are kept, for assertions on what an admin would read. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', write: (l) => lines.push(l) }), lines };
}

/** Settings that make faults play out in milliseconds rather than seconds. */
export const FAST = {
  batch_interval: '20ms',
  retry_min_delay: '10ms',
  retry_max_delay: '50ms',
  health_check_interval: '30ms',
  ack_poll_interval: '20ms',
  request_timeout: '2s',
} as const;

export function sinkFor(sims: HecSimulator | HecSimulator[], settings: Record<string, unknown> = {}, log?: Logger): HecSink {
  const list = Array.isArray(sims) ? sims : [sims];
  const cfg = hecSinkConfig({ urls: list.map((s) => s.url).join(','), token: list[0]!.token, ...FAST, ...settings });
  return new HecSink(cfg, { log: log ?? capturingLogger().log });
}

/** Starts HEC simulators for one test file's tests; each is closed after its test. */
export function simulatorsPerTest(): (o?: HecSimulatorOptions) => Promise<HecSimulator> {
  const sims: HecSimulator[] = [];
  afterEach(async () => {
    for (const s of sims.splice(0)) await s.close();
  });
  return async (o: HecSimulatorOptions = {}) => {
    const s = await startHecSimulator(o);
    sims.push(s);
    return s;
  };
}
