import { epoch, type Scenario } from './scenario.js';

/**
 * The scheduled searches (alerts, summary writers, the health view's reports) on 5 March 2026
 * at 12:00 UTC. Each expectation lists the rows a person worked out from the events below.
 */
const GB = 1e9;
const now = epoch('2026-03-05T12:00');
const sum = (w: string, rev: number, app: string, key: string, c: Record<string, number>) => ({
  _time: w, account: 'prod', window_start: w, revision: rev, application_name: app, application_user: `${app.toLowerCase()}-svc`, app_user_key: key, ...c,
});

export const savedSearchScenario: Scenario = {
  target: 'savedsearches',
  story: 'Alerts and summary writers on hand-worked events (restatement, rename, duplicate delivery, gap, lag, expiry)',
  now: '2026-03-05T12:00:00Z',
  events: {
    'proofpoint:ser:summary': [
      // Spike: Billing's baseline is 10 failures in 1000 (1 %); its 09:00 window was restated
      // (the whole window sent again as revision 1, Alerts too) and delivered twice.
      sum('2026-03-03T10:00:00Z', 0, 'Billing', 'k1', { total: 1000, success: 990, failure: 10, message_size_total: 10 * GB }),
      sum('2026-03-05T09:00:00Z', 0, 'Billing', 'k1', { total: 100, success: 80, failure: 5, temp_failure: 15, message_size_total: 1 * GB }),
      sum('2026-03-05T09:00:00Z', 0, 'Alerts', 'k3', { total: 40, success: 30, failure: 10, message_size_total: 0.5 * GB }),
      sum('2026-03-05T09:00:00Z', 1, 'Billing', 'k1', { total: 100, success: 80, failure: 20, message_size_total: 1 * GB }),
      sum('2026-03-05T09:00:00Z', 1, 'Billing', 'k1', { total: 100, success: 80, failure: 20, message_size_total: 1 * GB }),
      sum('2026-03-05T09:00:00Z', 1, 'Alerts', 'k3', { total: 40, success: 30, failure: 10, message_size_total: 0.5 * GB }),
      // Daily use: on 4 March Billing was renamed Invoicing (new app_user_key k2) in a restatement.
      sum('2026-03-04T00:00:00Z', 0, 'Billing', 'k1', { total: 20, failure: 1, message_size_total: 2 * GB }),
      sum('2026-03-04T00:00:00Z', 0, 'Alerts', 'k3', { total: 10, failure: 0, message_size_total: 1 * GB }),
      sum('2026-03-04T00:00:00Z', 1, 'Invoicing', 'k2', { total: 20, failure: 1, message_size_total: 2 * GB }),
      sum('2026-03-04T00:00:00Z', 1, 'Alerts', 'k3', { total: 10, failure: 0, message_size_total: 1 * GB }),
      sum('2026-03-04T06:00:00Z', 0, 'Invoicing', 'k2', { total: 20, failure: 0, message_size_total: 2 * GB }),
      sum('2026-03-04T06:00:00Z', 0, 'Alerts', 'k3', { total: 10, failure: 2, message_size_total: 1 * GB }),
    ],
    'proofpoint:ser:coverage': [
      // Daily coverage (6 h windows on 3 March): 00:00 restated, and read by a second input too; 12:00–24:00 missing.
      { _time: '2026-03-03T00:00:00Z', _indextime: '2026-03-03T07:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 21600, revision: 0, total: 300, message_size_total: 3 * GB },
      { _time: '2026-03-03T00:00:00Z', _indextime: '2026-03-03T09:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 21600, revision: 1, total: 400, message_size_total: 4 * GB },
      { _time: '2026-03-03T00:00:00Z', _indextime: '2026-03-03T09:25:00Z', account: 'prod', source: 'ser_report://prod-b', window_seconds: 21600, revision: 1, total: 400, message_size_total: 4 * GB },
      { _time: '2026-03-03T06:00:00Z', _indextime: '2026-03-03T13:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 21600, revision: 0, total: 200, message_size_total: 2 * GB },
      // Stall / input health (1 h windows on 5 March): prod skipped 09:00 (found at 11:20); lab stopped at 07:00.
      { _time: '2026-03-05T07:00:00Z', _indextime: '2026-03-05T08:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 3600, revision: 0 },
      { _time: '2026-03-05T08:00:00Z', _indextime: '2026-03-05T09:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 3600, revision: 0 },
      { _time: '2026-03-05T10:00:00Z', _indextime: '2026-03-05T11:20:00Z', account: 'prod', source: 'ser_report://prod', window_seconds: 3600, revision: 0 },
      { _time: '2026-03-05T05:00:00Z', _indextime: '2026-03-05T06:20:00Z', account: 'lab', source: 'ser_report://lab', window_seconds: 3600, revision: 0 },
      { _time: '2026-03-05T06:00:00Z', _indextime: '2026-03-05T07:20:00Z', account: 'lab', source: 'ser_report://lab', window_seconds: 3600, revision: 0 },
    ],
    'proofpoint:ser:entitlement': [
      { _time: '2026-03-05T11:00:00Z', account: 'lab', key_expires: '2026-03-20T00:00:00.000Z' },
      { _time: '2026-03-05T11:00:00Z', account: 'prod', key_expires: '2026-09-01T00:00:00.000Z' },
    ],
    'proofpoint:ser:send:audit': [
      { _time: '2026-03-05T11:05:00Z', event_id: 'e1', search_name: 'Daily report', action_status: 'failure', error_code: 'SEND_REFUSED', signature: 'refused', explanation: 'recipient not allowed' },
      { _time: '2026-03-05T11:20:00Z', event_id: 'e2', search_name: 'Daily report', action_status: 'failure', error_code: 'SEND_UNAVAILABLE', signature: 'service unavailable' },
      { _time: '2026-03-05T11:40:00Z', event_id: 'e3', search_name: 'Daily report', action_status: 'failure', error_code: 'SEND_UNAVAILABLE', signature: 'service unavailable', explanation: 'HTTP 503' },
      { _time: '2026-03-05T11:40:00Z', event_id: 'e3', search_name: 'Daily report', action_status: 'failure', error_code: 'SEND_UNAVAILABLE', signature: 'service unavailable', explanation: 'HTTP 503' },
      { _time: '2026-03-05T11:30:00Z', event_id: 'e4', search_name: 'Weekly', action_status: 'failure', error_code: 'SEND_REFUSED', signature: 'refused' },
    ],
    'mail:user': [
      { _time: '2026-03-05T02:00:00Z', email: 'ann@example.com', identity: ['ann@example.com', 'ann'], display_name: 'Ann Lee', first: 'Ann', last: 'Lee', bunit: 'Finance' },
    ],
    'mail:message': [
      { _time: '2026-03-05T09:00:00Z', event_id: 'm1', user: 'ann@example.com', source: 'mail_metadata://exchange' },
      { _time: '2026-03-05T10:00:00Z', event_id: 'm2', user: 'ann@example.com', source: 'mail_metadata://exchange' },
      { _time: '2026-03-05T10:30:00Z', event_id: 'm3', user: 'ann@example.com', source: 'mail_metadata://exchange' },
      { _time: '2026-03-05T10:30:00Z', event_id: 'm3', user: 'ann@example.com', source: 'mail_metadata://exchange' },
      { _time: '2026-03-04T08:00:00Z', event_id: 'm4', user: 'bob@example.com', source: 'mail_metadata://exchange' },
    ],
  },
  searches: {
    'TA-ser-mail - SER failure-rate spike per application': {
      question: 'Which application\'s failure rate in the last 6 hours is well above its 7-day baseline?',
      // Billing: recent (09:00 window, revision 1 only, once) 20 / 100 = 20 %; baseline 10 / 1000 = 1 %;
      // 100 >= 50 messages, 20 >= 5 %, 20 >= 3 x 1 -> fires. Alerts: 40 < 50 messages -> no.
      groupings: ['stats by account, window_start, revision, app_user_key', 'eventstats by account, window_start', 'stats by application_name'],
      requires: ['where revision=latest_revision', 'relative_time(now(), "-6h@h")'],
      range: { earliest: '-7d@h', latest: 'now' },
      expect: { fields: ['application_name', 'recent_total', 'recent_failure', 'recent_rate', 'baseline_rate'], rows: [['Billing', 100, 20, 20, 1]] },
    },
    'TA-ser-mail - SER licence exhaustion forecast': {
      question: 'Which SER account runs out of licence before its license_end at the current burn rate?',
      // From the licence scenario (tools/dashboards/scenarios/licence.ts): prod runs out on
      // 27 May 2026, before 1 March 2027; lab only after its licence ends (not reported).
      groupings: ['eventstats by account', 'stats by account'],
      requires: ['where exhausts_before_end=1'],
      range: { earliest: '-400d@d', latest: 'now' },
      expect: {
        fields: ['account', 'used_pct', 'used_gb', 'burn_gb_per_day', 'days_to_exhaustion', 'exhaustion_date', 'licence_end', 'days_to_licence_end'],
        rows: [['prod', 4.6, 46, 11.5, 83, '2026-05-27', '2027-03-01', 360.5]],
      },
    },
    'TA-ser-mail - SER daily coverage summary': {
      question: 'Per account and day: bytes and messages of the latest revision of every window, seconds covered, first and last window.',
      // 3 March: 00:00 revision 1 (4 GB, 400, once although two inputs read it) + 06:00 (2 GB, 200) = 6 GB, 600;
      // 2 windows x 21600 s = 43200 s covered; first 00:00, last end 12:00. 5 March (the stall
      // windows, no traffic figures): lab 05:00 and 06:00 -> 7200 s, ends 07:00; prod 07, 08, 10 -> 10800 s, ends 11:00.
      groupings: ['stats by account, window_start, revision', 'eventstats by account, window_start', 'stats by account, _time'],
      requires: ['bin _time span=1d', 'collect index=ta_ser_mail_summary source="ta_ser_mail:ser_daily_coverage"'],
      range: { earliest: '-8d@d', latest: 'now' },
      expect: {
        fields: ['account', '_time', 'bytes', 'messages', 'covered_seconds', 'windows', 'first_start', 'last_end', 'summary_run'],
        rows: [
          ['lab', epoch('2026-03-05'), null, null, 7200, 2, epoch('2026-03-05T05:00'), epoch('2026-03-05T07:00'), now],
          ['prod', epoch('2026-03-03'), 6 * GB, 600, 43200, 2, epoch('2026-03-03'), epoch('2026-03-03T12:00'), now],
          ['prod', epoch('2026-03-05'), null, null, 10800, 3, epoch('2026-03-05T07:00'), epoch('2026-03-05T11:00'), now],
        ],
      },
    },
    'TA-ser-mail - SER daily use summary': {
      question: 'Per account, day and application: bytes, messages and failures of the latest revision of every window.',
      // 4 March: 00:00 revision 1 has Invoicing (not Billing: renamed) 2 GB/20/1 and Alerts 1 GB/10/0;
      // 06:00 Invoicing 2 GB/20/0, Alerts 1 GB/10/2 -> Alerts 2 GB, 20, 2; Invoicing 4 GB, 40, 1.
      // (The 5 March windows above fall on another day: Billing 1 GB/100/20, Alerts 0.5 GB/40/10.)
      groupings: ['stats by account, window_start, revision, app_user_key', 'eventstats by account, window_start', 'stats by account, _time, application_name'],
      requires: ['bin _time span=1d', 'collect index=ta_ser_mail_summary source="ta_ser_mail:ser_daily_use"'],
      range: { earliest: '-8d@d', latest: 'now' },
      expect: {
        fields: ['account', '_time', 'application_name', 'bytes', 'messages', 'failure', 'summary_run'],
        rows: [
          ['prod', epoch('2026-03-03'), 'Billing', 10 * GB, 1000, 10, now],
          ['prod', epoch('2026-03-04'), 'Alerts', 2 * GB, 20, 2, now],
          ['prod', epoch('2026-03-04'), 'Invoicing', 4 * GB, 40, 1, now],
          ['prod', epoch('2026-03-05'), 'Alerts', 0.5 * GB, 40, 10, now],
          ['prod', epoch('2026-03-05'), 'Billing', 1 * GB, 100, 20, now],
        ],
      },
    },
    'TA-ser-mail - SER input stopped advancing': {
      question: 'Which input\'s newest window lags more than 3 hours, or left a gap found in the last 24 hours?',
      // prod (ser_report://prod): windows 3 Mar 00:00 (two revisions: one window), 06:00, 5 Mar 07, 08, 10 = 5;
      // checkpoint 11:00, lag 3600 s; gaps whose next window was indexed in the last 24 h:
      // 3 Mar 12:00 -> 5 Mar 07:00 (154800 s, found 08:20) and 09:00 -> 10:00 (3600 s) = 158400.
      // prod-b read one window (ends 3 Mar 06:00): lag 194400 s. lab: checkpoint 07:00, lag 18000 > 10800.
      groupings: ['stats by account, source, window_start', 'streamstats by account, source', 'stats by account, source'],
      requires: ['relative_time(now(), "-24h")'],
      range: { earliest: '-30d@h', latest: 'now' },
      expect: {
        fields: ['account', 'source', 'checkpoint', 'lag_seconds', 'gap_seconds', 'windows'],
        rows: [
          ['lab', 'ser_report://lab', '2026-03-05T07:00:00Z', 18000, 0, 2],
          ['prod', 'ser_report://prod', '2026-03-05T11:00:00Z', 3600, 158400, 5],
          ['prod', 'ser_report://prod-b', '2026-03-03T06:00:00Z', 194400, 0, 1],
        ],
      },
    },
    'TA-ser-mail - SER credentials nearing expiry': {
      question: 'Which account\'s SER key expires within 30 days?',
      // lab: 20 March 00:00 - 5 March 12:00 = 14.5 days < 30; prod: 179.5 days.
      groupings: ['stats by account'],
      range: { earliest: '-2d@d', latest: 'now' },
      expect: { fields: ['account', 'key_expires', 'days_left'], rows: [['lab', '2026-03-20', 14.5]] },
    },
    'TA-ser-mail - Repeated secure send failures': {
      question: 'Which saved search\'s secure sends failed 3 or more times in the last hour?',
      // Daily report: e1, e2, e3 (e3 delivered twice counts once) = 3; Weekly: 1.
      groupings: ['stats by search_name'],
      requires: ['dc(event_id) as failures'],
      range: { earliest: '-60m@m', latest: 'now' },
      expect: {
        fields: ['search_name', 'failures', 'error_codes', 'last_signature', 'last_explanation'],
        rows: [['Daily report', 3, ['SEND_REFUSED', 'SEND_UNAVAILABLE'], 'service unavailable', 'HTTP 503']],
      },
    },
    'TA-ser-mail - ES identities from directory users': {
      question: 'The ES identity lookup rows, one per directory user.',
      groupings: [],
      range: { earliest: '-30d@d', latest: 'now' },
      expect: {
        fields: ['identity', 'prefix', 'nick', 'first', 'last', 'suffix', 'email', 'phone', 'phone2', 'managedBy', 'priority', 'bunit', 'category', 'watchlist', 'startDate', 'endDate', 'work_city', 'work_country', 'work_lat', 'work_lon'],
        rows: [['ann@example.com|ann', '', 'Ann Lee', 'Ann', 'Lee', '', 'ann@example.com', '', '', '', 'medium', 'Finance', '', 'false', '', '', '', '', '', '']],
      },
    },
    'TA-ser-mail - SER input health': {
      question: 'Per SER input: the newest window delivered, its lag, windows in 30 days and gaps found in 24 hours.',
      groupings: ['stats by account, source, window_start', 'streamstats by account, source', 'stats by account, source'],
      range: { earliest: '-30d@h', latest: 'now' },
      expect: {
        fields: ['account', 'source', 'checkpoint', 'lag_minutes', 'windows', 'gaps_24h'],
        rows: [
          ['lab', 'ser_report://lab', '2026-03-05 07:00 UTC', 300, 2, 0],
          ['prod', 'ser_report://prod', '2026-03-05 11:00 UTC', 60, 5, 2],
          ['prod', 'ser_report://prod-b', '2026-03-03 06:00 UTC', 3240, 1, 0],
        ],
      },
    },
    'TA-ser-mail - Mailbox last event': {
      question: 'Per mailbox owner and connector: the newest message, hours idle, messages in 7 days.',
      // ann: newest 10:30 -> 1.5 h idle, m1 m2 m3 (m3 twice) = 3; bob: 4 March 08:00 -> 28 h, 1.
      groupings: ['stats by user, source'],
      requires: ['dc(event_id) as messages'],
      range: { earliest: '-7d@h', latest: 'now' },
      expect: {
        fields: ['user', 'source', 'last_event', 'idle_hours', 'messages'],
        rows: [
          ['ann@example.com', 'mail_metadata://exchange', '2026-03-05 10:30 UTC', 1.5, 3],
          ['bob@example.com', 'mail_metadata://exchange', '2026-03-04 08:00 UTC', 28, 1],
        ],
      },
    },
  },
};
