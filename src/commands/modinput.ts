import type { RegisterCommand } from './types.js';
import type { LogLevel } from '../core/logger.js';

/**
 * `modinput <kind> [--scheme | --validate-arguments]`: the modular-input face splunkd runs
 * through bin/<kind>.sh / .cmd. Heavy modules load only after the mode is known.
 */
export const registerModinput: RegisterCommand = (program) => {
  program
    .command('modinput')
    .description('run a Splunk modular input (ser_report, mail_metadata) the way splunkd does: --scheme, --validate-arguments, or run mode with the <input> document on stdin')
    .argument('<kind>', 'input kind (scheme name)')
    .option('--scheme', 'print the scheme XML')
    .option('--validate-arguments', 'validate the <items> document on stdin')
    .action(async (kind: string, opts: { scheme?: boolean; validateArguments?: boolean }, cmd) => {
      const { loadInputKind } = await import('../splunk/inputs/index.js');
      const { runModinput } = await import('../splunk/modinput-main.js');
      const input = await loadInputKind(kind);
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) process.exit(1);
        controller.abort();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const parentLevel = (cmd.parent?.opts() as { logLevel?: string } | undefined)?.logLevel;
      const code = await runModinput(input, opts.scheme ? 'scheme' : opts.validateArguments ? 'validate' : 'run', {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: controller.signal,
        // --log-level given explicitly wins over [logging]; the CLI default is 'info'.
        logLevel: process.argv.includes('--log-level') ? (parentLevel as LogLevel) : undefined,
      });
      process.removeListener('SIGTERM', stop);
      process.removeListener('SIGINT', stop);
      process.exitCode = code;
    });
};
