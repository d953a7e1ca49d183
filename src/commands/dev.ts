import { registerDemo } from './demo.js';
import { commands } from './index.js';
import { registerSim } from './sim.js';
import type { RegisterCommand } from './types.js';

/**
 * The development CLI's commands: the shipped ones plus `demo` (what `npm start` runs) and `sim`
 * (simulators for tests, benchmarks and the demo). Never imported by src/main.ts, so the app's
 * bundle carries no simulator, no demo and no code that runs openssl.
 */
export const devCommands: RegisterCommand[] = [registerDemo, registerSim, ...commands];
