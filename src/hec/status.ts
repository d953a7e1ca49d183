import {
  HecAckDisabledError,
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
export type SendOutcome = { ok: true; ackId?: number } | { ok: false; error: Error };

const RETRY_CODES = new Set([8, 9, 18, 19, 20]);
const TOKEN_CODES = new Set([1, 2, 3, 4]);

interface HecJson {
  text?: unknown;
  code?: unknown;
  ackId?: unknown;
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
  const facts: HecReplyFacts = { status, text, endpoint, ...(code === undefined ? {} : { hecCode: code }) };
  const retryAfterMs = parseRetryAfter(headers['retry-after']);

  if (status >= 200 && status < 300 && code === 0) {
    return { ok: true, ...(typeof json?.ackId === 'number' ? { ackId: json.ackId } : {}) };
  }
  if (status === 429) {
    // Throttled (backpressureState warn): slow down, but the endpoint itself is fine.
    return { ok: false, error: new HecUnavailableError(endpoint, `throttled (HTTP 429 "${text}")`, { retryAfterMs, setAside: false }) };
  }
  if (status === 413) return { ok: false, error: new HecBatchTooLargeError(facts) };
  if (!json || code === undefined) {
    // Only HEC's own JSON may say anything about the batch: an HTML page is never success.
    return { ok: false, error: new HecUnexpectedReplyError(facts) };
  }
  if (code === 11) return { ok: false, error: new HecInvalidChannelError(endpoint) };
  if (RETRY_CODES.has(code) || (status === 503 && code !== 0)) {
    return { ok: false, error: new HecUnavailableError(endpoint, `HTTP ${status} code ${code} "${text}"`, { retryAfterMs, setAside: true }) };
  }
  if (TOKEN_CODES.has(code)) return { ok: false, error: new HecTokenError(facts) };
  if (code === 7) return { ok: false, error: new HecIndexError(facts) };
  if (code === 14) return { ok: false, error: new HecAckDisabledError(facts) };
  if (status >= 500) {
    return { ok: false, error: new HecUnavailableError(endpoint, `HTTP ${status} code ${code} "${text}"`, { retryAfterMs, setAside: true }) };
  }
  // Codes 0 on a non-2xx, 5, 6, 10, 12, 13, 15, 16 and anything unknown: the batch is refused.
  return { ok: false, error: new HecRejectedError(facts) };
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
