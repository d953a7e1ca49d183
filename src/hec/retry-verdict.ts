import { AddonError } from '../core/errors.js';
import type { RetryClassifier } from '../core/retry.js';
import { HecInvalidChannelError, HecUnavailableError, HecUnexpectedReplyError } from './errors.js';

/**
 * HEC's reading of a failed send, handed to core's withRetry (the one retry mechanism):
 * network errors, timeouts, 429, any 5xx (HEC JSON or a proxy's HTML page), codes 8/9/18-20,
 * an unknown channel (code 11, resent on a new channel) and a 2xx that is not HEC JSON are
 * worth another try, honouring Retry-After; token, index, ack setting, bad events and a 4xx
 * page are not. An abort is never retried (withRetry checks the signal first).
 */
export const classifyHecFailure: RetryClassifier = (err) => {
  if (err instanceof HecUnavailableError) return { retry: true, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) };
  if (err instanceof HecInvalidChannelError) return { retry: true };
  if (err instanceof HecUnexpectedReplyError) return { retry: err.retryable };
  return { retry: AddonError.isInstance(err) && err.retryable };
};
