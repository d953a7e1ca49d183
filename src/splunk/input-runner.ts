import type { CheckpointStore } from '../core/checkpoint.js';
import { ConfigError, describeError } from '../core/errors.js';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import type { Sink } from '../core/sink.js';
import { APP_NAME, splunkdTls } from './app-settings.js';
import { updateStanza } from './conf-rest.js';
import type { CommonInputConfig, InputContext, InputSettings, ModularInput } from './define-input.js';
import { loadAccount, loadHecDestination, loadLogging, loadProxy, loadSendService } from './named-settings.js';
import { MissingSecretError, readPassword, writePassword } from './passwords.js';
import type { InputDocument, InputStanza } from './protocol-xml.js';
import { flatParams, parseParams, secretParams } from './scheme.js';
import { settingsOf } from './schema-args.js';
import { hasTypedSecret, MASK } from './settings.js';
import { SplunkdClient } from './splunkd-client.js';
import { XmlStreamSink, type Writable } from './xml-stream-sink.js';

/**
 * Run mode: one <input> document, each stanza run with its own splunkd client, secrets,
 * checkpoint store and sink. A stanza's failure is one ERROR line naming the setting; the
 * process exits non-zero when any stanza failed.
 */
export interface RunOptions {
  stdout: Writable;
  /** Where log lines go (splunkd.log); process.stderr by default. */
  stderr?: { write(line: string): unknown };
  signal: AbortSignal;
  log?: Logger;
  logLevel?: LogLevel;
  /** Milliseconds a sink gets to deliver what it holds when the input ends; default 30 s. */
  closeDeadlineMs?: number;
}

export async function runDocument(input: ModularInput, doc: InputDocument, o: RunOptions): Promise<number> {
  const stderr = o.stderr;
  const base = o.log ?? createLogger({ level: o.logLevel ?? 'info', ...(stderr ? { write: (l: string) => void stderr.write(l) } : {}) });
  if (doc.stanzas.length === 0) {
    base.warn('splunkd sent no stanza to run');
    return 0;
  }
  const results = await Promise.all(doc.stanzas.map((s) => runStanza(input, doc, s, o, base)));
  return results.every(Boolean) ? 0 : 1;
}

/** Moves typed secret params into storage/passwords (masking inputs.conf), then reads every secret. */
async function inputSecrets(input: ModularInput, client: SplunkdClient, name: string, stanza: InputStanza, log: Logger): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const masked: Record<string, string> = {};
  const required = new Set(settingsOf(input.schema).filter((s) => s.required).map((s) => s.name));
  for (const [field, realm] of Object.entries(secretParams(input))) {
    const typed = stanza.params[field];
    if (typeof typed === 'string' && hasTypedSecret(typed)) {
      await writePassword(client, realm, name, new Secret(typed));
      masked[field] = MASK;
      out[field] = typed;
      log.info(`moved the ${field} typed into inputs.conf to storage/passwords (realm ${realm}, username ${name}) and masked it`);
    } else {
      const s = await readPassword(client, realm, name);
      if (s) out[field] = s.reveal();
      else if (required.has(field)) throw new MissingSecretError(realm, name, `the ${field} of ${input.kind}://${name}`);
    }
  }
  if (Object.keys(masked).length > 0) await updateStanza(client, 'inputs', `${input.kind}://${name}`, masked, stanza.app || APP_NAME);
  return out;
}

