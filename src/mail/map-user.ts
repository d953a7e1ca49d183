import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import type { DirectoryUser } from './payload.js';

export interface UserMapOptions {
  vendorProduct?: string;
  index?: string;
  source?: string;
  host?: string;
}

export const USER_VENDOR_PRODUCT = 'Microsoft Active Directory (Yva AD connector)';

/**
 * One directory user → one identity event (fields named as Enterprise Security's identity
 * lookup names them). A user has no timestamp of its own: `_time` is when it was received.
 * The id covers the content, so a retry repeats the id and a changed user gets a new one.
 */
export function mapUser(u: DirectoryUser, receivedAtMs: number, o: UserMapOptions = {}): SplunkEvent {
  const local = u.loginEmail.includes('@') ? u.loginEmail.slice(0, u.loginEmail.lastIndexOf('@')) : undefined;
  const identityValues = u.identities.flatMap((i) => (i.value ? [i.value] : []));
  const body: Record<string, unknown> = {
    vendor_product: o.vendorProduct ?? USER_VENDOR_PRODUCT,
    user_id: u.id,
    email: u.loginEmail,
    identity: [...new Set([u.loginEmail, ...(local ? [local] : []), ...identityValues])],
    identities: u.identities.flatMap((i) => (i.value ? [`${i.type ?? 'unknown'}:${i.value}`] : [])),
    first: u.firstName,
    last: u.lastName,
    display_name: u.displayName,
    title: u.jobTitle,
    bunit: u.department,
    time_zone_offset: u.timeZoneOffset,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  const event: SplunkEvent = {
    time: toEpochSeconds(receivedAtMs),
    sourcetype: SOURCETYPES.mailUser,
    event: body,
    id: eventId(SOURCETYPES.mailUser, u.id ?? u.loginEmail.toLowerCase(), JSON.stringify(body)),
  };
  if (o.index) event.index = o.index;
  if (o.source) event.source = o.source;
  if (o.host) event.host = o.host;
  return event;
}
