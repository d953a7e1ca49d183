import type { RegisterCommand } from './types.js';
import { registerSim } from './sim.js';
import { registerDemo } from './demo.js';
import { registerForward } from './forward.js';
import { registerAlert } from './alert.js';
import { registerDoctor } from './doctor.js';
import { registerRun } from './run.js';
import { registerMail } from './mail.js';
import { registerBackfill } from './backfill.js';
import { registerModinput } from './modinput.js';

/** Every subcommand, in the order `--help` lists them. Each file registers one command. */
export const commands: RegisterCommand[] = [
  registerDemo,
  registerSim,
  registerForward,
  registerAlert,
  registerDoctor,
  registerRun,
  registerMail,
  registerBackfill,
  registerModinput,
];
