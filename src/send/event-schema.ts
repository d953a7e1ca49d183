import { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';

/**
 * The audit event of one secure-send outcome: CIM Email (delivery) fields plus the
 * modular-action fields (action_name, action_status, sid, search_name, signature). Never the
 * body or the mailbox secret; when the message was encrypted, a sha256 of the subject instead.
 */
export const sendAuditSchema = z.object({
  action_name: z.literal('ser_secure_send').describe('modular action name'),
  action_status: z.enum(['success', 'failure']).describe('modular action outcome'),
  action_mode: z.enum(['saved', 'adhoc']).describe('saved search or ad hoc run'),
  signature: z.string().describe('one-line outcome: the service reply message or our error'),
  sid: z.string().describe('search id of the run that fired the alert'),
  search_name: z.string().describe('saved search name'),
  app: z.string().describe('app context of the saved search'),
  owner: z.string().describe('owner of the saved search'),
  mode: z.enum(['per_alert', 'per_row']).describe('one message per alert or per result row'),
  row: z.number().int().optional().describe('result row the message came from (per_row mode)'),
  action: z.enum(['delivered', 'blocked']).describe('CIM: delivered when the service accepted it, blocked otherwise'),
  vendor_product: z.string().describe('CIM: the product that sent'),
  protocol: z.literal('smtp').describe('CIM: mail protocol (the send service relays the message by SMTP)'),
  transport: z.literal('https').describe('how the message reached the send service: its HTTPS API with mutual TLS'),
  src: z.string().describe('CIM: the Splunk host that sent'),
  dest: z.string().describe('CIM: the send service host'),
  src_user: z.string().describe('CIM: sending mailbox'),
  sender: z.string().describe('sending mailbox (Email-From)'),
  return_addr: z.string().describe('CIM: sending mailbox'),
  user: z.string().describe('CIM: the Splunk user the alert runs as (owner)'),
  recipient: z.array(z.string()).describe('CIM: to and cc addresses'),
  recipient_count: z.number().int().describe('CIM: number of recipients'),
  to: z.array(z.string()).describe('to addresses'),
  cc: z.array(z.string()).describe('cc addresses'),
  message_id: z.string().describe('CIM: our deterministic messageId'),
  internal_message_id: z.string().optional().describe('CIM: the service transactionId'),
  transaction_id: z.string().optional().describe('the service transactionId'),
  code: z.number().int().optional().describe('service reply code: 0 accepted, -1 refused'),
  message: z.string().optional().describe('service reply message, or our error'),
  explanation: z.string().optional().describe('service reply explanation'),
  status_code: z.number().int().optional().describe('CIM: HTTP status of the last attempt'),
  error_code: z.string().optional().describe('our error code when not sent (SEND_REFUSED, SEND_UNAVAILABLE, SEND_ADDRESS_INVALID, ...)'),
  subject: z.string().optional().describe('CIM: subject, only when not encrypted'),
  subject_sha256: z.string().optional().describe('sha256 hex of the subject, when encrypted'),
  encrypted: z.boolean().describe('subject and body were encrypted'),
  body_type: z.enum(['text/plain', 'text/html']).describe('body format'),
  importance: z.enum(['high', 'normal', 'low']).describe('importance'),
  size: z.number().int().describe('CIM: request body bytes'),
  duration: z.number().describe('CIM: seconds from first try to outcome'),
  attempt: z.number().int().describe('tries made'),
  retries: z.number().int().describe('CIM: tries beyond the first'),
  event_id: z.string().describe('deterministic id of this audit record (dedup key)'),
  timestamp: z.string().optional().describe('ISO-8601 time of the outcome; only in lines of the local fallback audit file'),
});
export type SendAudit = z.infer<typeof sendAuditSchema>;

export const eventSchemas = {
  [SOURCETYPES.sendAudit]: sendAuditSchema,
} as const;
