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
  constructor(reply: HecReplyFacts, advice = 'the batch was not delivered; check the events and the HEC settings', code = 'HEC_REJECTED', options?: AddonErrorOptions) {
    super(code, `${where(reply)}: ${advice}`, options);
    this.reply = reply;
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
  constructor(reply: HecReplyFacts) {
    super(reply, "the index is not allowed for this token; add it to the token's allowed indexes or change the index setting", 'HEC_INDEX_NOT_ALLOWED');
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

/** A reply that is not HEC JSON (an HTML error page from a proxy or a broken indexer). Never success. */
export class HecUnexpectedReplyError extends HecRejectedError {
  constructor(reply: HecReplyFacts) {
    super(reply, 'this is not a HEC reply (check the URL, a proxy or load balancer in between); the batch was not counted as delivered', 'HEC_UNEXPECTED_REPLY');
  }
}

/** A failure worth retrying: busy, throttled, unhealthy, network error, timeout. */
export class HecUnavailableError extends AddonError {
  /** Milliseconds the server asked to wait (Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** Whether the endpoint should be set aside until its health probe passes. */
  readonly setAside: boolean;
  readonly endpoint: string;
  constructor(endpoint: string, message: string, o: { retryAfterMs?: number; setAside: boolean; cause?: unknown }) {
    super('HEC_UNAVAILABLE', `${endpoint}: ${message}`, { retryable: true, cause: o.cause });
    this.endpoint = endpoint;
    this.retryAfterMs = o.retryAfterMs;
    this.setAside = o.setAside;
  }
}

/** Code 11 on send: the channel is unknown to the indexer; a new channel and a resend fix it. */
export class HecInvalidChannelError extends AddonError {
  constructor(endpoint: string) {
    super('HEC_INVALID_CHANNEL', `${endpoint}: the data channel is unknown (code 11); resending on a new channel`, { retryable: true });
  }
}

/** One event is larger than a whole batch may be. */
export class HecEventTooLargeError extends AddonError {
  constructor(id: string, bytes: number, limit: number) {
    super('HEC_EVENT_TOO_LARGE', `event ${id} is ${bytes} bytes, more than batch_bytes (${limit}); raise batch_bytes or shorten the event`);
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