async function runStanza(input: ModularInput, doc: InputDocument, stanza: InputStanza, o: RunOptions, base: Logger): Promise<boolean> {
  const name = stanza.name.includes('://') ? stanza.name.slice(stanza.name.indexOf('://') + 3) : stanza.name;
  const log = base.child({}, { msgPrefix: `[${input.kind}://${name}] ` });
  // Settings and secrets live in this app whichever app's inputs.conf holds the stanza (as at
  // --validate-arguments); only masking a typed secret writes to the stanza's own app.
  const client = new SplunkdClient({ serverUri: doc.serverUri, sessionKey: new Secret(doc.sessionKey), app: APP_NAME, tls: splunkdTls(), log });
  const sinks: Sink[] = [];
  try {
    try {
      const logging = await loadLogging(client);
      if (!o.logLevel) log.level = logging.level;
    } catch (err) {
      log.warn(`[logging] settings not read, level stays ${log.level}: ${describeError(err)}`);
    }
    const secretValues = await inputSecrets(input, client, name, stanza, log);
    const parsed = parseParams(input, name, stanza.params, secretValues);
    if (!parsed.ok) throw new ConfigError(parsed.message);
    const config = { ...parsed.config } as Record<string, unknown> & CommonInputConfig;
    for (const field of Object.keys(secretParams(input))) {
      if (typeof config[field] === 'string') config[field] = new Secret(config[field] as string);
    }
    const settings = settingsFor(client);
    let checkpointStore: CheckpointStore | undefined;
    const ctx: InputContext<typeof config> = {
      kind: input.kind,
      name,
      stanza: `${input.kind}://${name}`,
      app: stanza.app,
      config,
      params: flatParams(stanza.params),
      serverHost: doc.serverHost,
      serverUri: doc.serverUri,
      checkpointDir: doc.checkpointDir,
      splunkd: client,
      settings,
      log,
      signal: o.signal,
      async openSink() {
        const sink = await openSink(config, ctx, o.stdout, log);
        sinks.push(sink);
        return sink;
      },
      async checkpoints() {
        checkpointStore ??= await openCheckpoints(config, doc.checkpointDir, client);
        return checkpointStore;
      },
    };
    await input.run(ctx as InputContext<never>);
    return true;
  } catch (err) {
    log.error(describeError(err));
    return false;
  } finally {
    for (const s of sinks) {
      try {
        const r = await s.close(o.closeDeadlineMs ?? 30_000);
        if (r.undelivered > 0) log.error(`${r.undelivered} events were not delivered; the checkpoint stays before them, so the next run sends them again`);
      } catch (err) {
        log.error(`closing the sink failed: ${describeError(err)}`);
      }
    }
    await client.close();
  }
}

function settingsFor(client: SplunkdClient): InputSettings {
  let proxy: ReturnType<typeof loadProxy> | undefined;
  return {
    account: (n: string) => loadAccount(client, n),
    hec: (n: string) => loadHecDestination(client, n),
    sendService: (n: string) => loadSendService(client, n),
    // One [proxy] read per run, however many clients ask.
    proxy: () => (proxy ??= loadProxy(client)),
  };
}

/**
 * --validate-arguments, splunkd part: each kind's `check` with the settings splunkd holds
 * (e.g. the named account exists and its secret is stored). The first refusal's message, or
 * undefined.
 */
export async function checkItems(
  input: ModularInput,
  doc: InputDocument,
  items: Array<{ name: string; config: Record<string, unknown> }>,
  stderr?: { write(line: string): unknown },
): Promise<string | undefined> {
  if (!input.check) return undefined;
  const log = createLogger({ level: 'info', ...(stderr ? { write: (l: string) => void stderr.write(l) } : {}) });
  const client = new SplunkdClient({ serverUri: doc.serverUri, sessionKey: new Secret(doc.sessionKey), app: APP_NAME, tls: splunkdTls(), log, attempts: 2 });
  try {
    const settings = settingsFor(client);
    for (const item of items) {
      try {
        await input.check(item.config, { name: item.name, settings, log });
      } catch (err) {
        return `${input.kind}://${item.name}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return undefined;
  } finally {
    await client.close();
  }
}

async function openSink(config: CommonInputConfig, ctx: InputContext<unknown>, stdout: Writable, log: Logger): Promise<Sink> {
  if (config.output === 'xml') return new XmlStreamSink(stdout, ctx.stanza);
  const name = config.hec?.trim();
  if (!name) throw new ConfigError(`${ctx.stanza} hec: name a HEC destination (a stanza of ta_ser_mail_hec.conf), or set output = xml`);
  const [dest, proxy, { HecSink }] = await Promise.all([ctx.settings.hec(name), ctx.settings.proxy(), import('../hec/sink.js')]);
  return new HecSink(dest, { log, proxy, name });
}

async function openCheckpoints(config: CommonInputConfig, dir: string, client: SplunkdClient): Promise<CheckpointStore> {
  if (config.checkpoint_store === 'kvstore') {
    const { KvCheckpointStore } = await import('./kv-checkpoint.js');
    return new KvCheckpointStore(client);
  }
  if (!dir) throw new ConfigError('splunkd sent no checkpoint_dir; set checkpoint_store = kvstore or run the input from splunkd');
  const { FileCheckpointStore } = await import('../core/checkpoint.js');
  return new FileCheckpointStore(dir);
}
