import { epoch, t, type Scenario } from './scenario.js';

/**
 * SER coverage on 5 March 2026 at 12:00 UTC, one-hour windows. prod delivered 06:00, 07:00
 * (restated: revision 1), 09:00 (no traffic: still covered) and 10:00 — 08:00–09:00 is a gap.
 * lab delivered 06:00 and 07:00 and then stopped (checkpoint 08:00, lag 240 min: lag, not a gap).
 */
const cov = (time: string, account: string, rev: number, users: number, total: number) => ({
  _time: time, account, source: `ser_report://${account}`, window_start: time, window_seconds: 3600, revision: rev, application_users: users, total,
});
const h = (hh: string) => `2026-03-05T${hh}:00:00Z`;
const e = (hh: string) => epoch(`2026-03-05T${hh}:00`);

export const coverageScenario: Scenario = {
  target: 'ta_ser_mail_coverage',
  story: 'A gap between delivered windows, a restated window, a window without traffic, a lagging input',
  now: '2026-03-05T12:00:00Z',
  events: {
    'proofpoint:ser:coverage': [
      cov(h('06'), 'prod', 0, 2, 10),
      cov(h('07'), 'prod', 0, 2, 5),
      cov(h('07'), 'prod', 1, 2, 8),
      cov(h('09'), 'prod', 0, 0, 0),
      cov(h('10'), 'prod', 0, 3, 12),
      cov(h('06'), 'lab', 0, 1, 4),
      cov(h('07'), 'lab', 0, 1, 6),
    ],
  },
  searches: {
    ds_coverage: {
      question: 'Which windows were delivered, per account and input (latest revision of each)?',
      groupings: ['stats by account, source, window_start, revision', 'eventstats by account, source, window_start'],
      requires: ['where revision=latest_revision'],
      expect: {
        fields: ['account', 'source', 'revision', '_time', 'window_end_time', 'window_seconds', 'application_users', 'total'],
        rows: [
          ['lab', 'ser_report://lab', 0, t('2026-03-05T06:00:00'), e('07'), 3600, 1, 4],
          ['lab', 'ser_report://lab', 0, t('2026-03-05T07:00:00'), e('08'), 3600, 1, 6],
          ['prod', 'ser_report://prod', 0, t('2026-03-05T06:00:00'), e('07'), 3600, 2, 10],
          ['prod', 'ser_report://prod', 1, t('2026-03-05T07:00:00'), e('08'), 3600, 2, 8],
          ['prod', 'ser_report://prod', 0, t('2026-03-05T09:00:00'), e('10'), 3600, 0, 0],
          ['prod', 'ser_report://prod', 0, t('2026-03-05T10:00:00'), e('11'), 3600, 3, 12],
        ],
      },
    },
    ds_gaps: {
      question: 'Where is there time between two delivered windows of one input?',
      groupings: ['streamstats by account, source'],
      expect: { fields: ['Account', 'Input', 'Gap from', 'Gap to', 'Hours missing'], rows: [['prod', 'ser_report://prod', '2026-03-05 08:00 UTC', '2026-03-05 09:00 UTC', 1]] },
    },
    ds_gap_count: { question: 'How many gaps?', groupings: ['stats'], expect: { fields: ['gaps'], rows: [[1]] } },
    ds_checkpoints: {
      question: 'Per input: the checkpoint (end of the newest window), lag, windows, highest revision.',
      groupings: ['stats by account, source'],
      expect: {
        fields: ['account', 'source', 'checkpoint_time', 'windows', 'max_revision', 'lag_minutes', 'checkpoint'],
        rows: [
          ['lab', 'ser_report://lab', e('08'), 2, 0, 240, '2026-03-05 08:00 UTC'],
          ['prod', 'ser_report://prod', e('11'), 4, 1, 60, '2026-03-05 11:00 UTC'],
        ],
      },
    },
    ds_checkpoint_table: {
      question: 'The same, as a table.',
      groupings: ['stats by account, source'],
      expect: {
        fields: ['Account', 'Input', 'Last checkpoint (window end)', 'Lag (min)', 'Windows delivered', 'Highest revision'],
        rows: [
          ['lab', 'ser_report://lab', '2026-03-05 08:00 UTC', 240, 2, 0],
          ['prod', 'ser_report://prod', '2026-03-05 11:00 UTC', 60, 4, 1],
        ],
      },
    },
    ds_lag: { question: 'The worst lag of any input.', groupings: ['stats by account, source', 'stats'], expect: { fields: ['lag_minutes'], rows: [[240]] } },
    ds_windows: { question: 'How many windows were delivered, and how many restated?', groupings: ['stats'], expect: { fields: ['windows', 'restated'], rows: [[6, 1]] } },
    ds_windows_time: {
      question: 'Per hour (all inputs): covered by a delivered window, a gap, or after the newest checkpoint?',
      // Hours before 06:00 have no window yet (all 0); 11:00 is after the newest checkpoint (11:00).
      groupings: ['timechart', 'streamstats', 'eventstats'],
      expect: {
        fields: ['_time', 'covered', 'gap', 'not read yet'],
        rows: [
          [t('2026-03-05T06:00:00'), 1, 0, 0],
          [t('2026-03-05T07:00:00'), 1, 0, 0],
          [t('2026-03-05T08:00:00'), 0, 1, 0],
          [t('2026-03-05T09:00:00'), 1, 0, 0],
          [t('2026-03-05T10:00:00'), 1, 0, 0],
          [t('2026-03-05T11:00:00'), 0, 0, 1],
        ],
      },
    },
    ds_traffic_time: {
      question: 'Messages per hour (a window without traffic is 0, a gap is empty).',
      groupings: ['timechart'],
      expect: {
        fields: ['_time', 'messages'],
        rows: [
          [t('2026-03-05T06:00:00'), 14],
          [t('2026-03-05T07:00:00'), 14],
          [t('2026-03-05T08:00:00'), null],
          [t('2026-03-05T09:00:00'), 0],
          [t('2026-03-05T10:00:00'), 12],
        ],
      },
    },
  },
};
