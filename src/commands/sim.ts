import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { simulators } from '../sim/registry.js';
import type { RegisterCommand } from './types.js';

function collect(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--option ${value}: expected key=value`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/**
 * `sim <kind>`: one simulator in its own process (benchmarks, the demo, manual trials). Prints
 * one JSON line (url, token, …) on stdout once listening, then runs until SIGTERM/SIGINT.
 */
export const registerSim: RegisterCommand = (program: Command) => {
  const kinds = Object.entries(simulators)
    .map(([k, s]) => `  ${k}: ${s.description}\n${Object.entries(s.options).map(([o, d]) => `      ${o}: ${d}`).join('\n')}`)
    .join('\n');
  program
    .command('sim')
    .description('run a simulator (for tests, benchmarks and the demo) and print its URL as one JSON line')
    .argument('<kind>', `one of: ${Object.keys(simulators).join(', ')}`)
    .option('-o, --option <key=value>', 'a simulator option (repeatable)', collect, {} as Record<string, string>)
    .addHelpText('after', `\nKinds and their options:\n${kinds}`)
    .action(async (kind: string, opts: { option: Record<string, string> }) => {
      const entry = simulators[kind];
      if (!entry) throw new ConfigError(`unknown simulator "${kind}"; known: ${Object.keys(simulators).join(', ')}`);
      const running = await entry.start(opts.option);
      process.stdout.write(`${JSON.stringify({ kind, ...running.info })}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await running.close();
    });
};
