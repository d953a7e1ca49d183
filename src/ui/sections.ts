import type { z } from 'zod';
import { loggingSchema } from '../core/logging-config.js';
import { proxySchema } from '../core/proxy-config.js';
import { hecDestinationSchema } from '../hec/config.js';
import { serAccountSchema } from '../ser/config.js';
import { sendServiceSchema, SEND_SECRET_REALMS } from '../send/config.js';
import { fieldSpecs, type FieldSpec } from './schema-fields.js';

/**
 * The page's tabs, one per kind of named settings in docs/ARCHITECTURE.md's configuration
 * model: which .conf file (stanza = name), which storage/passwords realm holds each secret
 * field (username = stanza name), and which zod schema validates it — the program's own.
 */
interface SectionBase {
  id: string;
  title: string;
  /** .conf file name without `.conf`. */
  file: string;
  schema: z.ZodType;
  fields: FieldSpec[];
  /** secret field key → storage/passwords realm. */
  realms: Record<string, string>;
  /** Shown first; the other fields go under "Advanced settings". */
  primary: string[];
  intro: string;
}

/** Several named stanzas (accounts, destinations, services). */
export interface CollectionSection extends SectionBase {
  kind: 'collection';
  /** "account": used in buttons and dialogs. */
  noun: string;
  /** Fields shown as table columns besides the name. */
  columns: string[];
}

/** One fixed stanza of ta_ser_mail_settings.conf (proxy, logging). */
export interface StanzaSection extends SectionBase {
  kind: 'stanza';
  stanza: string;
}

export type Section = CollectionSection | StanzaSection;

const LABELS: Record<string, string> = {
  client_id: 'Client ID (API key)',
  client_secret: 'Client secret',
  auth_url: 'Auth base URL',
  api_url: 'API base URL',
  rate_limit_per_minute: 'Requests per minute',
  key_activation_date: 'Key activation date',
  ca_file: 'CA file',
  urls: 'HEC URLs',
  token: 'HEC token',
  ack: 'Indexer acknowledgement',
  gzip: 'Gzip',
  client_cert_file: 'Client certificate file',
  client_key_file: 'Client key file',
  passphrase: 'Client key passphrase',
  public_key_file: 'Service public key file',
  client_cert_pem: 'Client certificate (PEM)',
  client_key_pem: 'Client key (PEM)',
  public_key_pem: 'Service public key (PEM)',
  ca_pem: 'CA bundle (PEM)',
  secret: 'Mailbox secret',
  from: 'From address',
  url: 'Proxy URL',
  no_proxy: 'No proxy for',
  use_env: 'Use environment proxy',
};

export const accounts: CollectionSection = {
  kind: 'collection',
  id: 'accounts',
  title: 'SER accounts',
  noun: 'account',
  file: 'ta_ser_mail_accounts',
  schema: serAccountSchema,
  fields: fieldSpecs(serAccountSchema, LABELS),
  realms: { client_secret: 'ta_ser_mail_account' },
  primary: ['client_id', 'client_secret', 'auth_url', 'api_url', 'key_activation_date'],
  columns: ['client_id', 'api_url', 'key_activation_date'],
  intro: 'Proofpoint SER API credentials. SER report inputs name the account they read with.',
};

export const hec: CollectionSection = {
  kind: 'collection',
  id: 'hec',
  title: 'HEC destinations',
  noun: 'destination',
  file: 'ta_ser_mail_hec',
  schema: hecDestinationSchema,
  fields: fieldSpecs(hecDestinationSchema, LABELS),
  realms: { token: 'ta_ser_mail_hec' },
  primary: ['urls', 'token', 'index', 'ack', 'gzip', 'ca_file'],
  columns: ['urls', 'index', 'ack'],
  intro: 'Where events are delivered (HTTP Event Collector). Inputs and the alert action name a destination.',
};

export const send: CollectionSection = {
  kind: 'collection',
  id: 'send',
  title: 'Send service',
  noun: 'service',
  file: 'ta_ser_mail_send',
  schema: sendServiceSchema,
  fields: fieldSpecs(sendServiceSchema, LABELS),
  realms: { ...SEND_SECRET_REALMS },
  // File paths for on-premises servers, pasted PEM texts (kept in storage/passwords) for Splunk Cloud.
  primary: ['host', 'port', 'client_cert_file', 'client_cert_pem', 'client_key_file', 'client_key_pem', 'passphrase', 'ca_file', 'ca_pem', 'public_key_file', 'public_key_pem', 'wrap_mode', 'secret', 'from', 'encrypt'],
  columns: ['host', 'from', 'encrypt'],
  intro: 'The secure send service the ser_secure_send alert action talks to over mutual TLS.',
};

/** The .conf file of the fixed [proxy] and [logging] stanzas. */
export const SETTINGS_FILE = 'ta_ser_mail_settings';

/**
 * The proxy password has no key in proxySchema: the URL names the user and the program adds the
 * password from storage/passwords (realm ta_ser_mail_proxy, username proxy). So the page adds
 * this one write-only field of its own.
 */
const proxyPassword: FieldSpec = {
  key: 'password',
  label: 'Proxy password',
  help: 'Password of the user named in the proxy URL (http://user@host:port)',
  kind: 'text',
  options: [],
  required: false,
  secret: true,
  multiline: false,
  default: undefined,
};

export const proxy: StanzaSection = {
  kind: 'stanza',
  id: 'proxy',
  title: 'Proxy',
  file: SETTINGS_FILE,
  stanza: 'proxy',
  schema: proxySchema,
  fields: [...fieldSpecs(proxySchema, LABELS), proxyPassword],
  realms: { password: 'ta_ser_mail_proxy' },
  primary: ['url', 'password', 'no_proxy', 'use_env'],
  intro: 'The outbound proxy for every connection the add-on makes (SER API, HEC, send service).',
};

export const logging: StanzaSection = {
  kind: 'stanza',
  id: 'logging',
  title: 'Logging',
  file: SETTINGS_FILE,
  stanza: 'logging',
  schema: loggingSchema,
  fields: fieldSpecs(loggingSchema, { level: 'Log level' }),
  realms: {},
  primary: ['level'],
  intro: 'How much the inputs and the alert action write to splunkd.log (index=_internal component=ExecProcessor).',
};

export const SECTIONS: Section[] = [accounts, hec, send, proxy, logging];

/** Realms of every secret field of a section. */
export const realmsOf = (s: Section): string[] => Object.values(s.realms);
