import { Command, CommanderError } from 'commander';
import { describeError } from './core/errors.js';
import { VERSION } from './core/version.js';
import { commands } from './commands/index.js';

/**
 * One entry point, several faces: the Splunk wrappers, the standalone service and the admin's
 * tools are all subcommands. Errors end as one readable line on stderr and a non-zero exit.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('ta-ser-mail')
    .description('Proofpoint SER reports, mail metadata and secure send for Splunk, delivered through HEC')
    .version(VERSION, '-V, --version')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`ERROR ${describeError(err)}\n`);
    return 1;
  }
}
