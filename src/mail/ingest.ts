import type { SplunkEvent } from '../core/event.js';
import { headerAllowList, orgDomains, type MailInputConfig } from './config.js';
import type { MailboxFilter } from './mailbox-filter.js';
import { mapMessage, type MessageMapOptions } from './map-message.js';
import { mapUser, type UserMapOptions } from './map-user.js';
import { EventTooLargeError } from './errors.js';
import { explainTooLarge, firstOversized, TRUNCATE_LIMIT } from './event-size.js';
import { validatePayload } from './parse.js';
import type { PayloadKind } from './payload.js';

/** What one request (or one DataPath file) becomes: the events to deliver and what was dropped. */
export interface Ingested {
  kind: PayloadKind;
  events: SplunkEvent[];
  /** Messages whose owner the allow/deny lists refused: counted, never forwarded. */
  dropped: number;
  owner?: string;
}

export interface IngestOptions {
  message: MessageMapOptions;
  user: UserMapOptions;
  filter?: MailboxFilter;
}

export function ingestOptions(config: Omit<MailInputConfig, 'auth_secret'>, inputName: string): IngestOptions {
  const source = config.source ?? `mail_metadata://${inputName}`;
  const common = { index: config.index, source, host: config.host };
  return {
    message: {
      ...common,
      bodyPolicy: config.body_policy,
      bodyTruncateChars: config.body_truncate_chars,
      headerAllowList: headerAllowList(config),
      vendorProduct: config.vendor_product,
      protocol: config.protocol,
      orgDomains: orgDomains(config),
    },
    user: common,
  };
}

/**
 * Parsed JSON → events, all-or-nothing: the whole payload is validated before anything is
 * mapped, so an invalid request throws PayloadError and yields no event at all.
 */
export function ingest(kind: PayloadKind, value: unknown, o: IngestOptions, nowMs: number): Ingested {
  const parsed = validatePayload(kind, value);
  if (parsed.kind === 'users') {
    const events = parsed.payload.users.map((u) => mapUser(u, nowMs, o.user));
    refuseOversized(kind, events);
    return { kind, events, dropped: 0 };
  }
  const { ownerIdentity: owner, mailMessages } = parsed.payload;
  if (o.filter && !o.filter.allows(owner.value)) {
    return { kind, events: [], dropped: mailMessages.length, owner: owner.value };
  }
  const events = mailMessages.map((m) => mapMessage(owner, m, o.message));
  refuseOversized(kind, events);
  return { kind, events, dropped: 0, owner: owner.value };
}

/** An event Splunk would cut makes the whole payload unacceptable (all-or-nothing), naming what made it large. */
function refuseOversized(kind: PayloadKind, events: readonly SplunkEvent[]): void {
  const at = firstOversized(events);
  if (at < 0) return;
  const message = explainTooLarge(events, TRUNCATE_LIMIT, kind, at);
  throw new EventTooLargeError(message, [{ path: kind === 'mails' ? `mailMessages[${at}]` : `users[${at}]`, message }]);
}
