import { type Scenario } from './scenario.js';

/**
 * Secure send audit, 2–5 March 2026: "Daily report" sent two messages on 4 March (one run)
 * and failed on 5 March after 3 tries (that audit event delivered twice); "Weekly" sent one
 * plain message on 2 March; its 5 March run stopped before sending (results file unreadable:
 * stage "results", no message). Counted by event_id: 4 sends (stage "send"), 2 failures (one
 * send, one run), 3 of 4 sends encrypted.
 */
const daily1 = 'scheduler__admin__daily_at_1772607600_1';
const daily2 = 'scheduler__admin__daily_at_1772694000_2';
const weekly = 'scheduler__admin__weekly_at_1772438400_3';
const weekly2 = 'scheduler__admin__weekly_at_1772697600_4';
const ok = (id: string, time: string, search: string, sid: string, encrypted: boolean, tx: string) => ({
  _time: time, event_id: id, search_name: search, sid, action_status: 'success', stage: 'send', encrypted, message: 'accepted', signature: 'accepted', transaction_id: tx, attempt: 1,
});
const failed = { _time: '2026-03-05T07:00:00Z', event_id: 'e3', search_name: 'Daily report', sid: daily2, action_status: 'failure', stage: 'send', encrypted: true, error_code: 'SEND_UNAVAILABLE', message: 'service unavailable', explanation: 'HTTP 503', signature: 'service unavailable after 3 tries', attempt: 3 };

export const sendAuditScenario: Scenario = {
  target: 'ta_ser_mail_send_audit',
  story: 'Two alert runs of one search, a failure delivered twice, a plain send',
  now: '2026-03-05T12:00:00Z',
  events: {
    'proofpoint:ser:send:audit': [
      ok('e1', '2026-03-04T07:00:00Z', 'Daily report', daily1, true, 'tx-1'),
      ok('e2', '2026-03-04T07:00:00Z', 'Daily report', daily1, true, 'tx-2'),
      failed,
      failed,
      ok('e4', '2026-03-02T08:00:00Z', 'Weekly', weekly, false, 'tx-4'),
      { _time: '2026-03-05T08:00:00Z', event_id: 'e5', search_name: 'Weekly', sid: weekly2, action_status: 'failure', stage: 'results', error_code: 'SEND_RESULTS_UNREADABLE', signature: 'the results file could not be read' },
    ],
  },
  searches: {
    ds_audit: {
      question: 'One row per audit event (duplicates by event_id removed).',
      groupings: ['stats by event_id'],
      expect: {
        fields: ['event_id', '_time', 'search_name', 'sid', 'action_status', 'stage', 'encrypted', 'error_code', 'message', 'explanation', 'signature', 'transaction_id', 'attempt'],
        rows: [
          ['e1', '2026-03-04T07:00:00.000+00:00', 'Daily report', daily1, 'success', 'send', 'true', null, 'accepted', null, 'accepted', 'tx-1', 1],
          ['e2', '2026-03-04T07:00:00.000+00:00', 'Daily report', daily1, 'success', 'send', 'true', null, 'accepted', null, 'accepted', 'tx-2', 1],
          ['e3', '2026-03-05T07:00:00.000+00:00', 'Daily report', daily2, 'failure', 'send', 'true', 'SEND_UNAVAILABLE', 'service unavailable', 'HTTP 503', 'service unavailable after 3 tries', null, 3],
          ['e4', '2026-03-02T08:00:00.000+00:00', 'Weekly', weekly, 'success', 'send', 'false', null, 'accepted', null, 'accepted', 'tx-4', 1],
          ['e5', '2026-03-05T08:00:00.000+00:00', 'Weekly', weekly2, 'failure', 'results', null, 'SEND_RESULTS_UNREADABLE', null, null, 'the results file could not be read', null, null],
        ],
      },
    },
    ds_kpis: {
      question: 'Sends (messages), failures (sends and runs that stopped before sending), share of sends encrypted, alerting searches.',
      groupings: ['stats by event_id', 'stats'],
      expect: { fields: ['sends', 'failures', 'encrypted_sends', 'searches', 'encrypted_pct'], rows: [[4, 2, 3, 2, 75]] },
    },
    ds_by_search: {
      question: 'Sends per saved search and outcome.',
      groupings: ['chart by search_name, action_status'],
      splitValues: ['failure', 'success'],
      expect: { fields: ['search_name', 'failure', 'success'], rows: [['Daily report', 1, 2], ['Weekly', 1, 1]] },
    },
    ds_time: {
      question: 'Sends per day and outcome.',
      groupings: ['timechart by action_status'],
      splitValues: ['failure', 'success'],
      expect: {
        fields: ['_time', 'failure', 'success'],
        rows: [
          ['2026-03-02T00:00:00.000+00:00', 0, 1],
          ['2026-03-03T00:00:00.000+00:00', 0, 0],
          ['2026-03-04T00:00:00.000+00:00', 0, 2],
          ['2026-03-05T00:00:00.000+00:00', 2, 0],
        ],
      },
    },
    ds_encrypted: { question: 'How many sends were encrypted?', groupings: ['stats by mode'], requires: ['where stage="send"'], expect: { fields: ['mode', 'count'], rows: [['encrypted', 3], ['plain', 1]] } },
    ds_failures: {
      question: 'Each failure with the service\'s explanation (click: its audit event).',
      groupings: ['stats by event_id'],
      expect: {
        fields: ['Time', 'Saved search', 'Error', 'Explanation', 'Attempts', 'Transaction id', 'event_id'],
        rows: [
          ['2026-03-05 08:00:00 UTC', 'Weekly', 'SEND_RESULTS_UNREADABLE', 'the results file could not be read', null, null, 'e5'],
          ['2026-03-05 07:00:00 UTC', 'Daily report', 'SEND_UNAVAILABLE', 'HTTP 503', 3, null, 'e3'],
        ],
      },
    },
    ds_runs: {
      question: 'Each alert run (search id) with its sends and failures (click: the search job).',
      groupings: ['stats by event_id', 'stats by search_name, sid'],
      expect: {
        fields: ['Time', 'Saved search', 'sid', 'Sends', 'Failures'],
        rows: [
          ['2026-03-05 08:00:00 UTC', 'Weekly', weekly2, 0, 1],
          ['2026-03-05 07:00:00 UTC', 'Daily report', daily2, 1, 1],
          ['2026-03-04 07:00:00 UTC', 'Daily report', daily1, 2, 0],
          ['2026-03-02 08:00:00 UTC', 'Weekly', weekly, 1, 0],
        ],
      },
    },
  },
};
