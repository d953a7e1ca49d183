import { z } from 'zod';

/**
 * The connector's wire format (Yva Mails and Users APIs), as zod schemas. Tolerant where the
 * specification says "may be null or empty" and where .NET serialisers differ (7-digit
 * fractions, missing offsets, enum names in any case or as numbers); strict where a value is
 * needed to make a correct event (owner, sentAt, isSent).
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in `n` decimal digits at `i`, or -1. */
function digitsAt(t: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = t.charCodeAt(i + k) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch milliseconds of an ISO 8601 date-time (`YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|±HH[:]MM]`),
 * or undefined. A value without an offset is taken as UTC (.NET writes DateTimeKind.Unspecified
 * that way); impossible dates (Feb 30, hour 24) are refused rather than rolled over. Hand-made
 * rather than a regex: it runs twice per message on the receiver's hot path.
 */
export function parseDateTime(text: string): number | undefined {
  const t = text.trim();
  if (t.length < 19) return undefined;
  const sep = t.charCodeAt(10);
  if (t[4] !== '-' || t[7] !== '-' || t[13] !== ':' || t[16] !== ':' || (sep !== 84 && sep !== 116 && sep !== 32)) return undefined; // T t space
  const y = digitsAt(t, 0, 4);
  const mo = digitsAt(t, 5, 2);
  const d = digitsAt(t, 8, 2);
  const h = digitsAt(t, 11, 2);
  const mi = digitsAt(t, 14, 2);
  const s = digitsAt(t, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  let i = 19;
  let ms = 0;
  if (t[i] === '.') {
    const start = ++i;
    while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
    const n = i - start;
    if (n < 1 || n > 9) return undefined;
    ms = digitsAt(t, start, Math.min(3, n)) * (n >= 3 ? 1 : n === 2 ? 10 : 100);
  }
  let offsetMin = 0;
  if (i < t.length) {
    const z = t[i];
    if (z === 'Z' || z === 'z') i++;
    else if (z === '+' || z === '-') {
      const hh = digitsAt(t, i + 1, 2);
      let j = i + 3;
      if (t[j] === ':') j++;
      const mm = digitsAt(t, j, 2);
      if (hh < 0 || mm < 0 || mm > 59) return undefined;
      offsetMin = (z === '-' ? -1 : 1) * (hh * 60 + mm);
      i = j + 2;
    } else return undefined;
  }
  if (i !== t.length) return undefined;
  const out = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  return out >= 0 ? out : undefined;
}

/**
 * The wire schemas check types only: zod compiles plain object schemas into fast code, and
 * transforms would cost 8x on a 500-message request. Values that need more than a type
 * check (dates, importance, body type) are checked by `valueIssues`, and `normalize*` turns
 * the wire shape into the typed messages the mappers take.
 */
const text = z.string().nullish();

export const mailAddressSchema = z.object({
  displayName: text.describe('display name, e.g. Иван Петров'),
  address: text.describe('SMTP (or Exchange X.500) address'),
});
const addressList = z.array(mailAddressSchema).nullish();

export const mailMessageSchema = z.object({
  id: text.describe('the source system\'s message id (EWS ItemId); may be null'),
  sentAt: z.string().describe('when the message was sent: ISO 8601, e.g. 2018-12-08T05:50:49.360Z (no offset = UTC)'),
  receivedAt: text.describe('when the message was received; may be null'),
  from: mailAddressSchema.nullish().describe('the sender'),
  to: addressList.describe('To recipients; null or empty allowed'),
  cc: addressList.describe('Cc recipients; null or empty allowed'),
  bcc: addressList.describe('Bcc recipients; null or empty allowed'),
  importance: z.union([z.string(), z.number()]).nullish().describe('low | normal | high (any case, or the .NET enum number 0/1/2); may be null'),
  threadId: text.describe('conversation id; null or empty allowed'),
  subject: text.describe('subject; null or empty allowed'),
  body: z.object({ contentType: text.describe('text or html'), content: text.describe('the body') }).nullish().describe('the body (dropped by default)'),
  headers: z.array(z.object({ name: z.string().min(1, 'a header needs a name'), value: text })).nullish().describe('message headers; null or empty allowed'),
  isFlagged: z.boolean().nullish().describe('flagged, when the source knows'),
  isSent: z.boolean({ message: 'expected true (sent by the owner) or false (received)' }).describe('sent by the mailbox owner (true) or received (false)'),
  isAutomatic: z.boolean().nullish().describe('automatic mail, when the source knows'),
  size: z.number().int().nonnegative().nullish().describe('not in the published API: the message size in bytes (EWS Item.Size), taken when a connector sends it'),
});

export const mailsPayloadSchema = z.object({
  ownerIdentity: z.object({
    type: text.describe('kind of identity, e.g. email'),
    value: z.string().regex(/\S/, 'the owner mailbox is required').describe('the mailbox the messages were read from'),
  }),
  mailMessages: z.array(mailMessageSchema).describe('the messages (the EWS connector sends 10 per call)'),
});

export const identitySchema = z.object({ type: text, value: text });

export const directoryUserSchema = z.object({
  id: text.describe('directory id (objectGUID)'),
  loginEmail: z.string().regex(/\S/, 'a user needs a loginEmail').describe('login e-mail'),
  identities: z.array(identitySchema).nullish().describe('other identities (type, value)'),
  firstName: text,
  lastName: text,
  displayName: text,
  jobTitle: text,
  department: text,
  timeZoneOffset: text,
});

export const usersPayloadSchema = z.object({
  users: z.array(directoryUserSchema),
});

type WireMails = z.infer<typeof mailsPayloadSchema>;
type WireMessage = z.infer<typeof mailMessageSchema>;
type WireUsers = z.infer<typeof usersPayloadSchema>;

const IMPORTANCE = ['low', 'normal', 'high'] as const;
export type Importance = (typeof IMPORTANCE)[number];

/** "low" | "Low" | 0 (the .NET enum's order: Low, Normal, High) → "low"; null when not one of them. */
function importanceOf(v: string | number): Importance | null {
  const word = typeof v === 'number' ? IMPORTANCE[v] : (v.toLowerCase() as Importance);
  return word !== undefined && IMPORTANCE.includes(word) ? word : null;
}

const BODY_TYPES = new Set(['text', 'html']);

export interface ValueIssue {
  path: Array<string | number>;
  message: string;
}

const dateMessage = (v: string) => `expected an ISO 8601 date-time such as 2018-12-08T05:50:49.360Z, got "${v.slice(0, 60)}"`;

/** The same value checks on the raw value, for a payload whose types already failed (so every bad field is named at once). */
export function valueIssues(raw: unknown): ValueIssue[] {
  const out: ValueIssue[] = [];
  const list = (raw as { mailMessages?: unknown } | null)?.mailMessages;
  if (!Array.isArray(list)) return out;
  list.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) return;
    const r = m as Record<string, unknown>;
    if (typeof r.sentAt === 'string' && parseDateTime(r.sentAt) === undefined) out.push({ path: ['mailMessages', i, 'sentAt'], message: dateMessage(r.sentAt) });
    if (typeof r.receivedAt === 'string' && r.receivedAt !== '' && parseDateTime(r.receivedAt) === undefined) {
      out.push({ path: ['mailMessages', i, 'receivedAt'], message: dateMessage(r.receivedAt) });
    }
    if ((typeof r.importance === 'string' && r.importance !== '') || typeof r.importance === 'number') {
      if (importanceOf(r.importance) === null) out.push({ path: ['mailMessages', i, 'importance'], message: `expected low, normal or high, got ${JSON.stringify(r.importance)}` });
    }
    const ct = (r.body as Record<string, unknown> | null | undefined)?.contentType;
    if (typeof ct === 'string' && ct !== '' && !BODY_TYPES.has(ct.toLowerCase())) {
      out.push({ path: ['mailMessages', i, 'body', 'contentType'], message: `expected text or html, got ${JSON.stringify(ct.slice(0, 40))}` });
    }
  });
  return out;
}

