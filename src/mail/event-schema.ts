import { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';

/**
 * The bodies of the events this source emits, keyed by sourcetype. The dashboards' consistency
 * test reads the field names from here, and the mapper tests check every golden output
 * against them, so a field cannot be renamed in one place only.
 */
const multi = z.array(z.string());

export const mailMessageEventSchema = z.object({
  action: z.literal('delivered').describe('CIM action: the connector saw the message in a mailbox, so it was delivered'),
  protocol: z.enum(['mapi', 'smtp', 'imap', 'pop3']).describe('CIM protocol: mapi for Exchange read over EWS'),
  vendor_product: z.string().describe('CIM vendor_product'),
  user: z.string().describe('CIM user: the mailbox owner the connector read the message from'),
  owner: z.string().describe('the mailbox owner (ownerIdentity.value) as the connector sent it'),
  owner_type: z.string().optional().describe('ownerIdentity.type, e.g. email'),
  message_uid: z.string().describe('the message, not the mailbox copy: every copy of one message (sender\'s Sent Items, each recipient\'s Inbox) has the same value. The Message-ID header without <>, its domain part in lower case; without one, derived: + a hash of the From address, sentAt, subject and the To/Cc addresses (lower case, sorted). Count messages with dc(message_uid); event_id stays per mailbox copy'),
  direction: z.enum(['inbound', 'outbound', 'internal']).describe('from the organisation\'s domains (org_domains of the input; empty: the mailbox owner\'s domain): inbound = sender outside; outbound = sender inside and a recipient outside; internal = sender and every recipient inside'),
  is_sent: z.boolean().describe('this copy is in the sender\'s mailbox (the connector\'s isSent): the owner sent it; false: the owner received it'),
  internal_message_id: z.string().optional().describe('CIM internal_message_id: the source system\'s id (EWS ItemId); absent when the connector sent null'),
  message_id: z.string().optional().describe('CIM message_id: the Message-ID header'),
  xref: z.string().optional().describe('CIM xref: the thread (conversation) id'),
  src_user: z.string().optional().describe('CIM src_user: the From address'),
  src_user_name: z.string().optional().describe('display name of the sender'),
  src_user_domain: z.string().optional().describe('CIM src_user_domain: the From address\'s domain, lower case (the owner\'s for a sent copy without From)'),
  src: z.string().optional().describe('CIM src: the sending client\'s IP from an X-Originating-IP header; absent otherwise (the connector does not know the sending system). No dest: the connector does not know the receiving system either'),
  return_addr: z.string().optional().describe('CIM return_addr: the Return-Path header when present, else the From address'),
  recipient: multi.describe('CIM recipient: every To, Cc and Bcc address'),
  recipient_count: z.number().int().nonnegative().describe('CIM recipient_count = mvcount(recipient)'),
  recipient_to: multi.describe('To addresses'),
  recipient_cc: multi.describe('Cc addresses'),
  recipient_bcc: multi.describe('Bcc addresses'),
  recipient_name: multi.describe('display names of the recipients that have one'),
  recipient_domain: multi.describe('CIM recipient_domain: the distinct domains of the To, Cc and Bcc addresses, lower case (the owner\'s domain for a received copy that lists no recipient)'),
  subject: z.string().optional().describe('CIM subject'),
  importance: z.enum(['low', 'normal', 'high']).optional().describe('the message importance'),
  flags: multi.describe('flagged and/or automatic, when the source knows'),
  is_flagged: z.boolean().optional().describe('isFlagged; absent when the source does not know'),
  is_automatic: z.boolean().optional().describe('isAutomatic; absent when the source does not know'),
  sent_time: z.string().describe('sentAt, ISO 8601 UTC'),
  received_time: z.string().optional().describe('receivedAt, ISO 8601 UTC'),
  size: z.number().int().nonnegative().optional().describe('CIM size: the message size in bytes, only when the connector sends one (the published Mails API has no size field)'),
  body_content_type: z.enum(['text', 'html']).optional().describe('body format (body_policy other than drop)'),
  body_length: z.number().int().nonnegative().optional().describe('characters of the original body (body_policy other than drop)'),
  body_sha256: z.string().optional().describe('hex SHA-256 of the body (body_policy = sha256)'),
  body: z.string().optional().describe('the body, whole (keep) or cut (truncate)'),
  body_truncated: z.boolean().optional().describe('whether truncate cut the body'),
}).describe('one mail message (plus header_<name> fields for allow-listed headers: name lower case, non-alphanumerics as _)');

/** Allow-listed headers become `header_<name>` fields; these are outside the fixed shape above. */
export const HEADER_FIELD_PREFIX = 'header_';

export const mailUserEventSchema = z.object({
  vendor_product: z.string().describe('where the identity came from'),
  user_id: z.string().optional().describe('directory id (objectGUID)'),
  email: z.string().describe('login e-mail (ES identity: email)'),
  identity: multi.describe('ES identity: login e-mail, its local part and every other identity value'),
  identities: multi.describe('the connector\'s identities as type:value'),
  first: z.string().optional().describe('given name (ES identity: first)'),
  last: z.string().optional().describe('surname (ES identity: last)'),
  display_name: z.string().optional().describe('display name'),
  title: z.string().optional().describe('job title'),
  bunit: z.string().optional().describe('department (ES identity: bunit)'),
  time_zone_offset: z.string().optional().describe('the user\'s time-zone offset as the connector sent it'),
});

export const eventSchemas = {
  [SOURCETYPES.mailMessage]: mailMessageEventSchema,
  [SOURCETYPES.mailUser]: mailUserEventSchema,
} as const;

export type MailMessageEvent = z.infer<typeof mailMessageEventSchema>;
export type MailUserEvent = z.infer<typeof mailUserEventSchema>;
