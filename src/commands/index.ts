import type { RegisterCommand } from './types.js';
import { registerForward } from './forward.js';
import { registerAlert } from './alert.js';
import { registerDoctor } from './doctor.js';
import { registerRun } from './run.js';
import { registerMail } from './mail.js';
import { registerBackfill } from './backfill.js';
import { registerModinput } from './modinput.js';

/**
 * Every subcommand of the shipped program, in the order `--help` lists them. Each file registers
 * one command. `demo` and `sim` are not here: they run simulators (and openssl), so they live in
 * the development CLI only (src/commands/dev.ts, src/dev-main.ts).
 */
export const commands: RegisterCommand[] = [
  registerForward,
  registerAlert,
  registerDoctor,
  registerRun,
  registerMail,
  registerBackfill,
  registerModinput,
];
