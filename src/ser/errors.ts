import { AddonError, type AddonErrorOptions } from '../core/errors.js';

/** SER refused the client id / secret: the admin must fix the account, retrying will not help. */
export class SerCredentialsError extends AddonError {
  constructor(account: string, status: number, options?: AddonErrorOptions) {
    super(
      'SER_CREDENTIALS_REFUSED',
      `SER refused the key and secret of account "${account}" (HTTP ${status}): check client_id and client_secret in the account settings; keys expire one year after activation`,
      options,
    );
  }
}

/** A report or token request failed after its retries (network, 429, 5xx) or with an unexpected status. */
export class SerApiError extends AddonError {
  readonly status: number | undefined;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status: number | undefined, options?: AddonErrorOptions & { retryAfterMs?: number }) {
    super('SER_API_ERROR', message, options);
    this.status = status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** SER answered something the input cannot understand; `path` names the field. Never a silent zero. */
export class SerReplyError extends AddonError {
  readonly path: string;
  constructor(path: string, problem: string, options?: AddonErrorOptions) {
    super('SER_REPLY_INVALID', `SER reply field ${path || '(root)'}: ${problem}`, options);
    this.path = path;
  }
}
