import { z } from 'zod';

/**
 * The connector's wire format (Yva Mails and Users APIs), as zod schemas. Tolerant where the
 * specification says "may be null or empty" and where .NET serialisers differ (7-digit
 * fractions, missing offsets, enum names in any case or as numbers); strict where a value is
 * needed to make a correct event (owner, sentAt, isSent).
 */

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch milliseconds of an ISO 8601 date-time, or undefined. A value without an offset is
 * taken as UTC (.NET writes DateTimeKind.Unspecified that way); impossible dates (Feb 30) are
 * refused rather than rolled over.
 */
export function parseDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    return undefined;
  }
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const out = base - offsetMin * 60_000;
  return out >= 0 ? out : undefined;
}

const dateTime = z.string().transform((v, ctx): number => {
  const ms = parseDateTime(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 date-time such as 2018-12-08T05:50:49.360Z, got "${v.slice(0, 60)}"` });
    return z.NEVER;
  }
  return ms;
});

/** null, undefined and "" all mean "absent". */
const optionalString = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

export const mailAddressSchema = z.object({
  displayName: optionalString.describe('display name, e.g. Иван Петров'),
  address: optionalString.describe('SMTP (or Exchange X.500) address'),
});

const addressList = z
  .array(mailAddressSchema)
  .nullish()
  .transform((v) => v ?? []);

const IMPORTANCE = ['low', 'normal', 'high'] as const;
export type Importance = (typeof IMPORTANCE)[number];

/** "low" | "Low" | 0 (the .NET enum's order: Low, Normal, High) → "low". */
const importance = z
  .union([z.string(), z.number().int()])
  .nullish()
  .transform((v, ctx): Importance | undefined => {
    if (v === null || v === undefined || v === '') return undefined;
    const word = typeof v === 'number' ? IMPORTANCE[v] : (v.toLowerCase() as Importance);
    if (word !== undefined && IMPORTANCE.includes(word)) return word;
    ctx.addIssue({ code: 'custom', message: `expected low, normal or high, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });

const bodySchema = z
  .object({
    contentType: z
      .string()
      .nullish()
      .transform((v) => (v ? v.toLowerCase() : 'text'))
      .pipe(z.enum(['text', 'html'], { message: 'expected text or html' })),
    content: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
  })
  .nullish()
  .transform((v) => v ?? undefined);

const headerSchema = z.object({
  name: z.string().min(1, 'a header needs a name'),
  value: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});

export const mailMessageSchema = z.object({
  id: optionalString.describe('the source system\'s message id (EWS ItemId); may be null'),
  sentAt: dateTime.describe('when the message was sent'),
  receivedAt: dateTime.nullish().transform((v) => v ?? undefined).describe('when the message was received; may be null'),
  from: mailAddressSchema.nullish().transform((v) => v ?? undefined),
  to: addressList,
  cc: addressList,
  bcc: addressList,
  importance,
  threadId: optionalString,
  subject: optionalString,
  body: bodySchema,
  headers: z
    .array(headerSchema)
    .nullish()
    .transform((v) => v ?? []),
  isFlagged: z.boolean().nullish().transform((v) => v ?? undefined),
  isSent: z.boolean({ message: 'expected true (sent by the owner) or false (received)' }),
  isAutomatic: z.boolean().nullish().transform((v) => v ?? undefined),
});

export const mailsPayloadSchema = z.object({
  ownerIdentity: z.object({
    type: optionalString.describe('kind of identity, e.g. email'),
    value: z.string().trim().min(1, 'the owner mailbox is required'),
  }),
  mailMessages: z.array(mailMessageSchema),
});

export const identitySchema = z.object({
  type: optionalString,
  value: optionalString,
});

export const directoryUserSchema = z.object({
  id: optionalString.describe('directory id (objectGUID)'),
  loginEmail: z.string().trim().min(1, 'a user needs a loginEmail'),
  identities: z
    .array(identitySchema)
    .nullish()
    .transform((v) => v ?? []),
  firstName: optionalString,
  lastName: optionalString,
  displayName: optionalString,
  jobTitle: optionalString,
  department: optionalString,
  timeZoneOffset: optionalString,
});

export const usersPayloadSchema = z.object({
  users: z.array(directoryUserSchema),
});

export type MailAddress = z.infer<typeof mailAddressSchema>;
export type MailMessage = z.infer<typeof mailMessageSchema>;
export type MailsPayload = z.infer<typeof mailsPayloadSchema>;
export type DirectoryUser = z.infer<typeof directoryUserSchema>;
export type UsersPayload = z.infer<typeof usersPayloadSchema>;

export type PayloadKind = 'mails' | 'users';
