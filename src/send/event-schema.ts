import { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';

/**
 * The audit event of one secure-send outcome, or of a run that failed before sending: a result
 * of CIM's Splunk Audit Logs Modular_Actions dataset (tags modaction + modaction_result; fields
 * action_name, action_status, action_mode, sid, rid, orig_sid, orig_rid, search_name, signature,
 * user, worker as Splunk_SA_CIM's cim_actions.py writes them), with the message's mail fields.
 * Not tagged for the Email data model: these are our own sends, not mail traffic. Never the body
 * or the mailbox secret; when the message was encrypted, a sha256 of the subject instead.
 */
export const sendAuditSchema = z.object({
  action_name: z.literal('ser_secure_send').describe('modular action name'),
  action_status: z.enum(['success', 'failure']).describe('modular action outcome (CIM cam_action_statuses: success, failure); a duplicate is a success'),
  action_mode: z.enum(['saved', 'adhoc']).describe('saved = a scheduled saved search (sid contains "scheduler"), adhoc = sendalert or an ES ad hoc response'),
  send_status: z.enum(['sent', 'duplicate', 'refused', 'failed']).describe('sent = accepted now; duplicate = the service had accepted this messageId in an earlier run of the same sid (repeated request); refused = the service answered -1; failed = not sent or outcome unknown'),
  stage: z.enum(['send', 'config', 'results']).describe('send = one message; config = the run stopped at its settings (unknown service, key passphrase, from); results = the results file could not be read'),
  signature: z.string().describe('one-line outcome: the service explanation, its reply message or our error'),
  sid: z.string().describe('search id of the run that fired the alert'),
  rid: z.string().optional().describe('result id: the result\'s rid field, else its row number (0 for the per_alert message)'),
  orig_sid: z.string().optional().describe('search id of the notable event the action was invoked on (Enterprise Security)'),
  orig_rid: z.string().optional().describe('result id of that notable event'),
  search_name: z.string().describe('saved search name'),
  app: z.string().describe('app context of the saved search'),
  owner: z.string().describe('owner of the saved search'),
  user: z.string().describe('the Splunk user the alert runs as (owner)'),
  worker: z.string().describe('the search head that ran the action (server_host)'),
  mode: z.enum(['per_alert', 'per_row']).describe('one message per alert or per result row'),
  row: z.number().int().optional().describe('result row the message came from (per_row mode)'),
  action: z.enum(['delivered', 'blocked']).describe('delivered when the service accepted it (now or earlier), blocked otherwise'),
  vendor_product: z.string().describe('the product that sent'),
  protocol: z.literal('smtp').optional().describe('mail protocol (the send service relays the message by SMTP)'),
  transport: z.literal('https').optional().describe('how the message reached the send service: its HTTPS API with mutual TLS'),
  src: z.string().describe('the Splunk host that sent'),
  dest: z.string().optional().describe('the send service host:port'),
  src_user: z.string().optional().describe('sending mailbox'),
  sender: z.string().optional().describe('sending mailbox (Email-From)'),
  return_addr: z.string().optional().describe('sending mailbox'),
  recipient: z.array(z.string()).optional().describe('to and cc addresses'),
  recipient_count: z.number().int().optional().describe('number of recipients'),
  to: z.array(z.string()).optional().describe('to addresses'),
  cc: z.array(z.string()).optional().describe('cc addresses'),
  message_id: z.string().optional().describe('our deterministic messageId'),
  internal_message_id: z.string().optional().describe('the service transactionId'),
  transaction_id: z.string().optional().describe('the service transactionId'),
  duplicate_of: z.string().optional().describe('transactionId of the earlier accepted send, when send_status is duplicate and it is known'),
  code: z.number().int().optional().describe('service reply code: 0 accepted, -1 refused'),
  message: z.string().optional().describe('service reply message, or our error'),
  explanation: z.string().optional().describe('service reply explanation (on success too)'),
  status_code: z.number().int().optional().describe('HTTP status of the last attempt'),
  error_code: z.string().optional().describe('our error code when not sent (SEND_REFUSED, SEND_UNAVAILABLE, SEND_ADDRESS_INVALID, CONFIG_INVALID, SEND_RESULTS_UNREADABLE, ...)'),
  subject: z.string().optional().describe('subject, only when not encrypted'),
  subject_sha256: z.string().optional().describe('sha256 hex of the subject, when encrypted'),
  encrypted: z.boolean().optional().describe('subject and body were encrypted'),
  body_type: z.enum(['text/plain', 'text/html']).optional().describe('body format'),
  importance: z.enum(['high', 'normal', 'low']).optional().describe('importance'),
  size: z.number().int().optional().describe('request body bytes'),
  duration: z.number().optional().describe('seconds from first try to outcome'),
  attempt: z.number().int().optional().describe('tries made'),
  retries: z.number().int().optional().describe('tries beyond the first'),
  event_id: z.string().describe('deterministic id of this audit record (dedup key)'),
  timestamp: z.string().optional().describe('ISO-8601 time of the outcome; only in lines of the local fallback audit file'),
});
export type SendAudit = z.infer<typeof sendAuditSchema>;

/**
 * The start of one run of the action: CIM's "Modular Action Invocations" dataset (tags
 * modaction + invocation), as cim_actions.py's invoke() writes it (signature "Invoking modular
 * action"). Its own sourcetype, so counts of sends never include it.
 */
export const sendInvocationSchema = z.object({
  action_name: z.literal('ser_secure_send').describe('modular action name'),
  action_mode: z.enum(['saved', 'adhoc']).describe('saved = a scheduled saved search (sid contains "scheduler"), adhoc = sendalert or an ES ad hoc response'),
  signature: z.literal('Invoking modular action').describe('what CIM\'s invocation dataset reads'),
  sid: z.string().describe('search id of the run that fired the alert'),
  rid: z.string().describe('result id of the first result (0 when there is none)'),
  orig_sid: z.string().optional().describe('search id of the notable event the action was invoked on (Enterprise Security)'),
  orig_rid: z.string().optional().describe('result id of that notable event'),
  search_name: z.string().describe('saved search name'),
  app: z.string().describe('app context of the saved search'),
  user: z.string().describe('the Splunk user the alert runs as (owner)'),
  worker: z.string().describe('the search head that ran the action (server_host)'),
  mode: z.enum(['per_alert', 'per_row']).describe('one message per alert or per result row'),
  event_id: z.string().describe('deterministic id of this record (dedup key)'),
});
export type SendInvocation = z.infer<typeof sendInvocationSchema>;

export const eventSchemas = {
  [SOURCETYPES.sendAudit]: sendAuditSchema,
  [SOURCETYPES.sendInvocation]: sendInvocationSchema,
} as const;
