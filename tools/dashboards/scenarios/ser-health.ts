import { t, type Scenario } from './scenario.js';

/**
 * SER delivery health on 5 March 2026, application picker on All, two windows (09:00, 10:00).
 * prod's 09:00 window was restated: revision 0 had Billing (k1); revision 1 re-emits the whole
 * window with the application renamed Invoicing (new app_user_key k2) and 10 failures instead
 * of 5 + 15 temporary. Only revision 1 counts, so Billing appears nowhere and nothing is
 * counted twice. A duplicate delivery of one event changes nothing.
 *
 * Latest rows: 09:00 Invoicing 90/10/0 (100), Alerts 40/0/0 (40); 10:00 Invoicing 50/0/5 (55),
 * Alerts 38/2/0 (40), lab Reports 20/0/0 (20). Totals: 255 messages, 238 delivered
 * (93.3 %), 12 failures, 5 temporary.
 */
const w = (time: string, account: string, rev: number, app: string, key: string, c: number[]) => {
  const [success, failure, temp_failure, total, dsn_2xx, dsn_4xx, dsn_5xx] = c;
  return { _time: time, account, window_start: time, revision: rev, application_name: app, application_user: `${app.toLowerCase()}-svc`, app_user_key: key, success, failure, temp_failure, in_progress: 0, total, dsn_2xx, dsn_3xx: 0, dsn_4xx, dsn_5xx };
};
const nine = '2026-03-05T09:00:00Z';
const ten = '2026-03-05T10:00:00Z';

export const serHealthScenario: Scenario = {
  target: 'ta_ser_mail_ser_health',
  story: 'A restated window that renames an application, a duplicate delivery, two accounts',
  now: '2026-03-05T12:00:00Z',
  events: {
    'proofpoint:ser:summary': [
      w(nine, 'prod', 0, 'Billing', 'k1', [80, 5, 15, 100, 80, 15, 5]),
      w(nine, 'prod', 0, 'Alerts', 'k3', [40, 0, 0, 40, 40, 0, 0]),
      w(nine, 'prod', 1, 'Invoicing', 'k2', [90, 10, 0, 100, 90, 0, 10]),
      w(nine, 'prod', 1, 'Invoicing', 'k2', [90, 10, 0, 100, 90, 0, 10]),
      w(nine, 'prod', 1, 'Alerts', 'k3', [40, 0, 0, 40, 40, 0, 0]),
      w(ten, 'prod', 0, 'Invoicing', 'k2', [50, 0, 5, 55, 50, 5, 0]),
      w(ten, 'prod', 0, 'Alerts', 'k3', [38, 2, 0, 40, 38, 0, 2]),
      w(ten, 'lab', 0, 'Reports', 'k4', [20, 0, 0, 20, 20, 0, 0]),
    ],
  },
  searches: {
    ds_app_list: {
      question: 'Which applications are there (latest names)?',
      groupings: ['stats by account, window_start, revision, app_user_key', 'eventstats by account, window_start', 'stats by application_name'],
      expect: { fields: ['application_name'], rows: [['Alerts'], ['Invoicing'], ['Reports']] },
    },
    ds_latest: {
      question: 'Per window and application user, the counts of the latest revision.',
      groupings: ['stats by account, window_start, revision, app_user_key', 'eventstats by account, window_start', 'stats by _time, app_user_key, application_name, application_user'],
      requires: ['where revision=latest_revision', 'application_name="$application$"'],
      range: { earliest: '$global_time.earliest$', latest: '$global_time.latest$' },
      expect: {
        fields: ['_time', 'app_user_key', 'application_name', 'application_user', 'success', 'failure', 'temp_failure', 'in_progress', 'total', 'dsn_2xx', 'dsn_3xx', 'dsn_4xx', 'dsn_5xx'],
        rows: [
          [t('2026-03-05T09:00:00'), 'k2', 'Invoicing', 'invoicing-svc', 90, 10, 0, 0, 100, 90, 0, 0, 10],
          [t('2026-03-05T09:00:00'), 'k3', 'Alerts', 'alerts-svc', 40, 0, 0, 0, 40, 40, 0, 0, 0],
          [t('2026-03-05T10:00:00'), 'k2', 'Invoicing', 'invoicing-svc', 50, 0, 5, 0, 55, 50, 0, 5, 0],
          [t('2026-03-05T10:00:00'), 'k3', 'Alerts', 'alerts-svc', 38, 2, 0, 0, 40, 38, 0, 0, 2],
          [t('2026-03-05T10:00:00'), 'k4', 'Reports', 'reports-svc', 20, 0, 0, 0, 20, 20, 0, 0, 0],
        ],
      },
    },
    ds_totals: {
      question: 'How many messages, delivered (%), permanent and temporary failures?',
      groupings: ['stats'],
      expect: { fields: ['total', 'success', 'failure', 'temp_failure', 'success_rate'], rows: [[255, 238, 12, 5, 93.3]] },
    },
    ds_outcomes_time: {
      question: 'Outcomes per hour (hours without traffic are empty buckets, not listed).',
      groupings: ['timechart'],
      expect: {
        fields: ['_time', 'success', 'failure', 'temp_failure', 'in_progress'],
        rows: [
          [t('2026-03-05T09:00:00'), 130, 10, 0, 0],
          [t('2026-03-05T10:00:00'), 108, 2, 5, 0],
        ],
      },
    },
    ds_failures_app_time: {
      question: 'Permanent failures per application per hour.',
      groupings: ['timechart by application_name'],
      splitValues: ['Alerts', 'Invoicing', 'Reports'],
      expect: {
        fields: ['_time', 'Alerts', 'Invoicing', 'Reports'],
        rows: [
          [t('2026-03-05T09:00:00'), 0, 10, null],
          [t('2026-03-05T10:00:00'), 2, 0, 0],
        ],
      },
    },
    ds_apps: {
      question: 'Outcomes per application, top 10 by volume.',
      groupings: ['stats by application_name'],
      expect: {
        fields: ['application_name', 'success', 'failure', 'temp_failure', 'in_progress'],
        rows: [
          ['Invoicing', 140, 10, 5, 0],
          ['Alerts', 78, 2, 0, 0],
          ['Reports', 20, 0, 0, 0],
        ],
      },
    },
    ds_dsn: {
      question: 'How many results per DSN class (2.x.x delivered, 4.x.x deferred, 5.x.x refused)?',
      groupings: ['stats'],
      expect: { fields: ['dsn_class', 'messages'], rows: [['2.x.x', 238], ['3.x.x', 0], ['4.x.x', 5], ['5.x.x', 12]] },
    },
    ds_top_failing: {
      question: 'Which applications fail most, with how many application users and what failure rate?',
      // Invoicing 10 / 155 = 6.45 %, Alerts 2 / 80 = 2.5 %.
      groupings: ['stats by application_name'],
      requires: ['dc(app_user_key) as users'],
      expect: {
        fields: ['Application', 'Messages', 'Failures', 'Temp. failures', 'Application users', 'Failure rate %'],
        rows: [
          ['Invoicing', 155, 10, 5, 1, 6.45],
          ['Alerts', 80, 2, 0, 1, 2.5],
        ],
      },
    },
  },
};
