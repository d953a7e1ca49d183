import { hecSimulatorKind } from './hec-kind.js';
import { serSimulatorKind } from './ser-kind.js';
import { sendSimulatorKind } from './send-kind.js';
import { splunkdSimulatorKind } from './splunkd-kind.js';

/**
 * The simulators `ta-ser-mail sim <kind>` can start in their own process. Each kind parses its
 * own string options (`--option key=value`, repeatable) and returns what the command prints as
 * one JSON line (URL, token, CA file …) and how to stop. Add a kind with one line below.
 */
export interface RunningSimulator {
  /** Printed as one JSON line on stdout; must not hold private keys (file paths are fine). */
  info: Record<string, unknown>;
  close(): Promise<void>;
}

export interface SimulatorKind {
  description: string;
  /** `key: description` of every option, for `sim --help`. */
  options: Record<string, string>;
  start(options: Record<string, string>): Promise<RunningSimulator>;
}

export const simulators: Record<string, SimulatorKind> = {
  hec: hecSimulatorKind,
  send: sendSimulatorKind,
  ser: serSimulatorKind,
  splunkd: splunkdSimulatorKind,
};
