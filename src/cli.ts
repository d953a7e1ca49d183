import { Command, CommanderError, Option } from 'commander';
import { describeError } from './core/errors.js';
import { LOG_LEVELS } from './core/logger.js';
import { VERSION } from './core/version.js';
import { commands } from './commands/index.js';
import type { RegisterCommand } from './commands/types.js';

/**
 * One entry point, several faces: the Splunk wrappers, the standalone service and the admin's
 * tools are all subcommands. Errors end as one readable line on stderr and a non-zero exit.
 */
export async function main(argv: string[], registry: RegisterCommand[] = commands, name = 'ta-ser-mail'): Promise<number> {
  const program = new Command()
    .name(name)
    .description('Proofpoint SER reports, mail metadata and secure send for Splunk, delivered through HEC')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--log-level <level>', 'least severe level written to stderr').choices([...LOG_LEVELS]).default('info'))
    // Usage errors as one line, like every other error: the full help is one --help away.
    .configureOutput({ outputError: (text, write) => write(`ERROR ${text.replace(/^error:\s*/i, '').trim()} (see --help)\n`) })
    // --log-level goes before the command; list it in every command's help so it is found.
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  for (const register of registry) register(program);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`ERROR ${describeError(err)}\n`);
    return 1;
  }
}
