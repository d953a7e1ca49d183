import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { CheckpointStore } from '../core/checkpoint.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import type { Sink } from '../core/sink.js';
import { readPem } from '../core/tls.js';
import { jwtCheck, staticTokenCheck, type TokenCheck } from './auth.js';
import type { MailInputConfig } from './config.js';
import { FolderImporter } from './importer.js';
import { ingestOptions } from './ingest.js';
import { MailboxFilter } from './mailbox-filter.js';
import { MailReceiver } from './receiver.js';
import type { FiguresTiming } from './receiver-figures.js';

const MB = 1024 * 1024;

/** The parsed settings without the secret, which travels separately as a Secret. */
export type MailSettings = Omit<MailInputConfig, 'auth_secret'>;

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Checks that need no I/O: what the modular input's validation and the CLI refuse up front. */
export function checkMailInput(c: MailSettings, hasSecret: boolean): void {
  if (!c.receiver && !c.data_path) throw new ConfigError('the input does nothing: turn the receiver on or set data_path');
  if (Boolean(c.tls_cert_file) !== Boolean(c.tls_key_file)) throw new ConfigError('tls_cert_file and tls_key_file go together: set both for HTTPS, or neither');
  if (c.receiver && !c.tls_cert_file && !isLoopback(c.listen_host) && !c.allow_plain_http) {
    throw new ConfigError(`listen_host ${c.listen_host} is not loopback: set tls_cert_file and tls_key_file (connectors send their AuthToken), or allow_plain_http behind a TLS load balancer`);
  }
  if (c.receiver && c.max_in_flight_mb < c.max_request_size_mb) {
    throw new ConfigError(`max_in_flight_mb (${c.max_in_flight_mb}) is smaller than max_request_size_mb (${c.max_request_size_mb}): a request of the largest size could never be accepted; raise max_in_flight_mb`);
  }
  if (c.receiver && c.mails_path === c.users_path) throw new ConfigError('mails_path and users_path must differ');
  if (c.receiver && c.auth_mode === 'static' && !hasSecret) throw new ConfigError('auth_mode = static needs auth_secret (the connector\'s AuthToken)');
  if (c.receiver && c.auth_mode === 'jwt' && !hasSecret && !c.jwt_public_key_file) {
    throw new ConfigError('auth_mode = jwt needs jwt_public_key_file (RS/ES/PS/EdDSA tokens) or auth_secret (HMAC key of HS tokens)');
  }
}

