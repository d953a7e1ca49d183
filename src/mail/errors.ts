import { AddonError, type AddonErrorOptions } from '../core/errors.js';

/** One bad field of a payload: `mailMessages[3].sentAt` and what is wrong with it. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/**
 * A request body or DataPath file that cannot be accepted as a whole (not JSON, wrong shape).
 * The connector gets it as a 400 naming every bad field; nothing of it is forwarded.
 */
export class PayloadError extends AddonError {
  readonly issues: readonly PayloadIssue[];
  /** `code`: MAIL_PAYLOAD_INVALID unless a more precise MAIL_* code says what is wrong (MAIL_JSON_TOO_DEEP, MAIL_INVALID_UTF8). */
  constructor(message: string, issues: readonly PayloadIssue[] = [], options?: AddonErrorOptions & { code?: string }) {
    super(options?.code ?? 'MAIL_PAYLOAD_INVALID', message, options);
    this.issues = issues;
  }
}

/**
 * One message would make an event Splunk cuts (props.conf TRUNCATE of mail:message): the
 * request is refused with 413 naming what made it large, since no retry can help.
 */
export class EventTooLargeError extends PayloadError {
  constructor(message: string, issues: readonly PayloadIssue[]) {
    super(message, issues, { code: 'MAIL_EVENT_TOO_LARGE' });
  }
}

/** The bearer token was missing, malformed, forged, expired or for someone else. */
export class AuthError extends AddonError {
  constructor(message: string, options?: AddonErrorOptions) {
    super('MAIL_AUTH_REFUSED', message, options);
  }
}

/** A whitelist/blacklist file cannot be read or is not a JSON array of addresses. */
export class MailboxListError extends AddonError {
  readonly file: string;
  constructor(file: string, message: string, options?: AddonErrorOptions) {
    super('MAIL_MAILBOX_LIST_INVALID', message, options);
    this.file = file;
  }
}

/** The sink refused an event for its size (the HEC sink's HEC_EVENT_TOO_LARGE, known by code: sources do not import sinks). */
export function isEventTooLarge(err: unknown): boolean {
  return AddonError.isInstance(err) && err.code === 'HEC_EVENT_TOO_LARGE';
}
