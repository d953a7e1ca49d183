import type { Logger } from '../core/logger.js';
import type { BatchQueue } from './batch-queue.js';
import type { HecDestination } from './config.js';
import type { Endpoints } from './endpoints.js';

export interface StallWarningOptions {
  /** How often to check (the sink's stallWarnMs). */
  everyMs: number;
  config: Pick<HecDestination, 'health_check_interval' | 'retry_max_delay'>;
  endpoints: Endpoints;
  queue: BatchQueue;
  /** Why delivery stopped for good, once it has (then there is nothing to warn about). */
  fatal: () => Error | undefined;
  log: Logger;
}

/**
 * Every endpoint set aside and events waiting: say so at least once per `everyMs`, so an admin
 * sees a stalled destination while nothing is lost. Returns the (unref'd) interval to clear at close.
 */
export function warnWhileStalled(o: StallWarningOptions): NodeJS.Timeout {
  const timer = setInterval(() => warnIfStalled(o), o.everyMs);
  timer.unref();
  return timer;
}

function warnIfStalled(o: StallWarningOptions): void {
  const aside = o.endpoints.allAsideForMs();
  const waiting = o.queue.pendingEvents();
  if (aside === undefined || waiting === 0 || o.fatal()) return;
  let last: string | undefined;
  for (const b of o.queue.outstanding) last ??= b.lastFailure;
  o.log.warn(
    `every HEC endpoint has been set aside for ${Math.round(aside / 1000)} s; ${waiting} event(s) wait (nothing is dropped; a real request is tried every ${Math.max(o.config.health_check_interval, o.config.retry_max_delay)} s)${last ? `; last failure: ${last}` : ''}`,
  );
}
