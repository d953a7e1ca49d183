import { z } from 'zod';
import { boolish, durationSeconds } from '../core/schema.js';

/** Splunk hands every value over as a string; YAML gives numbers. Both land as an integer. */
const intish = () => z.coerce.number().int();
/** An optional string where Splunk's empty value means "not set". */
const optionalText = () => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional());

export const AUTH_MODES = ['jwt', 'static'] as const;
export const BODY_POLICIES = ['drop', 'sha256', 'truncate', 'keep'] as const;

/** storage/passwords realm of the receiver's secret; the username is the input's name. */
export const MAIL_SECRET_REALM = 'ta_ser_mail_receiver';

/**
 * One mail metadata input: a receiver for the Yva-format Mails and Users APIs that EWS/AD
 * connectors post to, and/or an importer of a connector's DataPath folder. FLAT on purpose:
 * each key is one `[mail_metadata://<name>]` parameter and one key of a YAML input.
 * Browser-safe (only zod): the configuration page bundles it.
 */
export const mailInputSchema = z.object({
  hec: z.string().min(1).default('default').describe('name of the HEC destination (ta_ser_mail_hec.conf stanza) the events go to'),
  index: optionalText().describe('index of the events; default: the HEC destination\'s index'),
  source: optionalText().describe('source field of the events; default: mail_metadata://<input name>'),
  host: optionalText().describe('host field of the events; default: the HEC destination\'s host'),

  receiver: boolish.default(true).describe('run the HTTP(S) receiver that connectors post to'),
  listen_host: z.string().min(1).default('127.0.0.1').describe('address the receiver listens on (0.0.0.0 for every interface; anything but loopback needs TLS or allow_plain_http)'),
  listen_port: intish().min(0).max(65535).default(8443).describe('TCP port of the receiver (0 picks a free port, for tests)'),
  tls_cert_file: optionalText().describe('PEM certificate (chain) of the receiver; with tls_key_file it turns HTTPS on'),
  tls_key_file: optionalText().describe('PEM private key of the receiver certificate (unencrypted; keep it readable only by Splunk)'),
  allow_plain_http: boolish.default(false).describe('accept plain HTTP on a non-loopback address (only behind a TLS-terminating load balancer)'),
  mails_path: z.string().regex(/^\//, 'a path starts with /').default('/api/mails').describe('URL path of the Mails API: the connector\'s MailsEndpointUrl ends with it'),
  users_path: z.string().regex(/^\//, 'a path starts with /').default('/api/users').describe('URL path of the Users API: the connector\'s UsersEndpointUrl ends with it'),

  auth_mode: z.enum(AUTH_MODES).default('jwt').describe('how the connector\'s AuthToken (Authorization: Bearer) is checked: jwt = signature, expiry, audience/issuer; static = equal to auth_secret'),
  auth_secret: optionalText().describe('static token, or the HMAC key of HS256/384/512 JWTs (secret: stored in storage/passwords)'),
  jwt_public_key_file: optionalText().describe('PEM public key (or certificate) that verifies RS/PS/ES/EdDSA-signed JWTs; used instead of auth_secret'),
  jwt_audience: optionalText().describe('required `aud` claim of the JWT; empty: not checked'),
  jwt_issuer: optionalText().describe('required `iss` claim of the JWT; empty: not checked'),
  jwt_require_expiry: boolish.default(true).describe('refuse JWTs without an `exp` claim (a token that never expires)'),
  jwt_clock_tolerance: durationSeconds.default(60).describe('seconds of clock difference allowed when checking exp/nbf'),

  max_request_size_mb: z.coerce.number().positive().max(1024).default(10).describe('largest request body in MB, compressed or not (the connector\'s MaxRequestSizeInMb); larger requests get 413'),
  max_in_flight_mb: z.coerce.number().positive().max(8192).default(64).describe('memory budget of the receiver in MB: request bytes read or awaiting delivery, summed over all requests; a request that does not fit gets 503 with Retry-After. At least max_request_size_mb. Peak memory is a small multiple of it (parsed JSON is larger than its text)'),
  max_concurrent_requests: intish().min(1).max(4096).default(256).describe('requests held at once (reading, parsing or awaiting delivery); more get 503 with Retry-After. A backstop: max_in_flight_mb is what bounds memory'),
  body_timeout: durationSeconds.default(30).describe('seconds a request\'s body may take to arrive after its headers; a slower or stalled client gets 408 and its share of the budget is freed'),
  delivery_timeout: durationSeconds.default(15).describe('seconds a request waits for HEC to deliver its events before it is answered 503 (the connector retries later); its bytes stay counted until HEC settles them. Default from the soak in docs/PERFORMANCE.md'),
  retry_after: durationSeconds.default(10).describe('seconds put in Retry-After of a 503 (the connector waits this long); after HEC gave up on a delivery, new requests get 503 for this long. Default from the soak in docs/PERFORMANCE.md'),

  body_policy: z.enum(BODY_POLICIES).default('drop').describe('what happens to a message body: drop (default), sha256 (hash only), truncate (first body_truncate_chars characters), keep'),
  body_truncate_chars: intish().min(1).max(1_000_000).default(256).describe('characters kept when body_policy = truncate'),
  header_allow_list: z.string().default('').describe('comma-separated header names copied into the event as header_<name> fields (case-insensitive), e.g. X-Mailer,Return-Path'),
  whitelist_file: optionalText().describe('path of the connector\'s whitelist.json (JSON array of mailbox addresses): only these owners are forwarded'),
  blacklist_file: optionalText().describe('path of the connector\'s blacklist.json: these owners are never forwarded (wins over the whitelist)'),
  org_domains: z.string().default('').describe('comma-separated mail domains of the organisation (a subdomain counts too), e.g. corp.example,corp.example.ru; decides direction: inbound (external sender), outbound (internal sender, some external recipient), internal. Empty: the domain of each message\'s mailbox owner'),
  vendor_product: z.string().min(1).default('Microsoft Exchange (Yva EWS connector)').describe('CIM vendor_product of message events'),
  protocol: z.enum(['mapi', 'smtp', 'imap', 'pop3']).default('mapi').describe('CIM protocol of message events (EWS reads Exchange mailboxes: mapi)'),

  data_path: optionalText().describe('the connector\'s DataPath folder (SendToYva = false): its JSON files are imported once each'),
  done_path: optionalText().describe('folder imported files are moved to; default: <data_path>/done'),
  error_path: optionalText().describe('folder files that cannot be imported are moved to, with a .error.txt beside each; default: <data_path>/error'),
  import_interval: durationSeconds.default(30).describe('seconds between scans of data_path'),
  stable_time: durationSeconds.default(5).describe('a file is imported only when its size and modification time have not changed for this many seconds'),
});

export type MailInputSettings = z.input<typeof mailInputSchema>;
export type MailInputConfig = z.infer<typeof mailInputSchema>;

/** The organisation's domains, lower case, without a leading `@` or `*.`. */
export function orgDomains(config: Pick<MailInputConfig, 'org_domains'>): string[] {
  return config.org_domains
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/^(\*\.|@|\.)/, ''))
    .filter((s) => s.length > 0);
}

/** The header allow-list as lower-case names. */
export function headerAllowList(config: Pick<MailInputConfig, 'header_allow_list'>): string[] {
  return config.header_allow_list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}
