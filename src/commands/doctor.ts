import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger, type LogLevel } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import { runDoctor } from '../doctor/doctor.js';
import { runSplunkDoctor } from '../doctor/splunk-doctor.js';
import { appDir } from '../splunk/app-settings.js';
import { renderTable } from '../doctor/table.js';
import type { RegisterCommand } from './types.js';

/** A bad --timeout is a usage error naming the value, not a silent fall-back to the default. */
function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0, e.g. 15 or 2.5');
  return n;
}

/** A session key from a file or stdin ("-"), never from the command line (which `ps` shows). */
function sessionKeyFrom(path: string): Secret {
  let key: string;
  try {
    key = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  } catch (err) {
    throw new InvalidArgumentError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!key) throw new InvalidArgumentError('it is empty: put the session key from /services/auth/login in it');
  return new Secret(key);
}

/**
 * `doctor --config file.yaml`: one row per check, a fix for each failure; exit 0 only when none
 * failed. `doctor --splunk [uri]`: the send services configured in Splunk, read as the alert
 * action reads them (storage/passwords with a session key; the .conf files on disk without).
 */
export const registerDoctor: RegisterCommand = (program: Command) => {
  program
    .command('doctor')
    .description('check a configuration end to end (DNS, TLS, SER token and report, HEC health and token, send mTLS, client certificate, CA and encryption keys, files or pasted PEMs, checkpoint dir) and print a table with a fix for each failure')
    .option('-c, --config <file>', 'the YAML configuration (as for run)')
    .option('--splunk [server_uri]', 'check the send services configured in Splunk instead (ta_ser_mail_send.conf and storage/passwords); default https://127.0.0.1:8089')
    .option('--session-key-file <path>', 'with --splunk: a file holding a splunkd session key, or - for stdin; without it, storage/passwords (pasted PEMs, passphrase) cannot be read', sessionKeyFrom)
    .option('--service <names>', 'with --splunk: comma-separated send service stanzas (default: all)')
    .option('--timeout <seconds>', 'longest time one check may take', seconds, 15)
    .option('--json', 'print the rows as one JSON array instead of the table (for scripts and monitoring)')
    .addHelpText('after', '\nExit code: 0 when no check failed (WARN rows do not fail), 1 otherwise. Nothing is indexed and nothing is sent: the HEC token is tested with an empty request, the send service with a GET.')
    .action(async (opts: { config?: string; splunk?: string | true; sessionKeyFile?: Secret; service?: string; timeout: number; json?: boolean }, cmd: Command) => {
      if (!opts.config === !opts.splunk) cmd.error('error: give either --config <file> or --splunk [server_uri]', { exitCode: 2 });
      if (opts.config && (opts.service || opts.sessionKeyFile)) cmd.error('error: --service and --session-key-file go with --splunk, not --config', { exitCode: 2 });
      const log = createLogger({ level: cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel, name: 'doctor' });
      const report = opts.config
        ? await runDoctor(opts.config, { log, timeoutMs: opts.timeout * 1000 })
        : await runSplunkDoctor({
            serverUri: opts.splunk === true || opts.splunk === undefined ? 'https://127.0.0.1:8089' : opts.splunk,
            sessionKey: opts.sessionKeyFile,
            services: opts.service?.split(',').map((s) => s.trim()).filter(Boolean),
            appDir: appDir(),
            log,
            timeoutMs: opts.timeout * 1000,
          });
      process.stdout.write(opts.json ? `${JSON.stringify(report.results)}\n` : renderTable(report.results));
      process.exitCode = report.ok ? 0 : 1;
    });
};
