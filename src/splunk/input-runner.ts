import type { CheckpointStore } from '../core/checkpoint.js';
import { AddonError, ConfigError, describeError } from '../core/errors.js';
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import type { Sink } from '../core/sink.js';
import { APP_NAME, splunkdTls } from './app-settings.js';
import { updateStanza } from './conf-rest.js';
import { isLongLived, type CommonInputConfig, type InputContext, type InputSettings, type ModularInput } from './define-input.js';
import { loadAccount, loadHecDestination, loadLogging, loadProxy, loadSendService } from './named-settings.js';
import { MissingSecretError, readPassword, writePassword } from './passwords.js';
import type { InputDocument, InputStanza } from './protocol-xml.js';
import { effectiveParams, flatParams, parseParams, secretParams, type ValidationItem } from './scheme.js';
import { settingsOf } from './schema-args.js';
import { hasTypedSecret, MASK } from './settings.js';
import { SplunkdClient, SplunkdError, type SplunkdClientOptions } from './splunkd-client.js';
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
  /** How long a failed long-lived stanza (interval = 0) waits before the process exits; default 30 s. */
  restartPauseMs?: number;
  /** Overrides of the splunkd client's retry settings (tests). */
  splunkd?: Pick<SplunkdClientOptions, 'attempts' | 'retryDelayMs' | 'unreachableBudgetMs'>;
}

export async function runDocument(input: ModularInput, doc: InputDocument, o: RunOptions): Promise<number> {
  const stderr = o.stderr;
  const base = o.log ?? createLogger({ level: o.logLevel ?? 'info', ...(stderr ? { write: (l: string) => void stderr.write(l) } : {}) });
  if (doc.stanzas.length === 0) {
    base.warn('splunkd sent no stanza to run');
    return 0;
  }
  const results = await Promise.all(doc.stanzas.map((s) => runStanza(input, doc, s, o, base)));
  if (results.every(Boolean)) return 0;
  // interval = 0: splunkd restarts a process as soon as it exits. A run that failed (bad
  // setting, splunkd unreachable) would fail again at once, filling splunkd.log; pause first.
  if (doc.stanzas.some((s, i) => !results[i] && isLongLived(flatParams(s.params).interval))) {
    await abortableSleep(o.restartPauseMs ?? 30_000, o.signal);
  }
  return 1;
}

