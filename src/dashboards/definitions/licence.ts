import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table, toDashboard } from '../style.js';

/**
 * Every panel reads one base search over the summary index (rows the SER daily summary
 * searches write), cut per account to its own current licence period. The fixed range only
 * has to reach back to the oldest license_start; the period itself is applied in SPL.
 */
const LICENCE_RANGE = { earliest: '-400d@d', latest: 'now' };

const definition = new DashboardBuilder({
  title: 'SER licence',
  description:
    'Bytes received by SER (messageSizeTotal, what counts against the licence) in each account\'s current licence period (license_start to license_end of its newest entitlement), against annual_throughput: use, burn rate over the covered time of the last 30 days and the forecast date the licence runs out. Reads the summary index written by the SER daily summary searches.',
  defaultEarliest: '-30d@d',
})
  .search('ds_days', 'Days of each account\'s current licence period (summary index)', '`ta_ser_mail_licence_days`', LICENCE_RANGE)
  .chain(
    'ds_status',
    'ds_days',
    'Licence status per account',
    `| \`ta_ser_mail_licence_forecast\`
     | eval used_gb=round(used_bytes / 1e9, 2), licence_gb=round(annual_throughput_bytes / 1e9, 1), burn_gb_per_day=round(burn_rate_bytes_per_day / 1e9, 3), exhaustion_date=coalesce(strftime(exhaustion_time, "%Y-%m-%d"), "not at this rate"), licence_start=strftime(license_start_time, "%Y-%m-%d"), licence_end=strftime(license_end_time, "%Y-%m-%d"), gap_hours=round(gap_seconds / 3600, 1)
     | fields account licence_gb used_gb used_pct burn_gb_per_day days_to_exhaustion exhaustion_date licence_start licence_end exhausts_before_end gap_hours`,
  )
  .chain(
    'ds_overall',
    'ds_status',
    'Licence status, all accounts',
    // The date shown is the first account to run out before its licence ends, if any (red).
    `| stats sum(used_gb) as used_gb, sum(licence_gb) as licence_gb, sum(burn_gb_per_day) as burn_gb_per_day, min(exhaustion_date) as first_date, min(eval(if(exhausts_before_end=1, exhaustion_date, null()))) as first_short_date, max(exhausts_before_end) as exhausts_before_end
     | eval used_pct=round(100 * used_gb / licence_gb, 1), exhaustion_date=coalesce(first_short_date, first_date)
     | fields used_gb licence_gb used_pct burn_gb_per_day exhaustion_date exhausts_before_end`,
  )
  .chain(
    'ds_accounts',
    'ds_status',
    'Licence per account',
    `| table account licence_start licence_end licence_gb used_gb used_pct burn_gb_per_day exhaustion_date gap_hours
     | rename account as Account, licence_start as "Licence start", licence_end as "Licence end", licence_gb as "Licence (GB)", used_gb as "Used (GB)", used_pct as "Used %", burn_gb_per_day as "Burn (GB/day)", exhaustion_date as "Forecast exhaustion", gap_hours as "Hours not covered"`,
  )
  .chain(
    'ds_cumulative',
    'ds_days',
    'Cumulative use against an even pace, per account',
    // Cumulative from the summary, lifted so it ends at the period's use (SER's own figure when
    // present: the input may have started after license_start).
    `| where kind="day"
     | sort 0 account _time
     | streamstats sum(bytes) as running_bytes by account
     | eventstats sum(bytes) as period_bytes by account
     | eval used_bytes=coalesce(reported_used_bytes, period_bytes) - period_bytes + running_bytes, pace_bytes=annual_throughput_bytes * min(_time + 86400 - license_start_time, license_end_time - license_start_time) / (license_end_time - license_start_time)
     | eval used_gb=round(used_bytes / 1e9, 2), pace_gb=round(pace_bytes / 1e9, 2)
     | chart max(used_gb) as used, max(pace_gb) as "even pace" over _time by account`,
  )
  .chain(
    'ds_daily',
    'ds_days',
    'Daily volume, days with a coverage gap marked',
    // A day with a gap is incomplete, not low: it gets a full-height marker beside its volume.
    `| where kind="day"
     | stats sum(bytes) as bytes, sum(gap_seconds) as gap_seconds by _time
     | eventstats max(bytes) as peak_bytes
     | eval received_gb=round(bytes / 1e9, 3), gap_marker=if(gap_seconds > 0, round(peak_bytes / 1e9, 3), null())
     | fields _time received_gb gap_marker
     | rename received_gb as "received (GB)", gap_marker as "coverage gap (day incomplete)"`,
  )
  .chain(
    'ds_apps',
    'ds_days',
    'Licence use per application',
    `| where kind="application"
     | stats sum(bytes) as bytes by application_name
     | eval used_gb=round(bytes / 1e9, 3)
     | sort 0 - bytes
     | head 10
     | fields application_name used_gb
     | rename used_gb as "used (GB)"`,
  )
  .row(ROW.kpi, [
    ['viz_used_pct', single('Licence used', 'ds_overall', { field: 'used_pct', unit: '%', precision: 1, colorRanges: [{ to: 75, value: COLOR.success }, { from: 75, to: 90, value: COLOR.tempFailure }, { from: 90, value: COLOR.failure }] })],
    ['viz_used_gb', single('Used in the current licence period', 'ds_overall', { field: 'used_gb', unit: 'GB', precision: 2 })],
    ['viz_burn', single('Burn rate (last 30 days, covered time)', 'ds_overall', { field: 'burn_gb_per_day', unit: 'GB/day', precision: 3 })],
    ['viz_exhaustion', single('Forecast exhaustion', 'ds_overall', {
        field: 'exhaustion_date',
        underLabel: 'at the last 30 days\' burn rate; red: before license_end',
        // exhausts_before_end is the alert's own condition, so colour and alert agree.
        colorField: 'exhausts_before_end',
        colorRanges: [{ to: 1, value: COLOR.success }, { from: 1, value: COLOR.failure }],
      })],
  ])
  .row(ROW.chart, [
    ['viz_cumulative', chart('line', 'Cumulative use in the licence period vs. an even pace to annual_throughput (GB, per account)', 'ds_cumulative', { yTitle: 'GB' })],
    ['viz_apps', chart('bar', 'Use per application in the licence period (top 10)', 'ds_apps', { yTitle: 'GB', colors: { 'used (GB)': COLOR.neutral } })],
  ], [3, 2])
  .row(ROW.chart, [['viz_daily', chart('column', 'Volume received by SER per day (red marker: a coverage gap, the day is incomplete)', 'ds_daily', { yTitle: 'GB', colors: { 'received (GB)': COLOR.inProgress, 'coverage gap (day incomplete)': COLOR.failure } })]])
  .row(ROW.shortTable, [['viz_accounts', table('Licence per account', 'ds_accounts')]])
  // An application → the delivery health view narrowed to it.
  .drilldown('viz_apps', toDashboard('ta_ser_mail_ser_health', { application: 'row.application_name.value' }))
  .build();

export const licenceDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_licence',
  label: 'SER licence',
  description: definition.description,
  definition,
};
