import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CC_PATTERN, isServiceAddress } from '../send/address.js';
import { WRAP_MODES, type WrapMode } from '../send/config.js';
import { decryptMessage } from '../send/crypto.js';

/**
 * The secure send service, as strict as its specification: HTTPS that requires and verifies a
 * client certificate, checks headers and body field by field, decrypts encrypted mailboxes
 * with its private key, answers in the documented reply format, remembers every messageId
 * (a repeat is recorded and not delivered twice) and plays scripted faults.
 */
export interface SendSimOptions {
  /** PEM strings: server certificate and key, and the CA that client certificates must chain to. */
  cert: string;
  key: string;
  clientCa: string;
  mailbox: { address: string; secret: string; encrypt?: boolean; wrapMode?: WrapMode; privateKey?: string };
  /**
   * A messageId the service already accepted: -1 "repeated request" (default; the specification
   * calls messageId the caller's unique message id, and the issue reports the service refusing
   * a repeat), or 0 with the first transactionId (a lenient service).
   */
  onRepeat?: 'accept' | 'refuse';
  port?: number;
}

export type SendFault =
  /** An HTML error page with this status (and Retry-After, if given); with `accepted`, the message is taken and the documented code-0 reply comes with this status. */
  | { kind: 'status'; status: 502 | 503 | 504 | 500; times: number; accepted?: boolean; retryAfter?: string }
  /** A documented -1 reply, with HTTP 400 unless `status` says otherwise. */
  | { kind: 'refuse'; times: number; message?: string; explanation?: string; status?: 400 | 500 | 502 | 503 | 504 }
  | { kind: 'reset'; times: number }
  | { kind: 'html'; times: number };

export interface DeliveredMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  bodyType: string;
  importance: string;
  encrypted: boolean;
  transactionId: string;
}

export interface RecordedRequest {
  /** Epoch milliseconds when the request arrived. */
  at: number;
  messageId?: string;
  outcome: 'accepted' | 'repeat' | 'refused' | 'fault';
  status: number;
  explanation?: string;
}

