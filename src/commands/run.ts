import type { Command } from 'commander';
import { createLogger, type LogLevel } from '../core/logger.js';
import { loadServiceConfig } from '../service/config-load.js';
import { ServiceRunner } from '../service/runner.js';
import type { RegisterCommand } from './types.js';

/**
 * `run --config file.yaml`: the long-lived standalone service. SIGTERM/SIGINT end it in
 * order (stop accepting, drain, checkpoint); the exit code is 0 only when nothing was left
 * undelivered and no input stopped on an error.
 */
export const registerRun: RegisterCommand = (program: Command) => {
  program
    .command('run')
    .description('run the standalone service: the SER input(s) and the mail receiver from a YAML file, until SIGTERM/SIGINT')
    .requiredOption('-c, --config <file>', 'the YAML configuration (default/config.yaml documents every setting)')
    .addHelpText('after', '\nSecrets are references in the file: { env: VARIABLE } or { file: path }.\nCheck a configuration first with: ta-ser-mail doctor --config <file>')
    .action(async (opts: { config: string }, cmd: Command) => {
      const cfg = loadServiceConfig(opts.config);
      const cliLevel = cmd.optsWithGlobals<{ logLevel?: LogLevel }>().logLevel;
      const fromCli = cmd.parent?.getOptionValueSource('logLevel') === 'cli';
      const log = createLogger({ level: fromCli && cliLevel ? cliLevel : cfg.logging.level, name: 'service' });
      const runner = new ServiceRunner(cfg, log);
      const signalled = new Promise<string>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      let urls: Record<string, string>;
      try {
        urls = await runner.start();
      } catch (err) {
        await runner.stop('start failed').catch(() => undefined);
        throw err;
      }
      for (const [name, url] of Object.entries(urls)) log.info(`mail_metadata://${name} receiving at ${url}`);
      const reason = await Promise.race([signalled, runner.fatal.then((r) => `error: ${r}`)]);
      const fatal = reason.startsWith('error: ');
      // A second signal while draining means "now": what is undelivered stays before the checkpoints.
      const force = () => {
        const t = runner.tally();
        process.stderr.write(`ERROR second signal: exiting without waiting for the drain: ${t.delivered} event(s) delivered, ${t.undelivered} undelivered; undelivered windows are read again on the next start\n`);
        process.exit(1);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      const report = await runner.stop(reason);
      process.off('SIGTERM', force);
      process.off('SIGINT', force);
      if (fatal) process.stderr.write(`ERROR ${reason.slice(7)}\n`);
      process.exitCode = fatal || report.undelivered > 0 ? 1 : 0;
    });
};
