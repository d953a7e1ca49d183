import type { ShippedDashboard } from '../definition.js';
import { COLOR, DashboardBuilder, ROW, single, table, toSearch } from '../style.js';

/**
 * For admins: is every input delivering, and what went wrong? The two panels that would scan
 * weeks of events read scheduled saved searches (their last result: no search runs on load);
 * errors and figures read the last 24 hours of splunkd.log and telemetry, which are small.
 */
const ERRORS = `index=_internal sourcetype=splunkd AND ((component=ExecProcessor "TA-ser-mail") OR (component=sendmodalert action="ser_secure_send")) AND (log_level=ERROR OR log_level=WARN OR log_level=FATAL)
     | rex "\\[(?<input>(ser_report|mail_metadata)://[^\\]]+)\\]"
     | eval input=case(component="sendmodalert", "alert action ser_secure_send", isnotnull(input), input, true(), "TA-ser-mail, input not named"), message=coalesce(event_message, _raw)`;

const definition = new DashboardBuilder({
  title: 'TA-ser-mail health',
  description:
    'For admins: per SER input the newest window delivered and its lag, per mailbox and connector the newest message, the errors of the modular inputs and the alert action (splunkd.log), and each input\'s own figures (telemetry of the standalone service, poll-cycle, import and receiver figures lines of the modular inputs).',
  defaultEarliest: '-24h@h',
})
  .savedSearch('ds_inputs', 'SER inputs: newest window and lag (scheduled)', 'TA-ser-mail - SER input health')
  .chain(
    'ds_inputs_table',
    'ds_inputs',
    'SER inputs, table',
    `| table account source checkpoint lag_minutes windows gaps_24h
     | rename account as Account, source as Input, checkpoint as "Newest window ends", lag_minutes as "Lag (min)", windows as "Windows (30 days)", gaps_24h as "Gaps found (24 h)"`,
  )
  .chain('ds_worst_lag', 'ds_inputs', 'Worst SER input lag', '| stats max(lag_minutes) as lag_minutes')
  .savedSearch('ds_mailboxes', 'Mailboxes: newest message per owner and connector (scheduled)', 'TA-ser-mail - Mailbox last event')
  .chain(
    'ds_mailboxes_table',
    'ds_mailboxes',
    'Mailboxes, table',
    `| sort 0 - idle_hours
     | table user source last_event idle_hours messages
     | rename user as "Mailbox owner", source as Connector, last_event as "Newest message", idle_hours as "Idle (h)", messages as "Messages (7 days)"`,
  )
  .chain('ds_silent', 'ds_mailboxes', 'Mailboxes silent for a day', '| where idle_hours >= 24 | stats count as silent')
  .search(
    'ds_errors',
    'Errors of the modular inputs and the alert action (splunkd.log)',
    `${ERRORS}
     | stats count as errors, latest(_time) as last_time, latest(message) as last_message by host, component, input
     | eval last=strftime(last_time, "%Y-%m-%d %H:%M %Z")`,
  )
  .chain('ds_error_count', 'ds_errors', 'Error lines', '| stats sum(errors) as errors')
  .chain(
    'ds_errors_table',
    'ds_errors',
    'Errors, table',
    `| sort 0 - last_time
     | table host component input errors last last_message
     | rename host as Host, component as Component, input as Input, errors as Lines, last as "Last seen", last_message as "Last message"`,
  )
  .search(
    'ds_figures',
    'Each input\'s own figures: telemetry (standalone) and figures lines (modular inputs)',
    // The standalone service sends telemetry events; a modular input logs one line per poll
    // cycle to splunkd.log ("[ser_report://name] SER poll cycle done {...}"), the mail importer
    // one per file ("[mail_metadata://name] mail import: f: N event(s) delivered"), the mail
    // receiver one per 5 minutes with traffic, hourly without, and at shutdown ("[mail_metadata://
    // name] mail receiver figures {...}", counts per line, so they add up): all give the events
    // delivered (SER also the checkpoint, the receiver the requests it refused with 4xx/503),
    // so one table serves both ways of running. A receiver's idle hourly line keeps its row.
    `\`ta_ser_mail_index\` sourcetype="ta_ser_mail:telemetry"
     | spath path=inputs{} output=input_json
     | mvexpand input_json
     | eval input=spath(input_json, "name"), checkpoint=spath(input_json, "last_window_end"), delivered=tonumber(spath(input_json, "events_delivered")), failed=tonumber(spath(input_json, "events_failed")), last_error=coalesce(spath(input_json, "last_error"), ""), runs_as="standalone service"
     | stats latest(_time) as reported_time, latest(checkpoint) as checkpoint, latest(delivered) as delivered, latest(failed) as failed, latest(last_error) as last_error by host, input, runs_as
     | append [search index=_internal sourcetype=splunkd component=ExecProcessor "TA-ser-mail" ("poll cycle done" OR "event(s) delivered" OR "mail receiver figures")
       | rex "\\[(?<input>(ser_report|mail_metadata)://[^\\]]+)\\] ((SER poll cycle done|mail receiver figures) (?<figures>\\{.*\\})|mail import: .*: (?<imported>\\d+) event\\(s\\) delivered)"
       | eval checkpoint=spath(figures, "checkpoint"), events=coalesce(tonumber(spath(figures, "events")), tonumber(imported)), refused=tonumber(spath(figures, "refused")) + tonumber(spath(figures, "rejected_auth")) + tonumber(spath(figures, "unavailable")) + tonumber(spath(figures, "errors")), runs_as="modular input"
       | stats latest(_time) as reported_time, latest(checkpoint) as checkpoint, sum(events) as delivered, sum(refused) as refused by host, input, runs_as]
     | eval checkpoint_time=strptime(checkpoint, "%Y-%m-%dT%H:%M:%S.%3N%Z"), lag_minutes=round((now() - checkpoint_time) / 60, 0), checkpoint=strftime(checkpoint_time, "%Y-%m-%d %H:%M %Z"), reported=strftime(reported_time, "%Y-%m-%d %H:%M %Z")
     | table host input runs_as checkpoint lag_minutes delivered failed refused last_error reported
     | rename host as Host, input as Input, runs_as as "Runs as", checkpoint as "Checkpoint (SER)", lag_minutes as "Lag (min)", delivered as "Events delivered", failed as "Events failed", refused as "Requests refused", last_error as "Last error", reported as "Last report"`,
  )
  .row(ROW.kpi, [
    ['viz_worst_lag', single('Worst SER input lag', 'ds_worst_lag', { field: 'lag_minutes', unit: 'min', colorRanges: [{ to: 120, value: COLOR.success }, { from: 120, to: 240, value: COLOR.tempFailure }, { from: 240, value: COLOR.failure }] })],
    ['viz_silent', single('Mailboxes without a message for 24 h', 'ds_silent', { field: 'silent', colorRanges: [{ to: 1, value: COLOR.success }, { from: 1, value: COLOR.attention }] })],
    ['viz_error_count', single('Error and warning lines (splunkd.log)', 'ds_error_count', { field: 'errors', colorRanges: [{ to: 1, value: COLOR.success }, { from: 1, value: COLOR.failure }] })],
  ])
  .row(ROW.mediumTable, [['viz_inputs', table('SER inputs: newest window delivered and lag', 'ds_inputs_table', 'From the scheduled search "TA-ser-mail - SER input health" (every 15 minutes, last 30 days of coverage events).', { Input: 260 })]])
  .row(ROW.mediumTable, [['viz_errors', table('Errors of the modular inputs and the alert action', 'ds_errors_table', 'splunkd.log lines of level WARN and above (ExecProcessor: the inputs; sendmodalert: ser_secure_send). Click a row for the lines.', { Component: 150, Input: 260, 'Last seen': 190, 'Last message': 520 })]])
  .row(ROW.table, [['viz_figures', table('Each input\'s own figures', 'ds_figures', 'Standalone service: its telemetry events. Modular input: its poll-cycle, import and mail receiver figures lines in splunkd.log (a receiver writes one at least hourly). Requests refused: a mail receiver\'s 4xx, 401 and 503 answers.', { Input: 215, 'Runs as': 155, 'Checkpoint (SER)': 175, 'Lag (min)': 75, 'Events delivered': 105, 'Events failed': 90, 'Requests refused': 105, 'Last error': 150, 'Last report': 170 })]])
  .row(ROW.table, [['viz_mailboxes', table('Mailboxes: newest message per owner and connector', 'ds_mailboxes_table', 'From the scheduled search "TA-ser-mail - Mailbox last event" (hourly, last 7 days). Most idle first.', { 'Mailbox owner': 300, Connector: 300 })]])
  .drilldown(
    'viz_errors',
    toSearch('index=_internal sourcetype=splunkd host="$row.Host.value$" component="$row.Component.value$" AND (log_level=ERROR OR log_level=WARN OR log_level=FATAL) AND ("TA-ser-mail" OR action="ser_secure_send")'),
  )
  .build();

export const addonHealthDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_addon_health',
  label: 'TA-ser-mail health',
  description: definition.description,
  definition,
};
