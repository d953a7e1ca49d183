import { AddonError, type AddonErrorOptions } from '../core/errors.js';

/**
 * What HEC can answer that an admin must act on differently. Messages name the HEC code and
 * text and the setting to change; they never carry the token.
 */
export interface HecReplyFacts {
  /** HTTP status of the reply. */
  status: number;
  /** HEC `code` from the JSON reply, when there was one. */
  hecCode?: number;
  /** HEC `text`, or the start of a non-JSON page. */
  text: string;
  /** The endpoint that answered (a URL without credentials). */
  endpoint: string;
}

function where(f: HecReplyFacts): string {
  return `${f.endpoint} answered HTTP ${f.status}${f.hecCode === undefined ? '' : ` code ${f.hecCode}`} "${f.text}"`;
}

/** HEC refused the batch for a reason a retry cannot fix (codes 5, 6, 10, 12, 13, 15, 16, …). */
export class HecRejectedError extends AddonError {
  readonly reply: HecReplyFacts;
  /**
   * True when the events themselves are bad (codes 5, 6, 12, 13, 15): they are refused one by
   * one and the rest goes on. False when every batch would meet the same answer (token, index,
   * URL, ack setting): delivery stops at once.
   */
  readonly dataProblem: boolean;
  constructor(reply: HecReplyFacts, advice = 'the batch was not delivered; check the events and the HEC settings', code = 'HEC_REJECTED', options?: AddonErrorOptions & { dataProblem?: boolean }) {
    super(code, `${where(reply)}: ${advice}`, options);
    this.reply = reply;
    this.dataProblem = options?.dataProblem ?? false;
  }
}

/** Codes 5, 6, 12, 13, 15: HEC found an event it cannot index (the events before it are indexed). */
export class HecBadEventError extends HecRejectedError {
  constructor(reply: HecReplyFacts) {
    super(reply, 'HEC cannot index this event; fix it at its source', 'HEC_EVENT_REFUSED', { dataProblem: true });
  }
}

/** Codes 1–4: the token is missing, wrong or disabled. */
export class HecTokenError extends HecRejectedError {
  constructor(reply: HecReplyFacts) {
    super(reply, 'the HEC token is invalid or disabled; set a valid, enabled token for this destination', 'HEC_TOKEN_INVALID');
  }
}

/** Code 7: the token may not write to the event's index. */
export class HecIndexError extends HecRejectedError {
  constructor(reply: HecReplyFacts, index?: string) {
    super(
      reply,
      `the index${index ? ` "${index}"` : ''} is not allowed for this token; add it to the token's allowed indexes (Settings > Data inputs > HTTP Event Collector) or change the index setting`,
      'HEC_INDEX_NOT_ALLOWED',
    );
  }
}

/** Code 14: the sink asks for acknowledgement but the token has it off. */
export class HecAckDisabledError extends HecRejectedError {
  constructor(reply: HecReplyFacts) {
    super(reply, 'indexer acknowledgement is off for this token; enable it on the token or set ack = false', 'HEC_ACK_DISABLED');
  }
}

/** 413: the request is larger than HEC's max_content_length. */
export class HecBatchTooLargeError extends HecRejectedError {
  constructor(reply: HecReplyFacts) {
    super(reply, 'the batch exceeds HEC max_content_length; lower batch_bytes', 'HEC_BATCH_TOO_LARGE');
  }
}

/**
 * A reply that is not HEC JSON (an HTML page from a proxy, a captive portal, a broken
 * indexer). Never success. On a 2xx it is retried (a load balancer may route the next try
 * elsewhere); on a 4xx it is permanent: the URL or something in between is wrong.
 */
export class HecUnexpectedReplyError extends HecRejectedError {
  constructor(reply: HecReplyFacts, o: { retryable?: boolean } = {}) {
    super(reply, 'this is not a HEC reply (check the URL, a proxy or load balancer in between); the batch was not counted as delivered', 'HEC_UNEXPECTED_REPLY', { retryable: o.retryable ?? false });
  }
}

/**
 * Ack on, but HEC answered code 0 without an ackId: the token has indexer acknowledgement
 * off, so HEC indexed the events and will never confirm it. They count as delivered
 * (unacknowledged) — reporting them undelivered would make a replay duplicate them.
 */
export class HecAckNotGivenError extends AddonError {
  readonly endpoint: string;
  constructor(endpoint: string, events: number) {
    super(
      'HEC_ACK_OFF_ON_TOKEN',
      `${endpoint} indexed ${events} event(s) but sent no ackId: the token has indexer acknowledgement off. They count as delivered-unacknowledged; delivery stopped. Enable "Indexer acknowledgement" on the token, or set ack = false (forward: --no-ack)`,
    );
    this.endpoint = endpoint;
  }
}

/** One event HEC refused (bad data, or too large for max_content_length): reported by its tag (line) and never resent. */
export class HecEventRefusedError extends AddonError {
  readonly id: string;
  readonly tag: number | undefined;
  readonly bytes: number;
  constructor(o: { id: string; tag?: number; bytes: number; reason: string; cause?: unknown }) {
    super('HEC_EVENT_REFUSED', `${o.tag === undefined ? '' : `line ${o.tag}: `}event ${o.id} (${o.bytes} bytes) refused by HEC: ${o.reason}`, { cause: o.cause });
    this.id = o.id;
    this.tag = o.tag;
    this.bytes = o.bytes;
  }
}

/** A failure worth retrying: busy, throttled, unhealthy, network error, timeout. */
export class HecUnavailableError extends AddonError {
  /** Milliseconds the server asked to wait (Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** Whether the endpoint should be set aside until its health probe passes. */
  readonly setAside: boolean;
  /** No HEC answer came back (connection lost, timeout, a proxy's page): HEC may have taken the batch. */
  readonly ambiguous: boolean;
  readonly endpoint: string;
  constructor(endpoint: string, message: string, o: { retryAfterMs?: number; setAside: boolean; ambiguous?: boolean; cause?: unknown }) {
    super('HEC_UNAVAILABLE', `${endpoint}: ${message}`, { retryable: true, cause: o.cause });
    this.endpoint = endpoint;
    this.retryAfterMs = o.retryAfterMs;
    this.setAside = o.setAside;
    this.ambiguous = o.ambiguous ?? false;
  }
}

/** Code 11 on send: the channel is unknown to the indexer; a new channel and a resend fix it. */
export class HecInvalidChannelError extends AddonError {
  constructor(endpoint: string) {
    super('HEC_INVALID_CHANNEL', `${endpoint}: the data channel is unknown (code 11); resending on a new channel`, { retryable: true });
  }
}

/** Every attempt failed (or acks never came); the events were not delivered. */
export class HecDeliveryError extends AddonError {
  readonly events: number;
  constructor(events: number, message: string, options?: AddonErrorOptions) {
    super('HEC_DELIVERY_FAILED', message, { retryable: true, ...options });
    this.events = events;
  }
}
