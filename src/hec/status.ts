import {
  HecAckDisabledError,
  HecBadEventError,
  HecBatchTooLargeError,
  HecIndexError,
  HecInvalidChannelError,
  HecRejectedError,
  HecTokenError,
  HecUnavailableError,
  HecUnexpectedReplyError,
  type HecReplyFacts,
} from './errors.js';
import { parseRetryAfter } from '../core/retry.js';

/**
 * HEC reply → outcome, in one small table. A batch is delivered only on code 0; everything
 * else is either a retryable error (with the server's Retry-After) or a typed error naming
 * code and text. The sink never guesses beyond this file.
 */
export type SendOutcome =
  | { ok: true; ackId?: number }
  /**
   * `invalidEvent`: HEC's `invalid-event-number` — the events of the body before it were
   * indexed; the error is about that event (bad data, index) or the rest (retryable).
   */
  | { ok: false; error: Error; invalidEvent?: number };

const RETRY_CODES = new Set([8, 9, 18, 19, 20]);
const TOKEN_CODES = new Set([1, 2, 3, 4]);
/** The event is bad: refuse it, keep the rest. */
const DATA_CODES = new Set([5, 6, 12, 13, 15]);

interface HecJson {
  text?: unknown;
  code?: unknown;
  ackId?: unknown;
  'invalid-event-number'?: unknown;
}

function parseJson(body: string): HecJson | undefined {
  try {
    const o = JSON.parse(body) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as HecJson) : undefined;
  } catch {
    return undefined;
  }
}

/** A short, single-line description of a non-JSON body (tags stripped) for an error message. */
function snippet(body: string): string {
  const s = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s || '(empty body)';
}

/** Classifies one reply to a POST of events. */
export function classifySendReply(endpoint: string, status: number, headers: Record<string, string | string[] | undefined>, body: string): SendOutcome {
  const json = parseJson(body);
  const code = typeof json?.code === 'number' ? json.code : undefined;
  const text = typeof json?.text === 'string' ? json.text : json ? JSON.stringify(json).slice(0, 120) : snippet(body);
  const n = json?.['invalid-event-number'];
  const invalidEvent = typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
  const facts: HecReplyFacts = { status, text, endpoint, ...(code === undefined ? {} : { hecCode: code }) };
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const fail = (error: Error): SendOutcome => ({ ok: false, error, ...(invalidEvent === undefined ? {} : { invalidEvent }) });
  const unavailable = (setAside: boolean, what: string, ambiguous = false) => fail(new HecUnavailableError(endpoint, what, { retryAfterMs, setAside, ambiguous }));

  if (status >= 200 && status < 300 && code === 0) {
    return { ok: true, ...(typeof json?.ackId === 'number' ? { ackId: json.ackId } : {}) };
  }
  // Throttled (backpressureState warn): slow down, but the endpoint itself is fine. Any body.
  if (status === 429) return unavailable(false, `throttled (HTTP 429 "${text}")`);
  // A load balancer or proxy answers 5xx with an HTML page: retryable like HEC's own, and the
  // endpoint is set aside (the next try goes to another URL).
  if (status >= 500 && code === undefined) return unavailable(true, `HTTP ${status} "${text}" (not a HEC reply: a proxy or load balancer in front of HEC?)`, true);
  if (status === 413) return fail(new HecBatchTooLargeError(facts));
  if (!json || code === undefined) {
    // Only HEC's own JSON may say anything about the batch: a page is never success.
    return fail(new HecUnexpectedReplyError(facts, { retryable: status >= 200 && status < 300 }));
  }
  if (code === 11) return fail(new HecInvalidChannelError(endpoint));
  if (RETRY_CODES.has(code) || status >= 500) return unavailable(true, `HTTP ${status} code ${code} "${text}"`);
  if (TOKEN_CODES.has(code)) return fail(new HecTokenError(facts));
  if (code === 7) return fail(new HecIndexError(facts));
  if (code === 14) return fail(new HecAckDisabledError(facts));
  if (DATA_CODES.has(code)) return fail(new HecBadEventError(facts));
  // Code 0 on a non-2xx, 10, 16 and anything unknown: every batch would meet it.
  return fail(new HecRejectedError(facts));
}

export type AckOutcome = { ok: true; acks: Record<string, boolean> } | { ok: false; invalidChannel: boolean; error: Error };

/** Classifies one reply to an ack poll. */
export function classifyAckReply(endpoint: string, status: number, body: string): AckOutcome {
  const json = parseJson(body) as (HecJson & { acks?: unknown }) | undefined;
  if (status === 200 && json && typeof json.acks === 'object' && json.acks !== null && !Array.isArray(json.acks)) {
    const acks: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(json.acks as Record<string, unknown>)) acks[k] = v === true;
    return { ok: true, acks };
  }
  const code = typeof json?.code === 'number' ? json.code : undefined;
  const text = typeof json?.text === 'string' ? json.text : snippet(body);
  const facts: HecReplyFacts = { status, text, endpoint, ...(code === undefined ? {} : { hecCode: code }) };
  if (code === 11) return { ok: false, invalidChannel: true, error: new HecInvalidChannelError(endpoint) };
  if (code !== undefined && TOKEN_CODES.has(code)) return { ok: false, invalidChannel: false, error: new HecTokenError(facts) };
  if (code === 14) return { ok: false, invalidChannel: false, error: new HecAckDisabledError(facts) };
  return { ok: false, invalidChannel: false, error: new HecUnavailableError(endpoint, `ack poll: HTTP ${status} "${text}"`, { setAside: false }) };
}