/** Files and folders the settings name must be readable (the importer's folder also writable). */
export function checkMailFiles(c: MailSettings): void {
  const files = { tls_cert_file: c.tls_cert_file, tls_key_file: c.tls_key_file, jwt_public_key_file: c.jwt_public_key_file, whitelist_file: c.whitelist_file, blacklist_file: c.blacklist_file };
  for (const [name, path] of Object.entries(files)) {
    if (!path) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (err) {
      throw new ConfigError(`${name} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}) by the user Splunk runs as`, { cause: err });
    }
  }
  if (c.data_path) {
    let dir = false;
    try {
      dir = statSync(c.data_path).isDirectory();
      accessSync(c.data_path, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new ConfigError(`data_path ${c.data_path} must be a folder this process can read and write (files are moved out of it): ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
    }
    if (!dir) throw new ConfigError(`data_path ${c.data_path} is not a folder`);
  }
}

export function buildTokenCheck(c: MailSettings, secret: Secret | undefined): TokenCheck {
  if (c.auth_mode === 'static') {
    if (!secret) throw new ConfigError('auth_mode = static needs auth_secret (the connector\'s AuthToken)');
    return staticTokenCheck(secret);
  }
  return jwtCheck({
    secret: c.jwt_public_key_file ? undefined : secret,
    publicKeyPem: c.jwt_public_key_file ? readPem(c.jwt_public_key_file, 'jwt_public_key_file') : undefined,
    audience: c.jwt_audience,
    issuer: c.jwt_issuer,
    requireExpiry: c.jwt_require_expiry,
    clockToleranceSeconds: c.jwt_clock_tolerance,
  });
}

export interface MailInputDeps {
  name: string;
  config: MailSettings;
  /** auth_secret, from storage/passwords (Splunk) or env/file (standalone). */
  secret?: Secret;
  sink: Sink;
  checkpoints: CheckpointStore;
  log: Logger;
  /** When the receiver writes its figures line (default every 5 min with traffic, hourly without). */
  figures?: FiguresTiming;
}

export interface RunningMailInput {
  receiver?: MailReceiver;
  importer?: FolderImporter;
  /** Settles when the importer loop ends (after stop() and, if it waits on HEC, the sink's close), or at once without an importer. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The DataPath importer of an input (its ledger is the checkpoint `mail_import_<name>`). */
export function folderImporter(d: Omit<MailInputDeps, 'secret'>, filter?: MailboxFilter): FolderImporter {
  const c = d.config;
  if (!c.data_path) throw new ConfigError(`input ${d.name}: data_path is not set, so there is no folder to import`);
  filter ??= new MailboxFilter({ whitelist: c.whitelist_file, blacklist: c.blacklist_file }, (err) => d.log.error(err.message));
  return new FolderImporter({
    dataPath: c.data_path,
    donePath: c.done_path ?? join(c.data_path, 'done'),
    errorPath: c.error_path ?? join(c.data_path, 'error'),
    stableMs: c.stable_time * 1000,
    maxFileBytes: Math.floor(c.max_request_size_mb * MB),
    ingest: { ...ingestOptions(c, d.name), filter },
    sink: d.sink,
    checkpoints: d.checkpoints,
    checkpointKey: `mail_import_${d.name}`,
    log: d.log,
  });
}

/** Starts what the input's configuration asks for: the receiver, the DataPath importer, or both. */
export async function startMailInput(d: MailInputDeps): Promise<RunningMailInput> {
  const c = d.config;
  try {
    checkMailInput(c, d.secret !== undefined && !d.secret.isEmpty);
    checkMailFiles(c);
  } catch (err) {
    // A service file can hold several inputs: say which one is wrong.
    if (err instanceof ConfigError) throw new ConfigError(`mail input ${d.name}: ${err.message}`, { cause: err.cause });
    throw err;
  }
  const filter = new MailboxFilter({ whitelist: c.whitelist_file, blacklist: c.blacklist_file }, (err) => d.log.error(err.message));
  const ingest = { ...ingestOptions(c, d.name), filter };
  const maxBytes = Math.floor(c.max_request_size_mb * MB);

  let receiver: MailReceiver | undefined;
  if (c.receiver) {
    receiver = new MailReceiver({
      host: c.listen_host,
      port: c.listen_port,
      mailsPath: c.mails_path,
      usersPath: c.users_path,
      tls: c.tls_cert_file && c.tls_key_file ? { cert: readPem(c.tls_cert_file, 'tls_cert_file'), key: readPem(c.tls_key_file, 'tls_key_file') } : undefined,
      maxRequestBytes: maxBytes,
      maxInFlightBytes: Math.floor(c.max_in_flight_mb * MB),
      maxConcurrentRequests: c.max_concurrent_requests,
      bodyTimeoutMs: c.body_timeout * 1000,
      deliveryTimeoutMs: c.delivery_timeout * 1000,
      retryAfterSeconds: c.retry_after,
      auth: buildTokenCheck(c, d.secret),
      ingest,
      sink: d.sink,
      log: d.log,
      figures: d.figures,
    });
    await receiver.start();
  }

  let importer: FolderImporter | undefined;
  const abort = new AbortController();
  let done: Promise<void> = Promise.resolve();
  if (c.data_path) {
    importer = folderImporter(d, filter);
    done = importer.run(c.import_interval * 1000, abort.signal);
  }

  return {
    receiver,
    importer,
    done,
    // Does not wait for `done`: an import blocked on a dead HEC ends when its sink is closed.
    async stop() {
      abort.abort();
      await receiver?.close();
    },
  };
}
