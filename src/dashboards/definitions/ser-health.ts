import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table, toDashboard, toSearch } from '../style.js';

const OUTCOME_COLORS = {
  success: COLOR.success,
  failure: COLOR.failure,
  temp_failure: COLOR.tempFailure,
  in_progress: COLOR.inProgress,
};

const definition = new DashboardBuilder({
  title: 'SER delivery health',
  description:
    'Proofpoint Secure Email Relay outcomes per application. Every count uses the latest revision of every window of an account (SER reclassifies temporary failures for up to 7 days and then re-sends the whole window).',
  defaultEarliest: '-7d@h',
})
  .search(
    'ds_app_list',
    'Applications',
    // Names as the latest revision has them: an application renamed in a restatement is offered
    // under its new name only.
    `\`ta_ser_mail_ser_latest\`
     | stats count by application_name
     | sort 0 application_name
     | fields application_name`,
  )
  .dropdown('input_application', 'Application', 'application', 'ds_app_list', 'application_name')
  .search(
    'ds_latest',
    'SER summary, latest revision per window and application user',
    // A transforming base search: Splunk keeps only the first 500,000 events of an
    // event-returning base search, and windows x application users passes that quickly.
    `\`ta_ser_mail_ser_latest\`
     | search application_name="$application$"
     | stats sum(success) as success, sum(failure) as failure, sum(temp_failure) as temp_failure, sum(in_progress) as in_progress, sum(total) as total, sum(dsn_2xx) as dsn_2xx, sum(dsn_3xx) as dsn_3xx, sum(dsn_4xx) as dsn_4xx, sum(dsn_5xx) as dsn_5xx by _time, app_user_key, application_name, application_user`,
  )
  .chain(
    'ds_totals',
    'ds_latest',
    'Totals',
    `| stats sum(total) as total, sum(success) as success, sum(failure) as failure, sum(temp_failure) as temp_failure
     | eval success_rate=round(100 * success / max(total, 1), 1)`,
  )
  .chain(
    'ds_outcomes_time',
    'ds_latest',
    'Outcomes over time',
    '| timechart span=1h sum(success) as success, sum(failure) as failure, sum(temp_failure) as temp_failure, sum(in_progress) as in_progress',
  )
  .chain('ds_failures_app_time', 'ds_latest', 'Failures per application over time', '| timechart span=1h limit=8 useother=true sum(failure) by application_name')
  .chain(
    'ds_apps',
    'ds_latest',
    'Outcomes per application',
    `| stats sum(success) as success, sum(failure) as failure, sum(temp_failure) as temp_failure, sum(in_progress) as in_progress by application_name
     | fillnull value=0 success failure temp_failure in_progress
     | eval volume=success + failure + temp_failure + in_progress
     | sort 0 - volume
     | head 10
     | fields application_name success failure temp_failure in_progress`,
  )
  .chain(
    'ds_dsn',
    'ds_latest',
    'DSN classes',
    `| stats sum(dsn_2xx) as "2.x.x", sum(dsn_3xx) as "3.x.x", sum(dsn_4xx) as "4.x.x", sum(dsn_5xx) as "5.x.x"
     | eval row=1
     | untable row dsn_class messages
     | fields dsn_class messages`,
  )
  .chain(
    'ds_top_failing',
    'ds_latest',
    'Top failing applications',
    `| stats sum(total) as total, sum(failure) as failure, sum(temp_failure) as temp_failure, dc(app_user_key) as users by application_name
     | where failure > 0
     | eval failure_rate=round(100 * failure / max(total, 1), 2)
     | sort 0 - failure
     | head 10
     | rename application_name as Application, users as "Application users", total as Messages, failure as Failures, temp_failure as "Temp. failures", failure_rate as "Failure rate %"`,
  )
  .row(ROW.kpi, [
    ['viz_total', single('Messages', 'ds_totals', { field: 'total' })],
    ['viz_success_rate', single('Delivered', 'ds_totals', { field: 'success_rate', unit: '%', precision: 1, color: COLOR.success })],
    ['viz_failure', single('Permanent failures', 'ds_totals', { field: 'failure', color: COLOR.failure })],
    ['viz_temp_failure', single('Temporary failures', 'ds_totals', { field: 'temp_failure', color: COLOR.tempFailure })],
  ])
  .row(
    ROW.chart,
    [
      ['viz_outcomes_time', chart('column', 'Outcomes over time (the chosen application, or all)', 'ds_outcomes_time', {
        stacked: true,
        colors: OUTCOME_COLORS,
        yTitle: 'messages',
        description: 'An empty stretch is no traffic or windows not read: the SER coverage dashboard tells which.',
      })],
      ['viz_failures_app_time', chart('line', 'Permanent failures per application', 'ds_failures_app_time', { yTitle: 'messages' })],
    ],
  )
  .row(ROW.chart, [
    ['viz_apps', chart('bar', 'Outcomes per application (top 10 by volume)', 'ds_apps', { stacked: true, colors: OUTCOME_COLORS, yTitle: 'messages' })],
    ['viz_dsn', chart('column', 'DSN classes of the results', 'ds_dsn', { colors: { messages: COLOR.neutral }, yTitle: 'messages' })],
  ], [2, 1])
  .row(ROW.table, [['viz_top_failing', table('Top failing applications', 'ds_top_failing', 'Click a row for the SER summary events with permanent failures of that application.')]])
  // An application → this view narrowed to it; a failing application → its failure events.
  .drilldown('viz_apps', toDashboard('ta_ser_mail_ser_health', { application: 'row.application_name.value' }))
  .drilldown(
    'viz_top_failing',
    toSearch('`ta_ser_mail_ser_latest` | where application_name="$row.Application.value$" AND failure > 0 | table _time account application_name application_user revision failure temp_failure total'),
  )
  .build();

export const serHealthDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_ser_health',
  label: 'SER delivery health',
  description: definition.description,
  definition,
};
