import { epoch, type Scenario } from './scenario.js';
import { savedSearchScenario } from './saved-searches.js';

/**
 * The add-on health view on 5 March 2026 at 12:00 UTC. Its two scheduled reports return the
 * rows worked out in saved-searches.ts (same events). splunkd.log on the search head sh1 has
 * two ERROR lines of the prod SER modular input, one sendmodalert error of ser_secure_send, and
 * two poll-cycle lines of the prod input (10 and 12 events, newest checkpoint 11:00) and one
 * line of the mail importer (25 events; it has no checkpoint), and two figures lines of the mail
 * receiver ews: 11:05 (40 events; 1 refused 400, 1 refused 401) and its idle hourly line at
 * 11:55 (all zero). The standalone service on svc1 last reported at 11:59: its lab input's
 * checkpoint is 07:00.
 */
const execMsg = 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/ser_report.sh" ERROR [ser_report://prod] SER refused the client secret (HTTP 401)';
const alertMsg = 'action=ser_secure_send STDERR - ERROR SEND_UNAVAILABLE: the send service answered 503 three times';
const inputs = savedSearchScenario.searches['TA-ser-mail - SER input health']!.expect;
const mailboxes = savedSearchScenario.searches['TA-ser-mail - Mailbox last event']!.expect;

export const addonHealthScenario: Scenario = {
  target: 'ta_ser_mail_addon_health',
  story: 'A refused SER secret, a failing alert action, a silent mailbox, a modular input and a standalone service side by side',
  now: '2026-03-05T12:00:00Z',
  events: {
    ...savedSearchScenario.events,
    splunkd: [
      { _time: '2026-03-05T10:00:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'ERROR', event_message: execMsg },
      { _time: '2026-03-05T11:00:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'ERROR', event_message: execMsg },
      { _time: '2026-03-05T07:00:00Z', host: 'sh1', component: 'sendmodalert', log_level: 'ERROR', action: 'ser_secure_send', event_message: alertMsg },
      { _time: '2026-03-05T10:20:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'INFO', event_message: 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/ser_report.sh" INFO [ser_report://prod] SER poll cycle done {"windows":1,"events":10,"checkpoint":"2026-03-05T10:00:00.000Z"}' },
      { _time: '2026-03-05T11:20:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'INFO', event_message: 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/ser_report.sh" INFO [ser_report://prod] SER poll cycle done {"windows":1,"events":12,"checkpoint":"2026-03-05T11:00:00.000Z"}' },
    ],
    'splunkd (mail importer)': [
      { _time: '2026-03-05T11:30:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'INFO', event_message: 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/mail_metadata.sh" INFO [mail_metadata://exchange] mail import: mails-0001.json: 25 event(s) delivered' },
    ],
    'splunkd (mail receiver)': [
      { _time: '2026-03-05T11:05:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'INFO', event_message: 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/mail_metadata.sh" INFO [mail_metadata://ews] mail receiver figures {"requests":12,"delivered":10,"events":40,"dropped":0,"refused":1,"rejected_auth":1,"unavailable":0,"errors":0,"reasons":{"MAIL_PAYLOAD_INVALID":1,"MAIL_AUTH_REFUSED":1},"health_checks":0,"since":"2026-03-05T10:05:00.000Z"}' },
      { _time: '2026-03-05T11:55:00Z', host: 'sh1', component: 'ExecProcessor', log_level: 'INFO', event_message: 'message from "/opt/splunk/etc/apps/TA-ser-mail/bin/mail_metadata.sh" INFO [mail_metadata://ews] mail receiver figures {"requests":0,"delivered":0,"events":0,"dropped":0,"refused":0,"rejected_auth":0,"unavailable":0,"errors":0,"reasons":{},"health_checks":0,"since":"2026-03-05T11:05:00.000Z"}' },
    ],
    'ta_ser_mail:telemetry': [
      { _time: '2026-03-05T11:59:00Z', host: 'svc1', inputs: [{ name: 'ser_report://lab', kind: 'ser_report', last_window_end: '2026-03-05T07:00:00.000Z', events_delivered: 40, events_failed: 0, last_error: 'SER unreachable' }] },
    ],
  },
  searches: {
    ds_inputs: {
      question: 'Per SER input: the newest window delivered and its lag (scheduled report).',
      groupings: ['stats by account, source, window_start', 'streamstats by account, source', 'stats by account, source'],
      range: { earliest: '-30d@h', latest: 'now' },
      expect: inputs,
    },
    ds_inputs_table: {
      question: 'The same, as a table.',
      groupings: ['stats by account, source'],
      expect: {
        fields: ['Account', 'Input', 'Newest window ends', 'Lag (min)', 'Windows (30 days)', 'Gaps found (24 h)'],
        rows: inputs.rows,
      },
    },
    ds_worst_lag: { question: 'The worst SER input lag.', groupings: ['stats by account, source', 'stats'], expect: { fields: ['lag_minutes'], rows: [[3240]] } },
    ds_mailboxes: {
      question: 'Per mailbox owner and connector: the newest message (scheduled report).',
      groupings: ['stats by user, source'],
      range: { earliest: '-7d@h', latest: 'now' },
      expect: mailboxes,
    },
    ds_mailboxes_table: {
      question: 'The same, most idle first.',
      groupings: ['stats by user, source'],
      expect: {
        fields: ['Mailbox owner', 'Connector', 'Newest message', 'Idle (h)', 'Messages (7 days)'],
        rows: [
          ['bob@example.com', 'mail_metadata://exchange', '2026-03-04 08:00 UTC', 28, 1],
          ['ann@example.com', 'mail_metadata://exchange', '2026-03-05 10:30 UTC', 1.5, 3],
        ],
      },
    },
    ds_silent: { question: 'How many mailboxes had no message for 24 hours?', groupings: ['stats by user, source', 'stats'], expect: { fields: ['silent'], rows: [[1]] } },
    ds_errors: {
      question: 'Per host, component and input: error and warning lines of the modular inputs and the alert action.',
      groupings: ['stats by host, component, input'],
      requires: ['index=_internal sourcetype=splunkd', 'component=sendmodalert action="ser_secure_send"'],
      expect: {
        fields: ['host', 'component', 'input', 'errors', 'last_time', 'last_message', 'last'],
        rows: [
          ['sh1', 'ExecProcessor', 'ser_report://prod', 2, epoch('2026-03-05T11:00'), execMsg, '2026-03-05 11:00 UTC'],
          ['sh1', 'sendmodalert', 'alert action ser_secure_send', 1, epoch('2026-03-05T07:00'), alertMsg, '2026-03-05 07:00 UTC'],
        ],
      },
    },
    ds_error_count: { question: 'How many error and warning lines?', groupings: ['stats by host, component, input', 'stats'], expect: { fields: ['errors'], rows: [[3]] } },
    ds_errors_table: {
      question: 'The same, newest first (click: the lines).',
      groupings: ['stats by host, component, input'],
      expect: {
        fields: ['Host', 'Component', 'Input', 'Lines', 'Last seen', 'Last message'],
        rows: [
          ['sh1', 'ExecProcessor', 'ser_report://prod', 2, '2026-03-05 11:00 UTC', execMsg],
          ['sh1', 'sendmodalert', 'alert action ser_secure_send', 1, '2026-03-05 07:00 UTC', alertMsg],
        ],
      },
    },
    ds_figures: {
      question: 'Each input\'s own figures: checkpoint, lag, events delivered and failed, requests a mail receiver refused, last error — from telemetry (standalone) or poll-cycle, import and receiver figures lines (modular input).',
      groupings: ['stats by host, input, runs_as', 'stats by host, input, runs_as'],
      requires: ['SER poll cycle done', 'mail receiver figures'],
      expect: {
        fields: ['Host', 'Input', 'Runs as', 'Checkpoint (SER)', 'Lag (min)', 'Events delivered', 'Events failed', 'Requests refused', 'Last error', 'Last report'],
        rows: [
          ['svc1', 'ser_report://lab', 'standalone service', '2026-03-05 07:00 UTC', 300, 40, 0, null, 'SER unreachable', '2026-03-05 11:59 UTC'],
          ['sh1', 'mail_metadata://ews', 'modular input', null, null, 40, null, 2, null, '2026-03-05 11:55 UTC'],
          ['sh1', 'mail_metadata://exchange', 'modular input', null, null, 25, null, null, null, '2026-03-05 11:30 UTC'],
          ['sh1', 'ser_report://prod', 'modular input', '2026-03-05 11:00 UTC', 60, 22, null, null, null, '2026-03-05 11:20 UTC'],
        ],
      },
    },
  },
};
