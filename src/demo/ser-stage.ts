import { FileCheckpointStore } from '../core/checkpoint.js';
import type { Logger } from '../core/logger.js';
import type { Sink } from '../core/sink.js';
import { serBackfillKey } from '../ser/checkpoint-state.js';
import { runSerBackfill, type SerCycleSummary } from '../ser/input.js';
import { RateLimiter } from '../ser/rate-limiter.js';
import { createSerSession } from '../ser/session.js';
import { DAY_MS, HOUR_MS } from '../ser/time.js';
import type { ServiceConfig } from '../service/config-load.js';
import { DEMO_SER_RATE_PER_MINUTE } from './environment.js';
import { progress } from './progress.js';

export interface SerStageResult extends SerCycleSummary {
  fromMs: number;
  toMs: number;
  checkpointFile: string;
}

/**
 * Seven days of hourly windows through the real input code (token, rate limiter, tolerant
 * parser, window planner, checkpoint after delivery) into the HEC sink, with a progress bar.
 */
export async function serBackfillStage(cfg: ServiceConfig, sink: Sink, log: Logger, say: (line: string) => void): Promise<SerStageResult> {
  const [name, input] = Object.entries(cfg.inputs.ser_report)[0]!;
  const account = { ...cfg.accounts[input.account]!, name: input.account };
  const toMs = Math.floor((Date.now() - input.settle_delay * 1000) / HOUR_MS) * HOUR_MS;
  const fromMs = toMs - 7 * DAY_MS;
  // The simulator allows DEMO_SER_RATE_PER_MINUTE; the client is set to exactly that, as the benchmark does.
  const limiter = new RateLimiter({ perMinute: DEMO_SER_RATE_PER_MINUTE, ceilingPerMinute: DEMO_SER_RATE_PER_MINUTE });
  const session = createSerSession(account, { log, limiter, connections: input.concurrency, proxy: cfg.proxy });
  const checkpoints = new FileCheckpointStore(cfg.service.checkpoint_dir);
  const bar = progress('SER backfill', 'hourly windows', say);
  try {
    const summary = await runSerBackfill({ name, input, account, session, limiter, sink, checkpoints, log, fromMs, toMs, onWindowDone: (d, t) => bar.update(d, t) });
    return { ...summary, fromMs, toMs, checkpointFile: checkpoints.describe(serBackfillKey(name, account.name, fromMs, toMs)) };
  } finally {
    bar.stop();
    await session.dispatcher.close().catch(() => undefined);
  }
}
