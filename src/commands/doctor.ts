import { InvalidArgumentError, type Command } from 'commander';
import { createLogger, type LogLevel } from '../core/logger.js';
import { runDoctor } from '../doctor/doctor.js';
import { renderTable } from '../doctor/table.js';
import type { RegisterCommand } from './types.js';

/** A bad --timeout is a usage error naming the value, not a silent fall-back to the default. */
function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0, e.g. 15 or 2.5');
  return n;
}

/** `doctor --config file.yaml`: one row per check, a fix for each failure; exit 0 only when all pass. */
export const registerDoctor: RegisterCommand = (program: Command) => {
  program
    .command('doctor')
    .description('check a configuration end to end (DNS, TLS, SER token and report, HEC health and token, send mTLS, keys, checkpoint dir) and print a table with a fix for each failure')
    .requiredOption('-c, --config <file>', 'the YAML configuration (as for run)')
    .option('--timeout <seconds>', 'longest time one check may take', seconds, 15)
    .option('--json', 'print the rows as one JSON array instead of the table (for scripts and monitoring)')
    .addHelpText('after', '\nExit code: 0 when every check passed, 1 otherwise. Nothing is indexed: the HEC token is tested with an empty request.')
    .action(async (opts: { config: string; timeout: number; json?: boolean }, cmd: Command) => {
      const log = createLogger({ level: cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel, name: 'doctor' });
      const report = await runDoctor(opts.config, { log, timeoutMs: opts.timeout * 1000 });
      process.stdout.write(opts.json ? `${JSON.stringify(report.results)}\n` : renderTable(report.results));
      process.exitCode = report.ok ? 0 : 1;
    });
};
