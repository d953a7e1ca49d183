import { epoch, t, type Scenario } from './scenario.js';

/**
 * Two SER accounts, each with its own entitlement, on 5 March 2026 at 12:00 UTC.
 * - prod renewed its licence on 1 March (1,000 GB to 1 March 2027); its previous period's
 *   entitlement and February days are still in the index and must not count. Its newest
 *   entitlement carries no license_used_bytes, so use = the sum of its days.
 * - lab's licence (100 GB) ends on 1 April 2026; SER reports 20 GB used; lab's input only
 *   started on 2 March.
 * - prod lost 12:00–24:00 on 3 March (a coverage gap: the day is incomplete, not quiet).
 * - prod's application Billing was renamed Invoicing and the window restated on 5 March: the
 *   newer summary run has Invoicing only.
 *
 * Hand computation (GB = 1e9 bytes):
 *   prod: days in period 1–5 Mar = 10 + 12 + 6 + 12 + 6 = 46 GB used (no SER figure).
 *         burn over covered time since max(1 Mar, 3 Feb) = 46 GB / 4 covered days = 11.5 GB/day.
 *         remaining 1000 − 46 = 954 GB → 954 / 11.5 = 82.96 → 83.0 days → 27 May 2026 12:00,
 *         before 1 March 2027: exhausts_before_end = 1 (alert fires).
 *         licence end in (1 Mar 2027 − 5 Mar 2026 12:00) = 360.5 days. Gap 12 h on 3 Mar.
 *   lab:  used 20 GB (SER's figure); burn 7 GB / 3.5 covered days = 2 GB/day;
 *         remaining 80 GB → 40 days → 14 Apr 2026, after its licence ends on 1 Apr 2026:
 *         exhausts_before_end = 0 (the old "fewer than 60 days" rule would have fired).
 */
const GB = 1e9;
const prodEnt = { annual_throughput_bytes: 1000 * GB, license_start_time: epoch('2026-03-01'), license_end_time: epoch('2027-03-01'), reported_used_bytes: null };
const labEnt = { annual_throughput_bytes: 100 * GB, license_start_time: epoch('2025-04-01'), license_end_time: epoch('2026-04-01'), reported_used_bytes: 20 * GB };
const ent = (e: typeof prodEnt | typeof labEnt) => [e.annual_throughput_bytes, e.license_start_time, e.license_end_time, e.reported_used_bytes];
const day = (d: string) => epoch(`2026-03-0${d}`);
const run1 = epoch('2026-03-05T06:10');
const run2 = epoch('2026-03-05T12:10');
const earlier = epoch('2026-03-04T12:10');

