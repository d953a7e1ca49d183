import { AddonError, type AddonErrorOptions } from '../core/errors.js';

/** An address the service would refuse; nothing was sent. */
export class AddressError extends AddonError {
  readonly field: string;
  constructor(field: string, address: string, why = 'does not match the send service address pattern') {
    super('SEND_ADDRESS_INVALID', `${field} address "${address}" ${why}; fix the alert's ${field === 'from' ? 'send service "from" setting' : `"${field}" parameter`}`);
    this.field = field;
  }
}

/** The service answered code -1: it refused this message. Never retried. */
export class SendRefusedError extends AddonError {
  constructor(
    readonly reply: { message?: string; explanation?: string; transactionId?: string; status: number },
    options?: AddonErrorOptions,
  ) {
    super('SEND_REFUSED', `the send service refused the message: ${reply.message ?? 'no message'}${reply.explanation ? ` (${reply.explanation})` : ''}`, options);
  }
}

/**
 * The service cannot have taken the message (connection refused) or said it is unavailable
 * (502/503/504): the one case we retry, with the same messageId.
 */
export class SendUnavailableError extends AddonError {
  /** A proxy's or load balancer's Retry-After, in milliseconds. */
  readonly retryAfterMs?: number;
  constructor(readonly status: number | undefined, message: string, options?: AddonErrorOptions & { retryAfterMs?: number }) {
    super('SEND_UNAVAILABLE', message, { ...options, retryable: true });
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Anything else (timeout after sending, reset, an unreadable reply): the outcome is unknown; not retried. */
export class SendFailedError extends AddonError {
  constructor(readonly status: number | undefined, message: string, options?: AddonErrorOptions) {
    super('SEND_FAILED', message, options);
  }
}

/** The mutual TLS handshake failed: our certificate was refused or theirs did not verify. */
export class SendTlsError extends AddonError {
  constructor(message: string, options?: AddonErrorOptions) {
    super('SEND_TLS_FAILED', message, options);
  }
}
