import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, pie, ROW, single, table, toSearch, toUrl } from '../style.js';

const OUTCOME = { success: COLOR.success, failure: COLOR.failure };

const definition = new DashboardBuilder({
  title: 'Secure send audit',
  description:
    'Every message the ser_secure_send alert action tried to send (proofpoint:ser:send:audit): outcome per saved search, the service\'s explanation of each failure, and how much was sent encrypted.',
  defaultEarliest: '-7d@h',
})
  .search(
    'ds_audit',
    'Secure send audit events',
    `\`ta_ser_mail_index\` sourcetype="proofpoint:ser:send:audit"
     | stats min(_time) as _time, first(search_name) as search_name, first(sid) as sid, first(action_status) as action_status, first(stage) as stage, first(encrypted) as encrypted, first(error_code) as error_code, first(message) as message, first(explanation) as explanation, first(signature) as signature, first(transaction_id) as transaction_id, first(attempt) as attempt by event_id`,
  )
  .chain(
    'ds_kpis',
    'ds_audit',
    'Totals',
    // A send is one message (stage="send"); a run that stopped before sending (stage config or
    // results) is a failure without a message.
    `| stats sum(eval(if(stage="send", 1, 0))) as sends, sum(eval(if(action_status="failure", 1, 0))) as failures, sum(eval(if(stage="send" AND encrypted="true", 1, 0))) as encrypted_sends, dc(search_name) as searches
     | eval encrypted_pct=round(100 * encrypted_sends / max(sends, 1), 1)`,
  )
  .chain('ds_by_search', 'ds_audit', 'Sends by search and outcome', '| chart count over search_name by action_status')
  .chain('ds_time', 'ds_audit', 'Sends over time', '| timechart span=1d count by action_status')
  .chain(
    'ds_encrypted',
    'ds_audit',
    'Encrypted share',
    `| where stage="send"
     | eval mode=if(encrypted="true", "encrypted", "plain")
     | stats count by mode`,
  )
  .chain(
    'ds_failures',
    'ds_audit',
    'Failures with their explanation',
    `| where action_status="failure"
     | eval reason=coalesce(explanation, message, signature), time=strftime(_time, "%Y-%m-%d %H:%M:%S %Z")
     | sort 0 - _time
     | head 50
     | table time search_name error_code reason attempt transaction_id event_id
     | rename time as Time, search_name as "Saved search", error_code as Error, reason as Explanation, attempt as Attempts, transaction_id as "Transaction id"`,
  )
  .chain(
    'ds_runs',
    'ds_audit',
    'Alert runs (search id)',
    `| stats min(_time) as first_time, sum(eval(if(stage="send", 1, 0))) as sends, sum(eval(if(action_status="failure", 1, 0))) as failures by search_name, sid
     | eval time=strftime(first_time, "%Y-%m-%d %H:%M:%S %Z")
     | sort 0 - first_time
     | head 50
     | table time search_name sid sends failures
     | rename time as Time, search_name as "Saved search", sends as Sends, failures as Failures`,
  )
  .row(ROW.kpi, [
    ['viz_sends', single('Sends', 'ds_kpis', { field: 'sends' })],
    ['viz_failures', single('Failures (sends and runs)', 'ds_kpis', { field: 'failures', colorRanges: [{ to: 1, value: COLOR.success }, { from: 1, value: COLOR.failure }] })],
    ['viz_encrypted_pct', single('Sent encrypted', 'ds_kpis', { field: 'encrypted_pct', unit: '%', precision: 1, color: COLOR.inProgress })],
    ['viz_searches', single('Alerting searches', 'ds_kpis', { field: 'searches' })],
  ])
  .row(ROW.chart, [
    ['viz_by_search', chart('bar', 'Sends by saved search and outcome', 'ds_by_search', { stacked: true, colors: OUTCOME })],
    ['viz_time', chart('column', 'Sends over time', 'ds_time', { stacked: true, colors: OUTCOME, yTitle: 'messages' })],
    ['viz_encrypted', pie('Encrypted share', 'ds_encrypted', { encrypted: COLOR.inProgress, plain: COLOR.muted })],
  ], [6, 3, 3])
  .row(ROW.table, [['viz_failures_table', table('Failures with their explanation', 'ds_failures', 'Click a row for its audit event.', { Time: 190, 'Saved search': 180, Error: 170, Explanation: 380, Attempts: 100, 'Transaction id': 200, event_id: 180 })]])
  .row(ROW.table, [['viz_runs', table('Alert runs (click a row for the search job that fired the alert, while Splunk keeps it)', 'ds_runs', undefined, { Time: 200, 'Saved search': 260, sid: 520 })]])
  // A failure → its audit event; an alert run → the triggering search job by its sid.
  .drilldown('viz_failures_table', toSearch('`ta_ser_mail_index` sourcetype="proofpoint:ser:send:audit" event_id="$row.event_id.value$"'))
  .drilldown('viz_runs', toUrl('/app/search/search?sid=$row.sid.value$'))
  .build();

export const sendAuditDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_send_audit',
  label: 'Secure send audit',
  description: definition.description,
  definition,
};
