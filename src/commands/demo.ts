import type { Command } from 'commander';
import { createLogger, type LogLevel } from '../core/logger.js';
import { runDemo } from '../demo/run-demo.js';
import type { RegisterCommand } from './types.js';

/**
 * `demo` (what `npm start` runs): the whole pipeline against the built-in simulators on
 * 127.0.0.1 — doctor, a 7-day SER backfill, the mail receiver with a connector-like client,
 * the alert action with encryption — then a summary read back from what HEC recorded.
 */
export const registerDemo: RegisterCommand = (program: Command) => {
  program
    .command('demo')
    .description('run the whole pipeline against built-in simulators on 127.0.0.1 (what npm start does) and print a summary')
    .option('-o, --out <dir>', 'parent folder of the run\'s output (events.jsonl, checkpoints, config.yaml)', 'demo-output')
    .addHelpText('after', '\nExit code: 0 when every stage succeeded. Nothing is left running; certificates are generated per run and deleted.')
    .action(async (opts: { out: string }, cmd: Command) => {
      // Component warnings (e.g. a retried request) go to stderr; the demo's own lines to stdout.
      const level = cmd.parent?.getOptionValueSource('logLevel') === 'cli' ? cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel : 'warn';
      const log = createLogger({ level, name: 'demo' });
      const code = await runDemo({ outDir: opts.out, log, cliEntry: [...process.execArgv, process.argv[1]!] });
      process.exitCode = code;
      // Everything was closed; should a stray handle keep the event loop alive, do not hang the terminal.
      setTimeout(() => process.exit(code), 3000).unref();
    });
};
