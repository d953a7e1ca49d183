import type { Command } from 'commander';
import { eventId, toEpochSeconds } from '../core/event.js';
import { createLogger, type LogLevel } from '../core/logger.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import { HecSink, hecSinkConfig } from '../hec/sink.js';
import { startHecSimulator } from '../sim/hec.js';
import type { RegisterCommand } from './types.js';

/**
 * Temporary demo until the full one (SER, mail, send simulators) replaces this file: the real
 * HEC sink delivers generated events, with indexer ack and gzip, to the real HEC simulator,
 * and the counts printed come from what the simulator accepted.
 */
export const registerDemo: RegisterCommand = (program: Command) => {
  program
    .command('demo')
    .description('deliver generated events through the HEC sink (ack + gzip) to the built-in HEC simulator')
    .option('--events <n>', 'how many events', '1000')
    .action(async (opts: { events: string }, cmd: Command) => {
      const n = Math.max(1, Math.min(1_000_000, Number.parseInt(opts.events, 10) || 1000));
      const log = createLogger({ name: 'demo', level: (cmd.optsWithGlobals().logLevel as LogLevel | undefined) ?? 'info' });
      const sim = await startHecSimulator({ ack: true, ackDelayMs: 50, indexes: ['main'] });
      const sink = new HecSink(hecSinkConfig({ urls: sim.url, token: sim.token, ack: true, gzip: true, ack_poll_interval: '100ms', batch_interval: '200ms' }), { log, name: 'demo' });
      try {
        const now = Date.now();
        const events = Array.from({ length: n }, (_, i) => ({
          time: toEpochSeconds(now + i),
          sourcetype: SOURCETYPES.telemetry,
          source: 'ta-ser-mail:demo',
          event: { message: 'demo event', seq: i },
          id: eventId('demo', now, i),
        }));
        await sink.sendAll(events);
        const report = await sink.close(10_000);
        const distinct = new Set(sim.eventIds()).size;
        process.stdout.write(
          `demo: sent ${n} events through the HEC sink (indexer ack, gzip) to ${sim.url}; delivered ${report.delivered}, undelivered ${report.undelivered}; the simulator accepted ${distinct} distinct event ids\n`,
        );
        if (report.undelivered > 0 || distinct !== n) process.exitCode = 1;
      } finally {
        await sink.close(1000).catch(() => undefined);
        await sim.close();
      }
    });
};
