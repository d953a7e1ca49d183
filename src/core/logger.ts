import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** splunkd's ExecProcessor reads the first word of a stderr line as the level. */
const SPLUNK_LEVEL: Record<number, string> = { 10: 'DEBUG', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * Keys whose values are replaced wherever they appear (at the top and up to two levels down).
 * Secrets are also `Secret` objects, which serialise as a placeholder; this list catches
 * the plain strings that come from outside (headers, parsed replies).
 */
const REDACT_KEYS = ['token', 'access_token', 'secret', 'client_secret', 'password', 'clear_password', 'passphrase', 'authorization', 'Authorization', 'session_key', 'sessionKey'];

export interface LoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Where lines go; stderr by default (Splunk captures it into splunkd.log). */
  write?: (line: string) => void;
}

/** Formats pino's JSON line as `LEVEL [name] message {rest}` so splunkd.log shows the right level. */
export function formatLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `INFO ${json.trimEnd()}\n`;
  }
  const { level, msg, name, time: _time, pid: _pid, hostname: _host, ...rest } = o;
  const word = SPLUNK_LEVEL[Number(level)] ?? 'INFO';
  const tag = typeof name === 'string' ? ` [${name}]` : '';
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${word}${tag} ${String(msg ?? '')}${extra}\n`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      base: undefined,
      timestamp: false,
      // Three levels cover what gets logged here ({ req: { headers: { authorization } } }).
      redact: { paths: [...REDACT_KEYS, ...REDACT_KEYS.map((k) => `*.${k}`), ...REDACT_KEYS.map((k) => `*.*.${k}`)], censor: '[REDACTED]' },
    },
    { write: (s: string) => write(formatLine(s)) },
  );
}

/** A logger that drops everything: for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
