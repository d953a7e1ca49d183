import type { Command } from 'commander';

/** Each subcommand lives in its own file and adds itself to the program. */
export type RegisterCommand = (program: Command) => void;
