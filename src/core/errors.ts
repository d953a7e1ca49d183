/**
 * Every failure an admin must act on differently is its own class with a stable `code`,
 * a `retryable` flag that the one retry policy of each client reads, and a message that
 * says what to do. Messages never carry secrets: callers pass names, never values.
 */
const MARKER = Symbol.for('ta-ser-mail.error');

export interface AddonErrorOptions {
  retryable?: boolean;
  cause?: unknown;
}

export class AddonError extends Error {
  readonly [MARKER] = true;
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: AddonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  static isInstance(value: unknown): value is AddonError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

/** A configuration value is missing or wrong; the message names the setting. */
export class ConfigError extends AddonError {
  constructor(message: string, options?: AddonErrorOptions) {
    super('CONFIG_INVALID', message, options);
  }
}

/** A stored checkpoint cannot be read; never silently restart from zero. */
export class CheckpointError extends AddonError {
  readonly file: string;
  constructor(file: string, message: string, options?: AddonErrorOptions) {
    super('CHECKPOINT_UNREADABLE', message, options);
    this.file = file;
  }
}

/** The peer's certificate did not verify against the configured CA. */
export class TlsVerificationError extends AddonError {
  constructor(target: string, options?: AddonErrorOptions) {
    super(
      'TLS_VERIFY_FAILED',
      `TLS verification of ${target} failed: set the CA file that signed its certificate (or, for a test system only, the insecure switch)`,
      options,
    );
  }
}

/** Delivery was abandoned: the events named by `count` did not reach their destination. */
export class UndeliveredError extends AddonError {
  readonly count: number;
  constructor(count: number, message: string, options?: AddonErrorOptions) {
    super('UNDELIVERED', message, options);
    this.count = count;
  }
}

/** Turns any thrown value into one readable line (no stack), for stderr and logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = AddonError.isInstance(err) ? `${err.code}: ` : '';
    const cause = err.cause instanceof Error && !err.message.includes(err.cause.message) ? ` (${err.cause.message})` : '';
    return `${code}${err.message}${cause}`;
  }
  return String(err);
}

/** Maps Node's TLS verification error codes to TlsVerificationError; anything else passes through. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

export function isTlsVerificationFailure(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && TLS_CODES.has(code)) return true;
  }
  return false;
}