export interface SendSimulator {
  url: string;
  port: number;
  delivered(): DeliveredMessage[];
  requests(): RecordedRequest[];
  /** messageIds seen more than once. */
  repeats(): string[];
  /** TCP connections accepted, and TLS handshakes that failed (unknown client certificate). */
  connections(): number;
  tlsFailures(): number;
  /** Most requests ever being handled at once (the client's concurrency cap shows here). */
  maxConcurrent(): number;
  setFault(fault: SendFault | undefined): void;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

/**
 * The reply texts. The specification gives one example (code -1, "Ошибка обработки запроса",
 * explanation "Ошибка парсинга запроса; Неверный ID почтового ящика"); the others follow its
 * shape: message = short text, data.description = short text, data.explanation = the detail.
 */
export const REPLY_TEXT = {
  error: 'Ошибка обработки запроса',
  errorDescription: 'Ошибка',
  parse: 'Ошибка парсинга запроса',
  badMailbox: 'Неверный ID почтового ящика',
  decrypt: 'Ошибка расшифровки',
  repeated: 'Повторный запрос: сообщение с таким messageId уже принято',
  ok: 'Запрос успешно обработан',
  okExplanation: 'Сообщение принято к отправке',
} as const;

function timestamp(): string {
  return new Date().toISOString().replace('Z', '');
}

function reply(res: ServerResponse, status: number, code: 0 | -1, messageId: string | undefined, transactionId: string, message: string, explanation?: string): void {
  const body = JSON.stringify({
    code,
    message,
    timestamp: timestamp(),
    data: { description: code === 0 ? 'OK' : REPLY_TEXT.errorDescription, explanation: explanation ?? message, transactionId, messageId: messageId ?? null },
  });
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(body);
}

/** Email-From arrives as raw bytes (latin1 in Node) or an RFC 2047 encoded word. */
export function decodeFromHeader(raw: string): string | undefined {
  const word = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/i.exec(raw);
  const bytes = word ? Buffer.from(word[1]!, 'base64') : Buffer.from(raw, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

type Check = { ok: true; value: DeliveredMessage } | { ok: false; field: string; why: string };

function strings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function validate(o: SendSimOptions, req: IncomingMessage, json: Record<string, unknown>): Check {
  const mb = o.mailbox;
  const ctype = String(req.headers['content-type'] ?? '').replace(/\s+/g, '').toLowerCase();
  if (ctype !== 'application/json;charset=utf-8') return { ok: false, field: 'Content-Type', why: 'must be application/json;charset=UTF-8' };
  const rawFrom = req.headers['email-from'];
  const from = typeof rawFrom === 'string' ? decodeFromHeader(rawFrom) : undefined;
  if (!from || !isServiceAddress(from)) return { ok: false, field: 'Email-From', why: 'missing or does not match the address pattern' };
  if (from !== mb.address) return { ok: false, field: 'Email-From', why: 'unknown mailbox' };
  for (const f of ['subject', 'messageId', 'secret', 'body', 'bodyType'] as const) {
    if (typeof json[f] !== 'string') return { ok: false, field: f, why: 'required string' };
  }
  if (!(json.messageId as string)) return { ok: false, field: 'messageId', why: 'must not be empty' };
  if (json.secret !== mb.secret) return { ok: false, field: 'secret', why: REPLY_TEXT.badMailbox };
  if (!strings(json.to) || json.to.length === 0 || !json.to.every((a) => isServiceAddress(a))) return { ok: false, field: 'to', why: 'required, each address matching the pattern' };
  if (!strings(json.cc) || !json.cc.every((a) => CC_PATTERN.test(a))) return { ok: false, field: 'cc', why: 'required array of xxxx@xxxxx.xx addresses' };
  if (json.bodyType !== 'text/plain' && json.bodyType !== 'text/html') return { ok: false, field: 'bodyType', why: 'text/plain or text/html' };
  const importance = json.importance ?? 'normal';
  if (importance !== 'high' && importance !== 'low' && importance !== 'normal') return { ok: false, field: 'importance', why: 'high, low or normal' };
  let subject = json.subject as string;
  let body = json.body as string;
  if (mb.encrypt) {
    if (typeof json.messageKey !== 'string' || typeof json.messageVector !== 'string') return { ok: false, field: 'messageKey', why: 'messageKey and messageVector are required for this mailbox' };
    try {
      const plain = decryptMessage({ subject, body, messageKey: json.messageKey, messageVector: json.messageVector }, mb.privateKey ?? '', mb.wrapMode ?? WRAP_MODES[0]);
      subject = plain.subject;
      body = plain.body;
    } catch (err) {
      return { ok: false, field: 'messageKey', why: `${REPLY_TEXT.decrypt}: ${(err as Error).message}` };
    }
  }
  return {
    ok: true,
    value: { messageId: json.messageId as string, from, to: json.to, cc: json.cc, subject, body, bodyType: json.bodyType, importance, encrypted: Boolean(mb.encrypt), transactionId: '' },
  };
}

export async function startSendSimulator(o: SendSimOptions): Promise<SendSimulator> {
  const delivered: DeliveredMessage[] = [];
  const byId = new Map<string, DeliveredMessage>();
  const requests: RecordedRequest[] = [];
  const repeats = new Set<string>();
  let fault: SendFault | undefined;
  let connections = 0;
  let tlsFailures = 0;

  const takeFault = (): SendFault | undefined => {
    if (!fault || fault.times <= 0) return undefined;
    fault.times--;
    return fault;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer): void => {
    const tx = randomBytes(16).toString('hex').toUpperCase();
    if (req.method !== 'POST' || req.url !== '/send') {
      requests.push({ at: Date.now(), outcome: 'refused', status: 404, explanation: `${req.method} ${req.url}` });
      return reply(res, 404, -1, undefined, tx, REPLY_TEXT.error, `no such endpoint ${req.method} ${req.url}`);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    } catch {
      requests.push({ at: Date.now(), outcome: 'refused', status: 400, explanation: REPLY_TEXT.parse });
      return reply(res, 400, -1, undefined, tx, REPLY_TEXT.error, REPLY_TEXT.parse);
    }
    const messageId = typeof json.messageId === 'string' ? json.messageId : undefined;
    const f = takeFault();
    let okStatus = 200;
    if (f?.kind === 'status' && f.accepted) okStatus = f.status;
    else if (f) {
      requests.push({ at: Date.now(), messageId, outcome: 'fault', status: f.kind === 'status' ? f.status : f.kind === 'refuse' ? (f.status ?? 400) : 500 });
      if (f.kind === 'reset') return void req.socket.destroy();
      if (f.kind === 'html') return void res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal Server Error</body></html>');
      if (f.kind === 'refuse') return reply(res, f.status ?? 400, -1, messageId, tx, f.message ?? REPLY_TEXT.error, f.explanation ?? 'scripted refusal');
      return void res.writeHead(f.status, { 'content-type': 'text/html', ...(f.retryAfter ? { 'retry-after': f.retryAfter } : {}) }).end(`<html><body>${f.status}</body></html>`);
    }
    const check = validate(o, req, json);
    if (!check.ok) {
      requests.push({ at: Date.now(), messageId, outcome: 'refused', status: 400, explanation: `${check.field}: ${check.why}` });
      return reply(res, 400, -1, messageId, tx, REPLY_TEXT.error, `${check.field}: ${check.why}`);
    }
    const first = byId.get(check.value.messageId);
    if (first) {
      repeats.add(first.messageId);
      const refuse = o.onRepeat !== 'accept';
      requests.push({ at: Date.now(), messageId, outcome: 'repeat', status: refuse ? 400 : okStatus });
      if (refuse) return reply(res, 400, -1, messageId, tx, REPLY_TEXT.error, REPLY_TEXT.repeated);
      return reply(res, okStatus, 0, messageId, first.transactionId, REPLY_TEXT.ok, REPLY_TEXT.okExplanation);
    }
    const msg = { ...check.value, transactionId: tx };
    byId.set(msg.messageId, msg);
    delivered.push(msg);
    requests.push({ at: Date.now(), messageId, outcome: 'accepted', status: okStatus });
    reply(res, okStatus, 0, messageId, tx, REPLY_TEXT.ok, REPLY_TEXT.okExplanation);
  };

  let active = 0;
  let maxActive = 0;
  const server: Server = createServer({ cert: o.cert, key: o.key, ca: o.clientCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    maxActive = Math.max(maxActive, ++active);
    res.once('close', () => active--);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => tlsFailures++);
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}/send`,
    port,
    delivered: () => [...delivered],
    requests: () => [...requests],
    repeats: () => [...repeats],
    connections: () => connections,
    tlsFailures: () => tlsFailures,
    maxConcurrent: () => maxActive,
    setFault: (f) => {
      fault = f ? { ...f } : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