/** Moves typed secret params into storage/passwords (masking inputs.conf), then reads every secret, as `Secret`s. */
async function inputSecrets(input: ModularInput, client: SplunkdClient, name: string, stanza: InputStanza, log: Logger): Promise<Record<string, Secret>> {
  const out: Record<string, Secret> = {};
  const masked: Record<string, string> = {};
  const required = new Set(settingsOf(input.schema).filter((s) => s.required).map((s) => s.name));
  for (const [field, realm] of Object.entries(secretParams(input))) {
    const typed = stanza.params[field];
    if (typeof typed === 'string' && hasTypedSecret(typed)) {
      const secret = new Secret(typed);
      await writePassword(client, realm, name, secret);
      masked[field] = MASK;
      out[field] = secret;
      log.info(`moved the ${field} typed into inputs.conf to storage/passwords (realm ${realm}, username ${name}) and masked it`);
    } else {
      const s = await readPassword(client, realm, name);
      if (s) out[field] = s;
      else if (required.has(field)) throw new MissingSecretError(realm, name, `the ${field} of ${input.kind}://${name}`);
    }
  }
  if (Object.keys(masked).length > 0) await updateStanza(client, 'inputs', `${input.kind}://${name}`, masked, stanza.app || APP_NAME);
  return out;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** splunkd could not be reached or not be trusted: nothing later in the run can work. */
function isSplunkdUnusable(err: unknown): boolean {
  return (err instanceof SplunkdError && (err.status === 0 || err.status === 401)) || (AddonError.isInstance(err) && err.code === 'TLS_VERIFY_FAILED');
}

/** The stanzas running in this process and their sinks: a second signal reports what they hold. */
const running = new Set<{ log: Logger; sinks: Sink[] }>();

/**
 * A second SIGTERM means "now": before the process exits, each running stanza says in one
 * ERROR line how many events were delivered and how many were not (they stay before the
 * checkpoint, so the next run sends them again). The logger writes synchronously.
 */
export function reportForcedStop(): void {
  for (const r of running) {
    let delivered = 0;
    let waiting = 0;
    for (const s of r.sinks) {
      const st = s.stats();
      delivered += st.delivered;
      waiting += Math.max(0, st.accepted - st.delivered - st.failed - (st.refused ?? 0));
    }
    r.log.error(`second signal: stopping at once without the drain: ${delivered} event(s) delivered, ${waiting} not delivered; the checkpoint stays before them, so the next run sends them again`);
  }
}

async function runStanza(input: ModularInput, doc: InputDocument, stanza: InputStanza, o: RunOptions, base: Logger): Promise<boolean> {
  const name = stanza.name.includes('://') ? stanza.name.slice(stanza.name.indexOf('://') + 3) : stanza.name;
  const log = base.child({}, { msgPrefix: `[${input.kind}://${name}] ` });
  const params = effectiveParams(stanza.params);
  // The stanza's own values first: a local mistake is one line at once, before any splunkd call.
  const local = parseParams(input, name, params);
  if (!local.ok) {
    log.error(local.message);
    return false;
  }
  // Settings and secrets live in this app whichever app's inputs.conf holds the stanza (as at
  // --validate-arguments); only masking a typed secret writes to the stanza's own app.
  const client = new SplunkdClient({ serverUri: doc.serverUri, sessionKey: new Secret(doc.sessionKey), app: APP_NAME, tls: splunkdTls(), log, ...o.splunkd });
  const sinks: Sink[] = [];
  const entry = { log, sinks };
  running.add(entry);
  // SIGTERM: the drain deadline starts at the signal, even while the input waits on a
  // back-pressured sink — closing rejects what waits, so the input ends, checkpoint unmoved.
  const closeOnStop = () => {
    for (const s of sinks) void s.close(o.closeDeadlineMs ?? 30_000).catch(() => undefined);
  };
  o.signal.addEventListener('abort', closeOnStop, { once: true });
  let logging: Promise<void> = Promise.resolve();
  // A sink still opening when run fails (it asked for settings side by side) is closed too.
  const opening: Array<Promise<Sink>> = [];
  try {
    // [logging] is read beside the rest (one round trip less on every start); its level
    // applies from when it arrives. If splunkd is unusable, the run's own calls say so once.
    logging = loadLogging(client).then(
      (l) => {
        if (!o.logLevel) log.level = l.level;
      },
      (err: unknown) => {
        if (!isSplunkdUnusable(err)) log.warn(`[logging] settings not read, level stays ${log.level}: ${describeError(err)}`);
      },
    );
    const secrets = await inputSecrets(input, client, name, stanza, log);
    // The schema checked every value above (a stand-in for a secret that is stored); the
    // secrets join as Secrets, never revealed to be parsed.
    const config = { ...local.config } as Record<string, unknown> & CommonInputConfig;
    for (const field of Object.keys(secretParams(input))) {
      if (secrets[field]) config[field] = secrets[field];
      else delete config[field];
    }
    const settings = settingsFor(client);
    let checkpointStore: CheckpointStore | undefined;
    const ctx: InputContext<typeof config> = {
      kind: input.kind,
      name,
      stanza: `${input.kind}://${name}`,
      app: stanza.app,
      config,
      params: flatParams(params),
      serverHost: doc.serverHost,
      serverUri: doc.serverUri,
      checkpointDir: doc.checkpointDir,
      splunkd: client,
      settings,
      log,
      signal: o.signal,
      openSink() {
        const opened = openSink(config, ctx, o.stdout, log).then((sink) => {
          sinks.push(sink);
          return sink;
        });
        opening.push(opened);
        return opened;
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
    o.signal.removeEventListener('abort', closeOnStop);
    await Promise.allSettled([logging, ...opening]);
    for (const s of sinks) {
      try {
        const r = await s.close(o.closeDeadlineMs ?? 30_000);
        if (r.undelivered > 0) log.error(`${r.undelivered} events were not delivered; the checkpoint stays before them, so the next run sends them again`);
      } catch (err) {
        log.error(`closing the sink failed: ${describeError(err)}`);
      }
    }
    running.delete(entry);
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
export async function checkItems(input: ModularInput, doc: InputDocument, items: ValidationItem[], stderr?: { write(line: string): unknown }): Promise<string | undefined> {
  if (!input.check) return undefined;
  const log = createLogger({ level: 'info', ...(stderr ? { write: (l: string) => void stderr.write(l) } : {}) });
  // Splunk Web waits on this answer: a short budget, so an unreachable splunkd is a quick refusal.
  const client = new SplunkdClient({ serverUri: doc.serverUri, sessionKey: new Secret(doc.sessionKey), app: APP_NAME, tls: splunkdTls(), log, attempts: 2, unreachableBudgetMs: 3_000 });
  try {
    const settings = settingsFor(client);
    const realms = secretParams(input);
    for (const item of items) {
      const hasSecret = async (field: string) => {
        if (item.typedSecrets.includes(field)) return true;
        const realm = realms[field];
        return realm !== undefined && (await readPassword(client, realm, item.name)) !== undefined;
      };
      try {
        await input.check(item.config, { name: item.name, settings, log, hasSecret });
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
