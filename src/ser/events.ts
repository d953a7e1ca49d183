import { createHash } from 'node:crypto';
import { eventId, toEpochSeconds, type SplunkEvent } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import type { SerCoverageEvent, SerEntitlementEvent, SerSummaryEvent } from './event-schema.js';
import type { AppUserCounts, Entitlement } from './reply.js';
import type { Window } from './windows.js';

/** Pure mappers: a parsed SER reply → events. No I/O, so they are tested against golden JSON. */

export interface EventContext {
  account: string;
  /** `source` of every event (the input's name). */
  source?: string;
  host?: string;
  index?: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function envelope(ctx: EventContext, sourcetype: string, timeMs: number, id: string, body: Record<string, unknown>): SplunkEvent {
  const e: SplunkEvent = { time: toEpochSeconds(timeMs), sourcetype, event: body, id };
  if (ctx.source) e.source = ctx.source;
  if (ctx.host) e.host = ctx.host;
  if (ctx.index) e.index = ctx.index;
  return e;
}

/**
 * The identity of an application user: the full tuple the documents give (applicationName and
 * applicationUserName are display names; two users may share them and differ in fromEnvelope or
 * fromHeader). A short hash so SPL can group by one field (`app_user_key`).
 */
export function appUserKey(u: Pick<AppUserCounts, 'application_name' | 'application_user' | 'from_envelope' | 'from_header'>): string {
  return eventId('app-user', u.application_name, u.application_user, u.from_envelope ?? '\u0000', u.from_header ?? '\u0000').slice(0, 16);
}

function tupleOrder(u: AppUserCounts): string {
  return [u.application_name, u.application_user, u.from_envelope ?? '', u.from_header ?? ''].join('\u001f');
}

/** Application users in a stable order, so hashes and event order do not depend on SER's order. */
function sorted(users: readonly AppUserCounts[]): AppUserCounts[] {
  const keyed = users.map((u) => [tupleOrder(u), appUserKey(u), u] as const);
  // Code-unit order, not localeCompare: the same on every host, whatever its locale.
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return keyed.map((k) => k[2]);
}

const SUMMED = ['success', 'failure', 'temp_failure', 'partial_success', 'in_progress', 'total', 'recipients_total', 'message_size_total', 'delivered_size_total'] as const;

/**
 * Users whose whole tuple is the same (two SMTP-AUTH UIDs behind identical display names and
 * addresses: the UID is not in the reply) cannot be told apart, and two events with one id would
 * lose one to `dedup`: their numbers are summed into one row, so the window's totals stay true.
 */
export function mergeSameTuple(users: readonly AppUserCounts[]): AppUserCounts[] {
  const byKey = new Map<string, AppUserCounts>();
  for (const u of users) {
    const key = appUserKey(u);
    const had = byKey.get(key);
    if (!had) {
      byKey.set(key, u);
      continue;
    }
    const m: AppUserCounts = { ...had, dsn: { ...had.dsn }, extra: { ...had.extra } };
    for (const f of SUMMED) {
      if (had[f] !== undefined || u[f] !== undefined) (m as unknown as Record<string, number>)[f] = (had[f] ?? 0) + (u[f] ?? 0);
    }
    for (const [cls, n] of Object.entries(u.dsn)) m.dsn[cls] = (m.dsn[cls] ?? 0) + n;
    byKey.set(key, m);
  }
  return [...byKey.values()];
}

/** A short digest of a window's numbers: a re-read that yields the same digest is not re-emitted. */
export function windowDigest(users: readonly AppUserCounts[]): string {
  const h = createHash('sha256');
  for (const u of sorted(users)) h.update(JSON.stringify([u.application_name, u.application_user, u.from_envelope, u.from_header, u.success, u.failure, u.temp_failure, u.partial_success, u.in_progress, u.total, u.recipients_total, u.message_size_total, u.delivered_size_total, u.dsn]));
  return h.digest('hex').slice(0, 16);
}

/** One summary event per application user plus the window's coverage event. */
export function windowEvents(ctx: EventContext, w: Window, revision: number, collectedAtMs: number, users: readonly AppUserCounts[]): SplunkEvent[] {
  const common = {
    account: ctx.account,
    window_start: iso(w.start),
    window_end: iso(w.end),
    window_seconds: Math.round((w.end - w.start) / 1000),
    revision,
    collected_at: iso(collectedAtMs),
  };
  const out: SplunkEvent[] = [];
  let total = 0;
  let bytes = 0;
  for (const u of sorted(mergeSameTuple(users))) {
    const key = appUserKey(u);
    const body: SerSummaryEvent = {
      ...common,
      app_user_key: key,
      application_name: u.application_name,
      application_user: u.application_user,
      success: u.success,
      failure: u.failure,
      temp_failure: u.temp_failure,
      total: u.total,
    };
    if (u.from_envelope !== undefined) body.from_envelope = u.from_envelope;
    if (u.from_header !== undefined) body.from_header = u.from_header;
    if (u.partial_success !== undefined) body.partial_success = u.partial_success;
    if (u.in_progress !== undefined) body.in_progress = u.in_progress;
    if (u.recipients_total !== undefined) body.recipients_total = u.recipients_total;
    if (u.message_size_total !== undefined) body.message_size_total = u.message_size_total;
    if (u.delivered_size_total !== undefined) body.delivered_size_total = u.delivered_size_total;
    for (const [cls, n] of Object.entries(u.dsn)) (body as Record<string, unknown>)[`dsn_${cls}`] = n;
    if (Object.keys(u.extra).length > 0) body.extra = u.extra;
    total += u.total;
    bytes += u.message_size_total ?? 0;
    // Identity: account + window + revision + the full tuple (through its key).
    const id = eventId(ctx.account, w.start, w.end, key, revision);
    out.push(envelope(ctx, SOURCETYPES.serSummary, w.start, id, body as unknown as Record<string, unknown>));
  }
  const coverage: SerCoverageEvent = { ...common, application_users: out.length, total, message_size_total: bytes };
  out.push(envelope(ctx, SOURCETYPES.serCoverage, w.start, eventId('coverage', ctx.account, w.start, w.end, revision), coverage as unknown as Record<string, unknown>));
  return out;
}

/**
 * Licence usage from a reply covering license_start → now: the sum of every application user's
 * messageSizeTotal. Known only when every user carries the field; a sum that treated a missing
 * size as 0 would under-state the usage, so then (and for an empty or absent list) it is unknown.
 */
export function licenceUsedBytes(users: readonly AppUserCounts[]): number | undefined {
  if (users.length === 0 || users.some((u) => u.message_size_total === undefined)) return undefined;
  return users.reduce((a, u) => a + u.message_size_total!, 0);
}

export interface EntitlementFacts {
  entitlement?: Entitlement;
  /** messageSizeTotal of every application user since license_start, when known. */
  usedBytes?: number;
  keyExpiresMs?: number;
}

/** The entitlement event of one poll cycle. */
export function entitlementEvent(ctx: EventContext, collectedAtMs: number, f: EntitlementFacts): SplunkEvent {
  const body: SerEntitlementEvent = { account: ctx.account, collected_at: iso(collectedAtMs) };
  const e = f.entitlement;
  if (e?.annual_throughput !== undefined) body.annual_throughput = e.annual_throughput;
  if (e?.license_start !== undefined) body.license_start = iso(e.license_start);
  if (e?.license_end !== undefined) body.license_end = iso(e.license_end);
  if (f.usedBytes !== undefined) {
    body.license_used_bytes = f.usedBytes;
    if (typeof e?.annual_throughput === 'number' && e.annual_throughput > 0) body.license_used_ratio = f.usedBytes / e.annual_throughput;
  }
  if (f.keyExpiresMs !== undefined) body.key_expires = iso(f.keyExpiresMs);
  return envelope(ctx, SOURCETYPES.serEntitlement, collectedAtMs, eventId('entitlement', ctx.account, collectedAtMs), body as unknown as Record<string, unknown>);
}