/** null, undefined and "" all mean "absent". */
const opt = (v: string | null | undefined): string | undefined => (v === null || v === undefined || v === '' ? undefined : v);

export interface MailAddress {
  displayName?: string;
  address?: string;
}

export interface MailMessage {
  id?: string;
  /** Epoch milliseconds. */
  sentAt: number;
  receivedAt?: number;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  importance?: Importance;
  threadId?: string;
  subject?: string;
  body?: { contentType: 'text' | 'html'; content: string };
  headers: Array<{ name: string; value: string }>;
  isFlagged?: boolean;
  isSent: boolean;
  isAutomatic?: boolean;
  /** Bytes, when the connector sent a size. */
  size?: number;
}

export interface MailsPayload {
  ownerIdentity: { type?: string; value: string };
  mailMessages: MailMessage[];
}

export interface DirectoryUser {
  id?: string;
  loginEmail: string;
  identities: Array<{ type?: string; value?: string }>;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  jobTitle?: string;
  department?: string;
  timeZoneOffset?: string;
}

export interface UsersPayload {
  users: DirectoryUser[];
}

const address = (a: { displayName?: string | null; address?: string | null }): MailAddress => ({ displayName: opt(a.displayName), address: opt(a.address) });
const addresses = (l: Array<{ displayName?: string | null; address?: string | null }> | null | undefined): MailAddress[] => (l ? l.map(address) : []);

