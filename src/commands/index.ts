import type { RegisterCommand } from './types.js';

/** Every subcommand, in the order `--help` lists them. Each file registers one command. */
export const commands: RegisterCommand[] = [];
