import { createPrivateKey } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ProxyConfig } from '../core/proxy-config.js';
import { Secret } from '../core/secret.js';
import { readPem } from '../core/tls.js';
import { SendClient } from './client.js';
import type { SendServiceConfig } from './config.js';
import { isServiceAddress } from './address.js';
import { loadWrapKey } from './crypto.js';
import type { WireOptions } from './message.js';

/** A send service ready to use: the pooled client and what every request needs. */
export interface SendService {
  client: SendClient;
  wire: WireOptions;
  from: string;
  /** host:port, for audit `dest` and messages. */
  dest: string;
  close(): Promise<void>;
}

/** The service settings with their two secrets wrapped (what the settings resolver returns). */
export type SendServiceSettings = Omit<SendServiceConfig, 'secret' | 'passphrase'> & { secret: Secret; passphrase?: Secret };

/** Wraps the secrets of a freshly parsed config (YAML, tests) right after parsing. */
export function withSecrets(cfg: SendServiceConfig): SendServiceSettings {
  return { ...cfg, secret: new Secret(cfg.secret), passphrase: cfg.passphrase ? new Secret(cfg.passphrase) : undefined };
}

/** Reads the PEM files and checks the key opens with the passphrase, before any connection. */
export function openSendService(cfg: SendServiceSettings, log?: Logger, proxy?: Partial<ProxyConfig>): SendService {
  // A sender the service would refuse fails every message: say so once, before anything is read or sent.
  if (!isServiceAddress(cfg.from)) throw new ConfigError(`from "${cfg.from}" does not match the send service address pattern; fix the send service "from" setting`);
  const cert = readPem(cfg.client_cert_file, 'client_cert_file');
  const key = readPem(cfg.client_key_file, 'client_key_file');
  const passphrase = cfg.passphrase && !cfg.passphrase.isEmpty ? cfg.passphrase : undefined;
  try {
    createPrivateKey({ key, format: 'pem', passphrase: passphrase?.reveal() ?? '' });
  } catch (err) {
    throw new ConfigError(
      passphrase
        ? `client_key_file ${cfg.client_key_file} cannot be opened with the passphrase stored in realm ta_ser_mail_send_passphrase`
        : `client_key_file ${cfg.client_key_file} is encrypted or unreadable: store its passphrase in realm ta_ser_mail_send_passphrase`,
      { cause: err },
    );
  }
  const encryption = cfg.encrypt ? { publicKey: loadWrapKey(readPem(cfg.public_key_file!, 'public_key_file'), 'public_key_file'), mode: cfg.wrap_mode } : undefined;
  const client = new SendClient({
    host: cfg.host,
    port: cfg.port,
    clientCert: { cert, key, passphrase: passphrase?.reveal() },
    caFile: cfg.ca_file,
    serverName: cfg.server_name,
    concurrency: cfg.concurrency,
    timeoutMs: cfg.timeout * 1000,
    maxAttempts: cfg.max_attempts,
    retryDelayMs: cfg.retry_delay * 1000,
    proxy,
    log,
  });
  return {
    client,
    wire: { secret: cfg.secret, fromHeaderEncoding: cfg.from_header_encoding, encryption },
    from: cfg.from,
    dest: `${cfg.host}:${cfg.port}`,
    close: () => client.close(),
  };
}
