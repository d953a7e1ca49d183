import { createPrivateKey } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ProxyConfig } from '../core/proxy-config.js';
import type { Secret } from '../core/secret.js';
import { readPem } from '../core/tls.js';
import { SendClient } from './client.js';
import { SEND_PASSPHRASE_REALM, SEND_SECRET_REALMS, type SendServiceConfig } from './config.js';
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

/**
 * The service settings as its schema outputs them: secrets and pasted PEM texts are `Secret`
 * values (src/send/config.ts), whichever loader read them (storage/passwords, YAML references).
 */
export type SendServiceSettings = SendServiceConfig;

/** Which one a PEM is read from: the pasted text (storage/passwords) wins over a file path when both are set. doctor reports the same. */
export function pemSourceOf(file: string | undefined, pem: Secret | undefined): 'pem' | 'file' | undefined {
  return pem ? 'pem' : file ? 'file' : undefined;
}

/** A PEM from its file (on-premises) or from the text kept in storage/passwords (Splunk Cloud). */
export function pemOf(file: string | undefined, pem: Secret | undefined, field: string, log?: Logger): { text: string; where: string } | undefined {
  if (pem && file) log?.warn(`send service: both ${field}_file and ${field}_pem are set; using ${field}_pem (clear one of them)`);
  if (pemSourceOf(file, pem) === 'pem' && pem) return { text: pem.reveal(), where: `${field}_pem (realm ${SEND_SECRET_REALMS[`${field}_pem` as keyof typeof SEND_SECRET_REALMS]})` };
  if (file) return { text: readPem(file, `${field}_file`), where: `${field}_file ${file}` };
  return undefined;
}

/** Reads the PEMs and checks the key opens with the passphrase, before any connection. */
export function openSendService(cfg: SendServiceSettings, log?: Logger, proxy?: Partial<ProxyConfig>): SendService {
  // A sender the service would refuse fails every message: say so once, before anything is read or sent.
  if (!isServiceAddress(cfg.from)) throw new ConfigError(`from "${cfg.from}" does not match the send service address pattern; fix the send service "from" setting`);
  const cert = pemOf(cfg.client_cert_file, cfg.client_cert_pem, 'client_cert', log);
  const key = pemOf(cfg.client_key_file, cfg.client_key_pem, 'client_key', log);
  if (!cert || !key) throw new ConfigError('the send service needs a client certificate and key: set client_cert_file and client_key_file, or paste client_cert_pem and client_key_pem');
  const passphrase = cfg.passphrase && !cfg.passphrase.isEmpty ? cfg.passphrase : undefined;
  try {
    createPrivateKey({ key: key.text, format: 'pem', passphrase: passphrase?.reveal() ?? '' });
  } catch (err) {
    throw new ConfigError(
      passphrase
        ? `${key.where} cannot be opened with the passphrase stored in realm ${SEND_PASSPHRASE_REALM}`
        : `${key.where} is encrypted or unreadable: store its passphrase in realm ${SEND_PASSPHRASE_REALM}`,
      { cause: err },
    );
  }
  const wrap = cfg.encrypt ? pemOf(cfg.public_key_file, cfg.public_key_pem, 'public_key', log) : undefined;
  if (cfg.encrypt && !wrap) throw new ConfigError('encrypt is on: set public_key_file or paste public_key_pem (the service RSA public key or certificate)');
  const ca = pemOf(cfg.ca_file, cfg.ca_pem, 'ca', log);
  const encryption = wrap ? { publicKey: loadWrapKey(wrap.text, wrap.where), mode: cfg.wrap_mode } : undefined;
  const client = new SendClient({
    host: cfg.host,
    port: cfg.port,
    clientCert: { cert: cert.text, key: key.text, passphrase: passphrase?.reveal() },
    ca: ca?.text,
    caWhere: ca?.where,
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
