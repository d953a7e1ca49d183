import { LOG_LEVELS, type LogLevel } from '../core/logger.js';
import { loadInputKind } from './inputs/index.js';
import { runModinput } from './modinput-main.js';

/**
 * What `ta-ser-mail modinput <kind> [--scheme | --validate-arguments]` does, callable without
 * commander: src/main.ts takes this path straight away, because splunkd starts the program
 * for every run and every validation and start-up time counts.
 */
export async function modinputMain(kind: string, flags: { scheme?: boolean; validateArguments?: boolean; logLevel?: LogLevel }): Promise<number> {
  const input = await loadInputKind(kind);
  const controller = new AbortController();
  // First SIGTERM (splunkd disabling the input or stopping): stop taking work, deliver, exit.
  // Second: exit now, after one line per stanza with what was and was not delivered.
  const stop = () => {
    if (controller.signal.aborted) {
      // Loaded lazily like the runner itself (start-up time); in run mode it is loaded already.
      void import('./input-runner.js')
        .then((m) => m.reportForcedStop())
        .finally(() => process.exit(1));
      return;
    }
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    return await runModinput(input, flags.scheme ? 'scheme' : flags.validateArguments ? 'validate' : 'run', {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
      logLevel: flags.logLevel,
    });
  } finally {
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
  }
}

/**
 * argv after `modinput`: `<kind> [--scheme|--validate-arguments] [--log-level <l>]`; undefined
 * when it is not that shape (commander then answers, with its own message for a bad value).
 */
export function parseModinputArgs(args: string[]): { kind: string; scheme?: boolean; validateArguments?: boolean; logLevel?: LogLevel } | undefined {
  const [kind, ...rest] = args;
  if (!kind || kind.startsWith('-')) return undefined;
  const out: { kind: string; scheme?: boolean; validateArguments?: boolean; logLevel?: LogLevel } = { kind };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--scheme') out.scheme = true;
    else if (a === '--validate-arguments') out.validateArguments = true;
    else if (a === '--log-level' && (LOG_LEVELS as readonly string[]).includes(rest[i + 1] ?? '')) out.logLevel = rest[++i] as LogLevel;
    else return undefined;
  }
  return out;
}
