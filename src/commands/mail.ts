import type { Command } from 'commander';
import { FileCheckpointStore } from '../core/checkpoint.js';
import { ConfigError } from '../core/errors.js';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { HecSink } from '../hec/sink.js';
import { folderImporter, startMailInput, type MailSettings, type RunningMailInput } from '../mail/input.js';
import { loadServiceConfig, type ServiceConfig } from '../service/config-load.js';
import type { RegisterCommand } from './types.js';

interface MailOptions {
  config: string;
  input?: string;
  once?: boolean;
}

type MailInputs = ServiceConfig['inputs']['mail_metadata'];

function pickInputs(cfg: ServiceConfig, name: string | undefined): MailInputs {
  const all = cfg.inputs.mail_metadata;
  if (name === undefined) {
    if (Object.keys(all).length === 0) throw new ConfigError(`${cfg.file}: no inputs.mail_metadata entry to run`);
    return all;
  }
  const one = all[name];
  if (!one) throw new ConfigError(`${cfg.file}: no inputs.mail_metadata entry named "${name}" (known: ${Object.keys(all).join(', ') || 'none'})`);
  return { [name]: one };
}

function sinkFor(cfg: ServiceConfig, hecName: string, log: Logger): HecSink {
  const dest = cfg.hec[hecName];
  if (!dest) throw new ConfigError(`${cfg.file}: no HEC destination named "${hecName}"`);
  return new HecSink(dest, { log: log.child({ hec: hecName }), proxy: cfg.proxy, name: hecName });
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(sig);
    };
    const onTerm = () => on('SIGTERM');
    const onInt = () => on('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/**
 * Runs the named mail inputs of a service YAML until SIGTERM/SIGINT (or, with `importOnly` +
 * `once`, one import pass), then answers what is in flight and drains the sinks.
 */
async function runMail(opts: MailOptions, log: Logger, importOnly: boolean): Promise<number> {
  const cfg = loadServiceConfig(opts.config);
  const inputs = pickInputs(cfg, opts.input);
  const checkpoints = new FileCheckpointStore(cfg.service.checkpoint_dir);
  const sinks = new Map<string, HecSink>();
  const running: RunningMailInput[] = [];
  let exit = 0;
  try {
    for (const [name, input] of Object.entries(inputs)) {
      const { auth_secret: secret, ...settings } = input;
      if (importOnly && !settings.data_path) throw new ConfigError(`inputs.mail_metadata.${name}.data_path: mail import needs the connector's DataPath folder`);
      const sink = sinks.get(settings.hec) ?? sinkFor(cfg, settings.hec, log);
      sinks.set(settings.hec, sink);
      const config = importOnly ? { ...settings, receiver: false } : settings;
      if (importOnly && opts.once) {
        running.push(await importOnce(name, config, sink, checkpoints, log));
        continue;
      }
      running.push(await startMailInput({ name, config, secret, sink, checkpoints, log: log.child({ input: name }) }));
    }
    if (!(importOnly && opts.once)) {
      // Importer loops end only on stop or on an error (e.g. an unreadable ledger): wait for a signal or that error.
      const failed = Promise.all(running.map((r) => r.done)).then(() => new Promise<string>(() => {}));
      const reason = await Promise.race([untilSignal(), failed]);
      log.info(`mail: stopping (${reason})`);
    }
  } finally {
    for (const r of running) await r.stop().catch(() => {});
    // Closing the sinks answers (or abandons, at the deadline) what the importers wait for.
    for (const [name, sink] of sinks) {
      const report = await sink.close(cfg.service.shutdown_timeout * 1000);
      if (report.undelivered > 0) {
        log.error(`mail: ${report.undelivered} event(s) for HEC destination ${name} were not delivered before the shutdown deadline`);
        exit = 1;
      }
    }
    await Promise.allSettled(running.map((r) => r.done));
  }
  return exit;
}

/** One pass: observe, wait until files can be called stable, import them, print a summary. */
async function importOnce(name: string, config: MailSettings, sink: HecSink, checkpoints: FileCheckpointStore, log: Logger): Promise<RunningMailInput> {
  const importer = folderImporter({ name, config, sink, checkpoints, log });
  await importer.scanOnce();
  await new Promise((r) => setTimeout(r, config.stable_time * 1000));
  const report = await importer.scanOnce();
  const { imported, failed, waiting, events, dropped, deliveryError } = report;
  process.stdout.write(`${JSON.stringify({ input: name, imported: imported.length, failed, waiting, events, dropped, deliveryError })}\n`);
  if (deliveryError || failed.length > 0) process.exitCode = 1;
  return { importer, done: Promise.resolve(), stop: async () => {} };
}

export const registerMail: RegisterCommand = (program: Command) => {
  const mail = program.command('mail').description('mail metadata: the EWS/AD connector receiver and the DataPath importer, standalone');
  const level = (cmd: Command) => cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel;
  mail
    .command('serve')
    .description('run the mail_metadata inputs of a service YAML (receiver and, where data_path is set, the importer) until SIGTERM/SIGINT')
    .requiredOption('-c, --config <file>', 'the service YAML (hec:, inputs.mail_metadata:)')
    .option('-i, --input <name>', 'run only this inputs.mail_metadata entry')
    .action(async (opts: MailOptions, cmd: Command) => {
      process.exitCode = await runMail(opts, createLogger({ level: level(cmd), name: 'mail' }), false);
    });
  mail
    .command('import')
    .description('import the DataPath folder of the mail_metadata inputs (no receiver): every stable file once, bad files set aside')
    .requiredOption('-c, --config <file>', 'the service YAML (hec:, inputs.mail_metadata: with data_path)')
    .option('-i, --input <name>', 'import only for this inputs.mail_metadata entry')
    .option('--once', 'one pass (two scans stable_time apart), print a JSON summary and exit; default: keep watching')
    .action(async (opts: MailOptions, cmd: Command) => {
      const code = await runMail(opts, createLogger({ level: level(cmd), name: 'mail' }), true);
      if (code !== 0) process.exitCode = code;
    });
};
