import type { LogLevel } from '../core/logger.js';
import type { RegisterCommand } from './types.js';

/**
 * `modinput <kind> [--scheme | --validate-arguments]`: the modular-input face splunkd runs
 * through bin/<kind>.sh / .cmd. src/main.ts usually answers it before commander loads
 * (src/splunk/modinput-cli.ts); this registration gives it --help and the odd argument order.
 */
export const registerModinput: RegisterCommand = (program) => {
  program
    .command('modinput')
    .description('run a Splunk modular input (ser_report, mail_metadata) the way splunkd does: --scheme, --validate-arguments, or run mode with the <input> document on stdin')
    .argument('<kind>', 'input kind (scheme name)')
    .option('--scheme', 'print the scheme XML')
    .option('--validate-arguments', 'validate the <items> document on stdin')
    .action(async (kind: string, opts: { scheme?: boolean; validateArguments?: boolean }, cmd) => {
      const { modinputMain } = await import('../splunk/modinput-cli.js');
      const explicit = process.argv.includes('--log-level') ? ((cmd.parent?.opts() as { logLevel?: LogLevel }).logLevel) : undefined;
      process.exitCode = await modinputMain(kind, { ...opts, logLevel: explicit });
    });
};
