import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { FileCheckpointStore } from '../core/checkpoint.js';
import { ConfigError } from '../core/errors.js';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { HecSink } from '../hec/sink.js';
import { loadServiceConfig, type ServiceConfig } from '../service/config-load.js';
import { parseUtcDate } from '../ser/config.js';
import { runSerBackfill, runSerInput, type SerCycleSummary } from '../ser/input.js';
import { serSessionFor } from '../ser/session.js';
import type { RegisterCommand } from './types.js';

interface BackfillOptions {
  config: string;
  input?: string;
  from?: string;
  to?: string;
  now?: string;
  checkpointDir?: string;
  progress: boolean;
}

function date(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseUtcDate(value);
  if (ms === undefined) throw new ConfigError(`${flag} ${value}: expected a UTC date such as 2026-10-01 or 2026-10-01T06:00:00Z`);
  return ms;
}

function pickInput(cfg: ServiceConfig, name: string | undefined): string {
  const names = Object.keys(cfg.inputs.ser_report);
  if (name) {
    if (!names.includes(name)) throw new ConfigError(`--input ${name}: ${cfg.file} has no inputs.ser_report.${name} (known: ${names.join(', ') || 'none'})`);
    return name;
  }
  if (names.length !== 1) throw new ConfigError(`${cfg.file} has ${names.length} SER inputs (${names.join(', ') || 'none'}): name one with --input`);
  return names[0]!;
}

/** A progress bar with ETA on a terminal; a plain line every few seconds otherwise (logs, CI). */
function progressReporter(enabled: boolean, log: Logger): { update(done: number, total: number): void; stop(): void } {
  if (enabled && process.stderr.isTTY) {
    const bar = new SingleBar({ format: 'backfill [{bar}] {percentage}% | {value}/{total} windows | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 50 });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  const t0 = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done !== total && now - last < 5000) return;
      last = now;
      const rate = done / Math.max(1, (now - t0) / 1000);
      const eta = rate > 0 ? Math.round((total - done) / rate) : undefined;
      log.info(`backfill progress: ${done}/${total} windows (${Math.floor((100 * done) / Math.max(1, total))}%)${eta === undefined ? '' : `, ETA ${eta}s`}`);
    },
    stop() {},
  };
}

/**
 * `backfill --config file.yaml [--input name] [--from d --to d]`: reads past windows through the
 * input's account and HEC destination. Resumable: the checkpoint moves only over delivered
 * windows, so after Ctrl-C or a crash the same command continues where it stopped.
 */
export const registerBackfill: RegisterCommand = (program: Command) => {
  program
    .command('backfill')
    .description('read past SER windows into Splunk (resumable; respects the account\'s rate limit)')
    .requiredOption('-c, --config <file>', 'the YAML configuration (as for run)')
    .option('-i, --input <name>', 'the SER input (under inputs.ser_report) whose account, HEC destination and window size to use; default: the only one')
    .option('--from <date>', 'start of the range, UTC (2026-10-01 or an ISO timestamp); with --to. Without both: the input\'s own catch-up from its checkpoint or start date')
    .option('--to <date>', 'end of the range (exclusive), UTC; must be before now − settle_delay')
    .option('--now <date>', 'pretend the current time is this (tests and demos: fast-forwards the window planner)')
    .option('--checkpoint-dir <dir>', 'checkpoint directory (default: service.checkpoint_dir of the configuration)')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText('after', '\nExit code: 0 when every window of the range is delivered; 1 on an error (run the same command again to resume); 130 when interrupted.')
    .action(async (opts: BackfillOptions, cmd: Command) => {
      const log = createLogger({ level: cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel, name: 'backfill' });
      const cfg = loadServiceConfig(opts.config);
      const name = pickInput(cfg, opts.input);
      const input = cfg.inputs.ser_report[name]!;
      const account = { ...cfg.accounts[input.account]!, name: input.account };
      const fromMs = date(opts.from, '--from');
      const toMs = date(opts.to, '--to');
      if ((fromMs === undefined) !== (toMs === undefined)) throw new ConfigError('give both --from and --to, or neither (then the input catches up from its checkpoint)');
      const fixedNow = date(opts.now, '--now');
      const now = fixedNow === undefined ? Date.now : () => fixedNow;
      const sink = new HecSink(cfg.hec[input.hec]!, { log, proxy: cfg.proxy, name: input.hec });
      const checkpointDir = opts.checkpointDir ?? cfg.service.checkpoint_dir;
      const checkpoints = new FileCheckpointStore(checkpointDir);
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const progress = progressReporter(opts.progress, log);
      // The one [proxy] setting of the configuration, as the service and the modular input use it;
      // the account's rate budget is shared with the running service (same checkpoint directory).
      const session = serSessionFor(account, { log, proxy: cfg.proxy, connections: input.concurrency, budgetDir: checkpointDir });
      const common = { name, input, account, session, sink, checkpoints, log, now, signal: abort.signal, onWindowDone: (d: number, t: number) => progress.update(d, t) };
      let summary: SerCycleSummary;
      try {
        summary = fromMs !== undefined && toMs !== undefined ? await runSerBackfill({ ...common, fromMs, toMs }) : await runSerInput(common);
      } finally {
        progress.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        const closed = await sink.close(cfg.service.shutdown_timeout * 1000);
        if (closed.undelivered > 0) {
          log.error(`${closed.undelivered} event(s) were not delivered; their windows stay before the checkpoint and are read again on the next run`);
          process.exitCode = 1;
        }
      }
      const line = `backfill ${summary.aborted ? 'interrupted' : 'done'}: ${summary.windows} window(s) read, ${summary.events} event(s) delivered, ${summary.requests} request(s); checkpoint at ${summary.checkpoint}`;
      process.stdout.write(`${line}${summary.aborted ? ' — run the same command again to resume' : ''}\n`);
      if (summary.aborted) process.exitCode = 130;
    });
};
