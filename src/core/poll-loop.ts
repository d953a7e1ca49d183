import { setTimeout as sleep } from 'node:timers/promises';
import { AddonError, describeError } from './errors.js';
import type { Logger } from './logger.js';

/** Failures no later cycle can cure: the loop stops and the caller reports them. */
const FATAL_CODES = new Set(['CHECKPOINT_UNREADABLE', 'CONFIG_INVALID']);

export interface PollLoopOptions {
  /** For log lines: which input this loop drives. */
  name: string;
  /** Pause between the end of one cycle and the start of the next. */
  intervalMs: number;
  /** The source's part: one cycle; it should stop early (and resolve) when the signal aborts. */
  cycle: (signal: AbortSignal) => Promise<void>;
  /** Aborting ends the loop: the running cycle is asked to stop, no new cycle starts. */
  signal: AbortSignal;
  log: Logger;
  /** Stop after this many cycles (tests, one-shot runs). */
  maxCycles?: number;
  /** Decides whether a failed cycle ends the loop; default: unreadable checkpoint or bad configuration. */
  isFatal?: (err: unknown) => boolean;
}

export interface PollLoopResult {
  cycles: number;
  failures: number;
}

export function isFatalByDefault(err: unknown): boolean {
  return AddonError.isInstance(err) && FATAL_CODES.has(err.code);
}

/**
 * The poll loop every polling source shares: run a cycle, log a failed one and carry on
 * (the next cycle retries from the checkpoint), wait the interval, stop on abort. A fatal
 * failure ends the loop by rejecting with it.
 */
export async function runPollLoop(o: PollLoopOptions): Promise<PollLoopResult> {
  const isFatal = o.isFatal ?? isFatalByDefault;
  const result: PollLoopResult = { cycles: 0, failures: 0 };
  const max = o.maxCycles ?? Number.POSITIVE_INFINITY;
  // Bounded by the signal or maxCycles.
  while (!o.signal.aborted && result.cycles < max) {
    result.cycles += 1;
    try {
      await o.cycle(o.signal);
    } catch (err) {
      if (o.signal.aborted) break;
      if (isFatal(err)) {
        o.log.error({ input: o.name }, `${o.name} stopped: ${describeError(err)}`);
        throw err;
      }
      result.failures += 1;
      o.log.error({ input: o.name }, `${o.name} cycle failed, the next cycle retries from the checkpoint: ${describeError(err)}`);
    }
    if (result.cycles >= max) break;
    try {
      await sleep(o.intervalMs, undefined, { signal: o.signal });
    } catch {
      break;
    }
  }
  return result;
}
