import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeError } from '../core/errors.js';
import type { ProxyConfig } from '../core/http.js';
import { createLogger, type LogLevel, type Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import { durationSeconds } from '../core/schema.js';
import { hecDestinationSchema } from '../hec/config.js';
import { eventFromLine } from '../hec/ndjson-event.js';
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
  drainTimeout: string;
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
  };
  const raw = { ...fromYaml.raw };
  for (const [k, [, v]] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  let token: Secret | undefined;
  if (o.tokenFile) token = resolveSecretRef({ file: o.tokenFile }, '--token-file', { env, baseDir: process.cwd() });
  else if (o.tokenEnv) token = resolveSecretRef({ env: o.tokenEnv }, '--token-env', { env, baseDir: process.cwd() });
  else token = fromYaml.token ?? (env.HEC_TOKEN ? new Secret(env.HEC_TOKEN) : undefined);
  if (!token) throw new ConfigError('no HEC token: set HEC_TOKEN, or give --token-env VARIABLE or --token-file PATH (never the token itself on the command line)');
  if (raw.urls === undefined) throw new ConfigError('no HEC URL: give --url https://hec:8088 (comma-separated for several) or urls in the --config file');
  const parsed = hecDestinationSchema.safeParse({ ...raw, token: token.reveal() });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const flag = flags[String(i.path[0] ?? '')];
    const setting = `HEC setting ${i.path.join('.') || '(top level)'}`;
    const where = flag && flag[1] !== undefined ? `${flag[0]} ${JSON.stringify(String(flag[1]))} (${setting})` : setting;
    throw new ConfigError(`${where}: ${i.message}`);
  }
  return { config: { ...parsed.data, token }, ...(fromYaml.proxy ? { proxy: fromYaml.proxy } : {}) };
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

async function runForward(o: ForwardOptions, log: Logger): Promise<number> {
  const { config, proxy } = forwardSinkConfig(o);
  const drainMs = drainDeadlineMs(o.drainTimeout);
  const sink = new HecSink(config, { log, name: 'forward', ...(proxy ? { proxy } : {}) });
  const input = o.file && o.file !== '-' ? createReadStream(o.file) : process.stdin;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let stopping: string | undefined;
  const onSignal = (sig: string) => () => {
    stopping = sig;
    lines.close();
    input.destroy();
  };
  const onTerm = onSignal('SIGTERM');
  const onInt = onSignal('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  const progress = progressBar();
  const ticker = setInterval(() => progress.tick(sink.stats().delivered, read), 250);
  let read = 0;
  let lineNo = 0;
  let badLine: Error | undefined;
  let firstFailure: unknown;
  let watched: Promise<void> | undefined;
  try {
    try {
      for await (const text of lines) {
        lineNo++;
        const event = eventFromLine(text, lineNo);
        if (!event) continue;
        await sink.waitForCapacity();
        read++;
        // Events of one batch share one promise: watch each promise once, not once per event.
        const p = sink.send(event);
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
      if (!(err instanceof ConfigError)) throw err;
      badLine = err; // stop reading; what was read before the bad line is still delivered
    }
    const report = await sink.close(drainMs);
    clearInterval(ticker);
    progress.tick(report.delivered, read);
    progress.stop();
    const summary = { read, delivered: report.delivered, undelivered: report.undelivered, ...(stopping ? { interrupted: stopping } : {}) };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (badLine) {
      process.stderr.write(`ERROR ${badLine.message}; the ${report.delivered} event(s) before it were delivered, nothing after it was sent. Fix the line and replay the file (replayed events keep their event_id)\n`);
      return 1;
    }
    if (report.undelivered > 0) {
      process.stderr.write(`ERROR ${report.undelivered} event(s) not delivered${firstFailure ? `: ${describeError(firstFailure)}` : ''}\n`);
      return 1;
    }
    if (stopping) {
      process.stderr.write(`WARN interrupted by ${stopping} after line ${lineNo}; every event read was delivered, the rest of the input was not read\n`);
      return 1;
    }
    return 0;
  } finally {
    clearInterval(ticker);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await sink.close(0).catch(() => undefined);
  }
}

/**
 * `forward`: NDJSON events from stdin or a file through the HEC sink, with every guarantee
 * of the sink. Exit 0 only when every event was delivered; SIGTERM stops reading and drains.
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
    .option('--drain-timeout <seconds>', 'how long to wait for delivery at the end or after SIGTERM', '30')
    .action(async (o: ForwardOptions, cmd: Command) => {
      const log = createLogger({ name: 'forward', level: (cmd.optsWithGlobals().logLevel as LogLevel | undefined) ?? 'info' });
      process.exitCode = await runForward(o, log);
    });
};