/**
 * Wire message (types already checked by the schema) → typed message. Values that fail their
 * check are reported to `issues` (one pass: a date is parsed once) and left undefined.
 */
export function normalizeMessage(m: WireMessage, at: number, issues: ValueIssue[]): MailMessage {
  const sentAt = parseDateTime(m.sentAt);
  if (sentAt === undefined) issues.push({ path: ['mailMessages', at, 'sentAt'], message: dateMessage(m.sentAt) });
  const receivedText = opt(m.receivedAt);
  const receivedAt = receivedText === undefined ? undefined : parseDateTime(receivedText);
  if (receivedText !== undefined && receivedAt === undefined) issues.push({ path: ['mailMessages', at, 'receivedAt'], message: dateMessage(receivedText) });
  let importance: Importance | undefined;
  if (m.importance !== null && m.importance !== undefined && m.importance !== '') {
    importance = importanceOf(m.importance) ?? undefined;
    if (importance === undefined) issues.push({ path: ['mailMessages', at, 'importance'], message: `expected low, normal or high, got ${JSON.stringify(m.importance)}` });
  }
  let body: MailMessage['body'];
  if (m.body) {
    const ct = opt(m.body.contentType)?.toLowerCase() ?? 'text';
    if (!BODY_TYPES.has(ct)) issues.push({ path: ['mailMessages', at, 'body', 'contentType'], message: `expected text or html, got ${JSON.stringify(ct.slice(0, 40))}` });
    body = { contentType: ct === 'html' ? 'html' : 'text', content: m.body.content ?? '' };
  }
  return {
    id: opt(m.id),
    sentAt: sentAt ?? 0,
    receivedAt,
    from: m.from ? address(m.from) : undefined,
    to: addresses(m.to),
    cc: addresses(m.cc),
    bcc: addresses(m.bcc),
    importance,
    threadId: opt(m.threadId),
    subject: opt(m.subject),
    body,
    headers: m.headers ? m.headers.map((h) => ({ name: h.name, value: h.value ?? '' })) : [],
    isFlagged: m.isFlagged ?? undefined,
    isSent: m.isSent,
    isAutomatic: m.isAutomatic ?? undefined,
    size: m.size ?? undefined,
  };
}

/** Typed payload, or the value issues that make it unacceptable. */
export function normalizeMails(p: WireMails): { payload: MailsPayload; issues: ValueIssue[] } {
  const issues: ValueIssue[] = [];
  const mailMessages = p.mailMessages.map((m, i) => normalizeMessage(m, i, issues));
  return { payload: { ownerIdentity: { type: opt(p.ownerIdentity.type), value: p.ownerIdentity.value.trim() }, mailMessages }, issues };
}

export function normalizeUsers(p: WireUsers): UsersPayload {
  return {
    users: p.users.map((u) => ({
      id: opt(u.id),
      loginEmail: u.loginEmail.trim(),
      identities: (u.identities ?? []).map((i) => ({ type: opt(i.type), value: opt(i.value) })),
      firstName: opt(u.firstName),
      lastName: opt(u.lastName),
      displayName: opt(u.displayName),
      jobTitle: opt(u.jobTitle),
      department: opt(u.department),
      timeZoneOffset: opt(u.timeZoneOffset),
    })),
  };
}

export type PayloadKind = 'mails' | 'users';
