import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeError } from '../core/errors.js';
import type { ProxyConfig } from '../core/http.js';
import { createLogger, type LogLevel, type Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import { durationSeconds } from '../core/schema.js';
import { hecDestinationSchema } from '../hec/config.js';
import { BadLineError, eventFromLine } from '../hec/ndjson-event.js';
import { lineText, rawLines } from '../hec/ndjson-lines.js';
import { HecSink, type HecSinkConfig } from '../hec/sink.js';
import { loadServiceConfig } from '../service/config-load.js';
import { resolveSecretRef, secretRefSchema } from '../service/secret-ref.js';
import type { RegisterCommand } from './types.js';

interface ForwardOptions {
  file?: string;
  config?: string;
  hec?: string;
  url?: string;
  index?: string;
  ack?: boolean;
  gzip?: boolean;
  caFile?: string;
  insecure?: boolean;
  batchBytes?: string;
  tokenEnv?: string;
  tokenFile?: string;
  /** Absent: derived from the settings (defaultDrainMs). */
  drainTimeout?: string;
  giveUpAfter?: string;
  replaceInvalidUtf8?: boolean;
  allowInsecureHttp?: boolean;
}

/** Settings from a YAML file: the service configuration (`hec:` by name) or one flat destination. */
interface YamlSettings {
  raw: Record<string, unknown>;
  token?: Secret;
  /** The service configuration's proxy section (absent for a flat file: the environment applies). */
  proxy?: Partial<ProxyConfig>;
}

function settingsFromYaml(path: string, name: string | undefined): YamlSettings {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`configuration file ${file} cannot be read`, { cause: err });
  }
  const doc = parseYaml(text) as unknown;
  if (doc && typeof doc === 'object' && 'hec' in doc) {
    const cfg = loadServiceConfig(file);
    const names = Object.keys(cfg.hec);
    const chosen = name ?? (names.length === 1 ? names[0] : undefined);
    if (!chosen || !cfg.hec[chosen]) throw new ConfigError(`${file}: choose a HEC destination with --hec <name> (known: ${names.join(', ') || 'none'})`);
    const { token, ...rest } = cfg.hec[chosen]!;
    return { raw: rest as Record<string, unknown>, token, proxy: cfg.proxy };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file}: expected a map of HEC settings (urls, index, ack, …)`);
  const { token, ...rest } = doc as Record<string, unknown>;
  if (token === undefined) return { raw: rest };
  const ref = secretRefSchema.safeParse(token);
  if (!ref.success) throw new ConfigError(`${file}: token: a secret is never written in the file; give { env: VARIABLE } or { file: /path/to/file }`);
  return { raw: rest, token: resolveSecretRef(ref.data, `${file}: token`, { env: process.env, baseDir: resolve(file, '..') }) };
}

/** Flags over YAML; the token from --token-env / --token-file / the YAML reference / HEC_TOKEN. */
export function forwardSinkConfig(o: ForwardOptions, env: NodeJS.ProcessEnv = process.env): { config: HecSinkConfig; proxy?: Partial<ProxyConfig> } {
  const fromYaml: YamlSettings = o.config ? settingsFromYaml(o.config, o.hec) : { raw: {} };
  // setting → [flag, value]: flags win over the file, and an error names the flag typed.
  const flags: Record<string, [string, unknown]> = {
    urls: ['--url', o.url],
    index: ['--index', o.index],
    ack: ['--ack', o.ack],
    gzip: ['--gzip', o.gzip],
    ca_file: ['--ca-file', o.caFile],
    insecure: ['--insecure', o.insecure],
    batch_bytes: ['--batch-bytes', o.batchBytes],
    allow_insecure_http: ['--allow-insecure-http', o.allowInsecureHttp],
  };
  const raw = { ...fromYaml.raw };
  for (const [k, [, v]] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  let token: Secret | undefined;
  if (o.tokenFile) token = resolveSecretRef({ file: o.tokenFile }, '--token-file', { env, baseDir: process.cwd() });
  else if (o.tokenEnv) token = resolveSecretRef({ env: o.tokenEnv }, '--token-env', { env, baseDir: process.cwd() });
  else token = fromYaml.token ?? (env.HEC_TOKEN ? new Secret(env.HEC_TOKEN) : undefined);
  if (!token) throw new ConfigError('no HEC token: set HEC_TOKEN, or give --token-env VARIABLE or --token-file PATH (never the token itself on the command line)');
  if (raw.urls === undefined) throw new ConfigError('no HEC URL: give --url https://hec:8088 (comma-separated for several) or urls in the --config file');
  const parsed = hecDestinationSchema.safeParse({ ...raw, token });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const flag = flags[String(i.path[0] ?? '')];
    const setting = `HEC setting ${i.path.join('.') || '(top level)'}`;
    const where = flag && flag[1] !== undefined ? `${flag[0]} ${JSON.stringify(String(flag[1]))} (${setting})` : setting;
    throw new ConfigError(`${where}: ${i.message}`);
  }
  return { config: parsed.data, ...(fromYaml.proxy ? { proxy: fromYaml.proxy } : {}) };
}

/** --drain-timeout as milliseconds; anything but a positive duration is refused (NaN would drain for no time at all). */
export function drainDeadlineMs(text: string): number {
  const parsed = durationSeconds.safeParse(text);
  if (!parsed.success || !(parsed.data > 0)) {
    throw new ConfigError(`--drain-timeout: expected a positive duration such as 30, 90s or 5m, got "${text}"`);
  }
  return Math.round(parsed.data * 1000);
}

interface Progress {
  tick(delivered: number, read: number): void;
  stop(): void;
}

function progressBar(): Progress {
  if (!process.stderr.isTTY) return { tick() {}, stop() {} };
  const bar = new SingleBar({ format: 'forward | delivered {value} of {read} read | {duration_formatted}', stream: process.stderr, hideCursor: true }, undefined);
  bar.start(0, 0, { read: 0 });
  return {
    tick: (delivered, read) => bar.update(delivered, { read }),
    stop: () => bar.stop(),
  };
}

/**
 * The drain deadline when --drain-timeout is not given. With ack on, a batch whose ack is lost
 * just before the end is resent only after ack_timeout; a shorter drain would report it
 * undelivered although one resend fixes it. So: ack_timeout + one request + one backoff, and
 * never less than 30 s.
 */
export function defaultDrainMs(c: Pick<HecSinkConfig, 'ack' | 'ack_timeout' | 'request_timeout' | 'retry_max_delay'>): number {
  return Math.max(30, c.ack ? c.ack_timeout + c.request_timeout + c.retry_max_delay : 0) * 1000;
}

/** Refused events named one line each, up to this many; the rest are counted. */
const MAX_REFUSED_LINES = 100;

/** `read = delivered + undelivered + refused`, or the run is reported as broken: no event may vanish. */
export interface ForwardSummary {
  read: number;
  delivered: number;
  undelivered: number;
  refused: number;
  unacknowledged?: number;
  interrupted?: string;
  gave_up?: string;
}

async function runForward(o: ForwardOptions, log: Logger): Promise<number> {
  const { config, proxy } = forwardSinkConfig(o);
  const drainMs = o.drainTimeout === undefined ? defaultDrainMs(config) : drainDeadlineMs(o.drainTimeout);
  const giveUpMs = o.giveUpAfter === undefined ? undefined : durationMs('--give-up-after', o.giveUpAfter);
  let refusedLines = 0;
  let fatal: Error | undefined;
  const sink = new HecSink(config, {
    log,
    name: 'forward',
    ...(proxy ? { proxy } : {}),
    onRefused: (err) => {
      if (++refusedLines <= MAX_REFUSED_LINES) process.stderr.write(`ERROR ${err.message}\n`);
    },
    stopOnPermanentError: true,
    onFatal: (err) => (fatal = err),
  });
  const input = o.file && o.file !== '-' ? createReadStream(o.file) : process.stdin;
  let stopping: string | undefined;
  let stoppedAt = 0;
  let forced = false;
  let gaveUp: string | undefined;
  let wake!: () => void;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const stop = () => {
    wake();
    input.destroy();
  };
  // First signal: stop reading, drain until the deadline (counted from the signal). Second: now.
  const onSignal = (sig: string) => () => {
    if (stopping) {
      forced = true;
      void sink.close(0).catch(() => undefined);
      return;
    }
    stopping = sig;
    stoppedAt = Date.now();
    stop();
  };
  const onTerm = onSignal('SIGTERM');
  const onInt = onSignal('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const progress = progressBar();
  let read = 0;
  const ticker = setInterval(() => {
    progress.tick(sink.stats().delivered, read);
    const aside = sink.allAsideForMs;
    if (giveUpMs !== undefined && aside !== undefined && aside >= giveUpMs && !gaveUp) {
      gaveUp = `every HEC endpoint was set aside for ${Math.round(aside / 1000)} s (--give-up-after ${o.giveUpAfter})`;
      stop();
      void sink.close(0).catch(() => undefined); // also cuts a drain already under way
    }
  }, 250);
  let lineNo = 0;
  let badLine: Error | undefined;
  let localRefused = 0;
  let firstFailure: unknown;
  let watched: Promise<void> | undefined;
  const halted = () => stopping !== undefined || gaveUp !== undefined || sink.fatal !== undefined;
  try {
    try {
      for await (const raw of rawLines(input as AsyncIterable<Buffer>)) {
        if (halted()) break;
        lineNo = raw.line;
        let event;
        try {
          event = eventFromLine(lineText(raw, o.replaceInvalidUtf8 === true, (m) => log.warn(m)), raw.line);
        } catch (err) {
          if (!(err instanceof BadLineError)) throw err;
          // Read and refused: stop reading; what was read before it is still delivered.
          read++;
          localRefused++;
          badLine = err;
          break;
        }
        if (!event) continue;
        await Promise.race([sink.waitForCapacity(), stopped]);
        if (halted()) break; // this line was not handed over: it counts as not read
        read++;
        // Events of one batch share one promise: watch each promise once, not once per event.
        const p = sink.send(event, raw.line);
        if (p !== watched) {
          watched = p;
          p.catch((err: unknown) => {
            firstFailure ??= err;
          });
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') {
        throw new ConfigError(`input file ${o.file} cannot be read`, { cause: err });
      }
      if (!halted()) throw err; // a destroyed input after a signal just ends the reading
    }
    // Stopped for good: only requests already on the wire are left; let them answer (bounded).
    const left = stopping ? Math.max(0, drainMs - (Date.now() - stoppedAt)) : gaveUp ? 0 : sink.fatal ? config.request_timeout * 1000 : drainMs;
    const report = await sink.close(forced ? 0 : left);
    clearInterval(ticker);
    progress.tick(report.delivered, read);
    progress.stop();
    const stats = sink.stats();
    const refused = (report.refused ?? 0) + localRefused;
    const summary: ForwardSummary = {
      read,
      delivered: report.delivered,
      undelivered: report.undelivered,
      refused,
      ...(stats.unacknowledged > 0 ? { unacknowledged: stats.unacknowledged } : {}),
      ...(stopping ? { interrupted: stopping } : {}),
      ...(gaveUp ? { gave_up: gaveUp } : {}),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.read !== summary.delivered + summary.undelivered + summary.refused) {
      process.stderr.write(`ERROR internal: read ${summary.read} != delivered ${summary.delivered} + undelivered ${summary.undelivered} + refused ${summary.refused}; please report this\n`);
      return 1;
    }
    return closingReport(summary, { fatal: fatal ?? sink.fatal, badLine, refusedLines, lineNo, causes: sink.undeliveredCauses(), firstFailure, forced });
  } finally {
    clearInterval(ticker);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await sink.close(0).catch(() => undefined);
  }
}

/** The closing lines on stderr, each naming a real cause; returns the exit code. */
function closingReport(
  s: ForwardSummary,
  o: { fatal: Error | undefined; badLine: Error | undefined; refusedLines: number; lineNo: number; causes: Array<{ events: number; message: string }>; firstFailure: unknown; forced: boolean },
): number {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (o.fatal) {
    // One ERROR, naming the fix: everything after it would have met the same answer.
    say(`ERROR ${describeError(o.fatal)}. Delivery stopped at once: ${s.undelivered} event(s) not delivered, ${s.delivered} delivered${s.unacknowledged ? ` (${s.unacknowledged} of them unacknowledged)` : ''}; replaying the file is safe (same event_id)`);
    return 1;
  }
  if (o.refusedLines > MAX_REFUSED_LINES) say(`ERROR … and ${o.refusedLines - MAX_REFUSED_LINES} more event(s) refused by HEC (${o.refusedLines} in all)`);
  if (o.badLine) {
    say(`ERROR ${o.badLine.message}; the ${s.delivered} event(s) before it were delivered, nothing after it was sent. Fix the line and replay the file (replayed events keep their event_id)`);
    return 1;
  }
  if (s.undelivered > 0) {
    const causes = o.causes.length > 0 ? o.causes : [{ events: s.undelivered, message: o.firstFailure ? describeError(o.firstFailure) : 'unknown cause' }];
    for (const c of causes) say(`ERROR ${c.events} event(s) not delivered: ${c.message}`);
    if (s.gave_up) say(`ERROR gave up: ${s.gave_up}`);
    if (o.forced) say(`ERROR stopped at once by a second ${s.interrupted ?? 'signal'}`);
    return 1;
  }
  if (s.refused > 0) return 1;
  if (s.interrupted) {
    say(`WARN interrupted by ${s.interrupted} after line ${o.lineNo}; every event read was delivered, the rest of the input was not read`);
    return 1;
  }
  if (s.gave_up) {
    say(`ERROR gave up: ${s.gave_up}; the rest of the input was not read`);
    return 1;
  }
  return 0;
}

/** A duration flag as milliseconds; anything but a positive duration is refused naming the flag. */
function durationMs(flag: string, text: string): number {
  const parsed = durationSeconds.safeParse(text);
  if (!parsed.success || !(parsed.data > 0)) throw new ConfigError(`${flag}: expected a positive duration such as 30, 90s or 5m, got "${text}"`);
  return Math.round(parsed.data * 1000);
}

/**
 * `forward`: NDJSON events from stdin or a file through the HEC sink, with every guarantee
 * of the sink. Exit 0 only when every event was delivered; the summary line always adds up
 * (read = delivered + undelivered + refused). SIGTERM stops reading and drains until the
 * deadline (counted from the signal); a second signal stops at once, still with the summary.
 */
export const registerForward: RegisterCommand = (program: Command) => {
  program
    .command('forward')
    .description('deliver NDJSON events (one {time, sourcetype, event, …} object per line) from stdin or a file to HEC')
    .option('-f, --file <path>', 'read this file instead of stdin')
    .option('-c, --config <file.yaml>', 'HEC settings: the service configuration (with --hec <name>) or a flat map of HEC settings')
    .option('--hec <name>', 'which destination of the configuration file')
    .option('--url <urls>', 'HEC URL(s), comma-separated')
    .option('--index <index>', 'index for events that name none')
    .option('--ack', 'indexer acknowledgement on')
    .option('--no-ack', 'indexer acknowledgement off')
    .option('--gzip', 'compress requests')
    .option('--no-gzip', 'do not compress requests')
    .option('--ca-file <pem>', 'CA that signed the HEC certificate')
    .option('--insecure', 'skip TLS verification (test systems only)')
    .option('--batch-bytes <n>', 'maximum uncompressed bytes per request')
    .option('--token-env <VARIABLE>', 'environment variable that holds the HEC token (default: HEC_TOKEN)')
    .option('--token-file <path>', 'file that holds the HEC token')
    .option('--drain-timeout <seconds>', 'how long to wait for delivery at the end or after SIGTERM (default: 30 s; with --ack, ack_timeout + request_timeout + retry_max_delay, so a lost ack at the end is resent once)')
    .option('--give-up-after <duration>', 'stop when every HEC URL has been set aside this long (default: wait, WARN every minute)')
    .option('--replace-invalid-utf8', 'send lines with invalid UTF-8, the bad bytes replaced by U+FFFD (WARN per line); default: refuse the line')
    .option('--allow-insecure-http', 'allow plain http:// URLs to another host (test systems only)')
    .action(async (o: ForwardOptions, cmd: Command) => {
      const log = createLogger({ name: 'forward', level: (cmd.optsWithGlobals().logLevel as LogLevel | undefined) ?? 'info' });
      process.exitCode = await runForward(o, log);
    });
};
