import type { KeyObject } from 'node:crypto';
import { eventId } from '../core/event.js';
import type { Secret } from '../core/secret.js';
import { checkAddresses } from './address.js';
import type { FROM_HEADER_ENCODINGS, WrapMode } from './config.js';
import { encryptMessage } from './crypto.js';

/** One message as the alert action composed it, before encoding for the wire. */
export interface OutgoingMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  bodyType: 'text/plain' | 'text/html';
  importance: 'high' | 'normal' | 'low';
}

export interface WireOptions {
  secret: Secret;
  fromHeaderEncoding: (typeof FROM_HEADER_ENCODINGS)[number];
  /** Present when the mailbox requires encryption. */
  encryption?: { publicKey: KeyObject; mode: WrapMode };
}

export interface WireRequest {
  headers: Record<string, string>;
  body: string;
  encrypted: boolean;
}

/**
 * Same search run (sid), same row, same recipient set → same messageId, so a rerun of the
 * alert or a retry never sends under a new id and the service can see the repeat.
 */
export function messageIdFor(sid: string, row: string | number, to: readonly string[], cc: readonly string[]): string {
  const set = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join(',');
  return `ta-ser-mail-${eventId('secure-send', sid, row, set(to), set(cc))}`;
}

/**
 * HTTP header values are bytes; undici refuses code points above U+00FF. `utf8` puts the
 * address's UTF-8 bytes on the wire as they are (what curl sends from a UTF-8 shell: each byte
 * becomes one latin1 char for undici); `rfc2047` sends an ASCII encoded word instead.
 */
export function encodeFromHeader(from: string, encoding: WireOptions['fromHeaderEncoding']): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(from)) return from;
  if (encoding === 'rfc2047') return `=?UTF-8?B?${Buffer.from(from, 'utf8').toString('base64')}?=`;
  return Buffer.from(from, 'utf8').toString('latin1');
}

/** Headers and JSON body exactly as the specification lists them; addresses checked first. */
export function buildRequest(m: OutgoingMessage, o: WireOptions): WireRequest {
  checkAddresses(m);
  const content = o.encryption ? encryptMessage(m.subject, m.body, o.encryption.publicKey, o.encryption.mode) : undefined;
  const body: Record<string, unknown> = {
    messageId: m.messageId,
    bodyType: m.bodyType,
    importance: m.importance,
    to: m.to,
    cc: m.cc,
    subject: content ? content.subject : m.subject,
    secret: o.secret.reveal(),
    body: content ? content.body : m.body,
  };
  if (content) {
    body.messageKey = content.messageKey;
    body.messageVector = content.messageVector;
  }
  return {
    headers: { 'content-type': 'application/json;charset=UTF-8', 'email-from': encodeFromHeader(m.from, o.fromHeaderEncoding) },
    body: JSON.stringify(body),
    encrypted: content !== undefined,
  };
}