export const licenceScenario: Scenario = {
  target: 'ta_ser_mail_licence',
  story: 'Two accounts with their own entitlements; a licence renewal; a renamed application between summary runs; a coverage gap',
  now: '2026-03-05T12:00:00Z',
  events: {
    'proofpoint:ser:entitlement': [
      { _time: '2026-02-28T23:00:00Z', account: 'prod', license_start: '2025-03-01T00:00:00.000Z', license_end: '2026-03-01T00:00:00.000Z', annual_throughput: 1000 * GB, license_used_bytes: 990 * GB },
      { _time: '2026-03-05T11:00:00Z', account: 'prod', license_start: '2026-03-01T00:00:00.000Z', license_end: '2027-03-01T00:00:00.000Z', annual_throughput: 1000 * GB },
      { _time: '2026-03-05T11:00:00Z', account: 'lab', license_start: '2025-04-01T00:00:00.000Z', license_end: '2026-04-01T00:00:00.000Z', annual_throughput: 100 * GB, license_used_bytes: 20 * GB },
    ],
    'ta_ser_mail:ser_daily_coverage': [
      { _time: '2026-02-27', account: 'prod', bytes: 40 * GB, covered_seconds: 86400, first_start: epoch('2026-02-27'), last_end: epoch('2026-02-28'), summary_run: earlier },
      { _time: '2026-02-28', account: 'prod', bytes: 40 * GB, covered_seconds: 86400, first_start: epoch('2026-02-28'), last_end: epoch('2026-03-01'), summary_run: earlier },
      { _time: '2026-03-01', account: 'prod', bytes: 10 * GB, covered_seconds: 86400, first_start: day('1'), last_end: day('2'), summary_run: earlier },
      { _time: '2026-03-02', account: 'prod', bytes: 12 * GB, covered_seconds: 86400, first_start: day('2'), last_end: day('3'), summary_run: earlier },
      { _time: '2026-03-03', account: 'prod', bytes: 6 * GB, covered_seconds: 43200, first_start: day('3'), last_end: epoch('2026-03-03T12:00'), summary_run: earlier },
      { _time: '2026-03-04', account: 'prod', bytes: 12 * GB, covered_seconds: 86400, first_start: day('4'), last_end: day('5'), summary_run: run2 },
      { _time: '2026-03-05', account: 'prod', bytes: 3 * GB, covered_seconds: 21600, first_start: day('5'), last_end: epoch('2026-03-05T06:00'), summary_run: run1 },
      { _time: '2026-03-05', account: 'prod', bytes: 6 * GB, covered_seconds: 43200, first_start: day('5'), last_end: epoch('2026-03-05T12:00'), summary_run: run2 },
      { _time: '2026-03-02', account: 'lab', bytes: 2 * GB, covered_seconds: 86400, first_start: day('2'), last_end: day('3'), summary_run: earlier },
      { _time: '2026-03-03', account: 'lab', bytes: 2 * GB, covered_seconds: 86400, first_start: day('3'), last_end: day('4'), summary_run: earlier },
      { _time: '2026-03-04', account: 'lab', bytes: 2 * GB, covered_seconds: 86400, first_start: day('4'), last_end: day('5'), summary_run: run2 },
      { _time: '2026-03-05', account: 'lab', bytes: 1 * GB, covered_seconds: 43200, first_start: day('5'), last_end: epoch('2026-03-05T12:00'), summary_run: run2 },
    ],
    'ta_ser_mail:ser_daily_use': [
      { _time: '2026-02-28', account: 'prod', application_name: 'Billing', bytes: 40 * GB, summary_run: earlier },
      { _time: '2026-03-01', account: 'prod', application_name: 'Alerts', bytes: 4 * GB, summary_run: earlier },
      { _time: '2026-03-01', account: 'prod', application_name: 'Billing', bytes: 6 * GB, summary_run: earlier },
      { _time: '2026-03-02', account: 'prod', application_name: 'Alerts', bytes: 5 * GB, summary_run: earlier },
      { _time: '2026-03-02', account: 'prod', application_name: 'Billing', bytes: 7 * GB, summary_run: earlier },
      { _time: '2026-03-03', account: 'prod', application_name: 'Alerts', bytes: 2 * GB, summary_run: earlier },
      { _time: '2026-03-03', account: 'prod', application_name: 'Billing', bytes: 4 * GB, summary_run: earlier },
      { _time: '2026-03-04', account: 'prod', application_name: 'Alerts', bytes: 5 * GB, summary_run: run2 },
      { _time: '2026-03-04', account: 'prod', application_name: 'Billing', bytes: 7 * GB, summary_run: run2 },
      { _time: '2026-03-05', account: 'prod', application_name: 'Alerts', bytes: 1 * GB, summary_run: run1 },
      { _time: '2026-03-05', account: 'prod', application_name: 'Billing', bytes: 2 * GB, summary_run: run1 },
      { _time: '2026-03-05', account: 'prod', application_name: 'Alerts', bytes: 2 * GB, summary_run: run2 },
      { _time: '2026-03-05', account: 'prod', application_name: 'Invoicing', bytes: 4 * GB, summary_run: run2 },
      { _time: '2026-03-02', account: 'lab', application_name: 'Reports', bytes: 2 * GB, summary_run: earlier },
      { _time: '2026-03-03', account: 'lab', application_name: 'Reports', bytes: 2 * GB, summary_run: earlier },
      { _time: '2026-03-04', account: 'lab', application_name: 'Reports', bytes: 2 * GB, summary_run: run2 },
      { _time: '2026-03-05', account: 'lab', application_name: 'Reports', bytes: 1 * GB, summary_run: run2 },
    ],
  },
  searches: {
    ds_days: {
      question: 'Which days of each account\'s current licence period are there, with their volume, coverage and gap?',
      groupings: [
        'stats by account, _time, summary_run',
        'eventstats by account, _time',
        'stats by account, _time, application_name, summary_run',
        'eventstats by account, _time',
        'eventstats by account',
      ],
      requires: ['where summary_run=latest_run', 'eventstats max(_time) as entitlement_time by account', '_time + 86400 > license_start_time AND _time < license_end_time', 'earliest=-7d@d'],
      range: { earliest: '-400d@d', latest: 'now' },
      expect: {
        fields: ['_time', 'account', 'kind', 'application_name', 'bytes', 'covered_seconds', 'gap_seconds', 'annual_throughput_bytes', 'license_start_time', 'license_end_time', 'reported_used_bytes'],
        rows: [
          [t('2026-03-02'), 'lab', 'day', null, 2 * GB, 86400, 0, ...ent(labEnt)],
          [t('2026-03-03'), 'lab', 'day', null, 2 * GB, 86400, 0, ...ent(labEnt)],
          [t('2026-03-04'), 'lab', 'day', null, 2 * GB, 86400, 0, ...ent(labEnt)],
          [t('2026-03-05'), 'lab', 'day', null, 1 * GB, 43200, 0, ...ent(labEnt)],
          [t('2026-03-01'), 'prod', 'day', null, 10 * GB, 86400, 0, ...ent(prodEnt)],
          [t('2026-03-02'), 'prod', 'day', null, 12 * GB, 86400, 0, ...ent(prodEnt)],
          [t('2026-03-03'), 'prod', 'day', null, 6 * GB, 43200, 43200, ...ent(prodEnt)],
          [t('2026-03-04'), 'prod', 'day', null, 12 * GB, 86400, 0, ...ent(prodEnt)],
          [t('2026-03-05'), 'prod', 'day', null, 6 * GB, 43200, 0, ...ent(prodEnt)],
          [t('2026-03-02'), 'lab', 'application', 'Reports', 2 * GB, null, null, ...ent(labEnt)],
          [t('2026-03-03'), 'lab', 'application', 'Reports', 2 * GB, null, null, ...ent(labEnt)],
          [t('2026-03-04'), 'lab', 'application', 'Reports', 2 * GB, null, null, ...ent(labEnt)],
          [t('2026-03-05'), 'lab', 'application', 'Reports', 1 * GB, null, null, ...ent(labEnt)],
          [t('2026-03-01'), 'prod', 'application', 'Alerts', 4 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-01'), 'prod', 'application', 'Billing', 6 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-02'), 'prod', 'application', 'Alerts', 5 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-02'), 'prod', 'application', 'Billing', 7 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-03'), 'prod', 'application', 'Alerts', 2 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-03'), 'prod', 'application', 'Billing', 4 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-04'), 'prod', 'application', 'Alerts', 5 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-04'), 'prod', 'application', 'Billing', 7 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-05'), 'prod', 'application', 'Alerts', 2 * GB, null, null, ...ent(prodEnt)],
          [t('2026-03-05'), 'prod', 'application', 'Invoicing', 4 * GB, null, null, ...ent(prodEnt)],
        ],
      },
    },
    ds_status: {
      question: 'Per account: how much of its current licence is used, at what burn rate, and does it run out before license_end?',
      groupings: ['eventstats by account', 'stats by account'],
      requires: ['where kind="day"', 'burn_start=max(license_start_time, relative_time(now(), "-30d@d"))', 'used_bytes=coalesce(reported_used_bytes, summed_bytes)', '86400 * recent_bytes / recent_covered_seconds', 'exhausts_before_end=if(isnotnull(exhaustion_time) AND exhaustion_time < license_end_time, 1, 0)'],
      expect: {
        fields: ['account', 'licence_gb', 'used_gb', 'used_pct', 'burn_gb_per_day', 'days_to_exhaustion', 'exhaustion_date', 'licence_start', 'licence_end', 'exhausts_before_end', 'gap_hours'],
        rows: [
          ['lab', 100, 20, 20, 2, 40, '2026-04-14', '2025-04-01', '2026-04-01', 0, 0],
          ['prod', 1000, 46, 4.6, 11.5, 83, '2026-05-27', '2026-03-01', '2027-03-01', 1, 12],
        ],
      },
    },
    ds_overall: {
      question: 'All accounts together: share used, burn rate, and the first account to run out before its licence ends.',
      groupings: ['stats by account', 'stats'],
      expect: {
        fields: ['used_gb', 'licence_gb', 'used_pct', 'burn_gb_per_day', 'exhaustion_date', 'exhausts_before_end'],
        rows: [[66, 1100, 6, 13.5, '2026-05-27', 1]],
      },
    },
    ds_accounts: {
      question: 'The same per account, as a table.',
      groupings: ['stats by account'],
      expect: {
        fields: ['Account', 'Licence start', 'Licence end', 'Licence (GB)', 'Used (GB)', 'Used %', 'Burn (GB/day)', 'Forecast exhaustion', 'Hours not covered'],
        rows: [
          ['lab', '2025-04-01', '2026-04-01', 100, 20, 20, 2, '2026-04-14', 0],
          ['prod', '2026-03-01', '2027-03-01', 1000, 46, 4.6, 11.5, '2026-05-27', 12],
        ],
      },
    },
    ds_cumulative: {
      question: 'Per account, day by day: use so far in the current period against an even pace to annual_throughput.',
      groupings: ['streamstats by account', 'eventstats by account', 'chart by _time, account'],
      requires: ['coalesce(reported_used_bytes, period_bytes) - period_bytes + running_bytes'],
      splitValues: ['lab', 'prod'],
      expect: {
        fields: ['_time', 'used: lab', 'used: prod', 'even pace: lab', 'even pace: prod'],
        rows: [
          [t('2026-03-01'), null, 10, null, 2.74],
          [t('2026-03-02'), 15, 22, 92.05, 5.48],
          [t('2026-03-03'), 17, 28, 92.33, 8.22],
          [t('2026-03-04'), 19, 40, 92.6, 10.96],
          [t('2026-03-05'), 20, 46, 92.88, 13.7],
        ],
      },
    },
    ds_daily: {
      question: 'Volume received per day in the licence period; which days are incomplete (a coverage gap)?',
      groupings: ['stats by _time', 'eventstats'],
      requires: ['gap_marker=if(gap_seconds > 0'],
      expect: {
        fields: ['_time', 'received (GB)', 'coverage gap (day incomplete)'],
        rows: [
          [t('2026-03-01'), 10, null],
          [t('2026-03-02'), 14, null],
          [t('2026-03-03'), 8, 14],
          [t('2026-03-04'), 14, null],
          [t('2026-03-05'), 7, null],
        ],
      },
    },
    ds_apps: {
      question: 'Which applications used most of the licence in the current period?',
      groupings: ['stats by application_name'],
      requires: ['where kind="application"'],
      expect: {
        fields: ['application_name', 'used (GB)'],
        rows: [
          ['Billing', 24],
          ['Alerts', 18],
          ['Reports', 7],
          ['Invoicing', 4],
        ],
      },
    },
  },
};
