import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table } from '../style.js';

/** The licence is annual: these panels read since its start, whatever the time picker says. */
const LICENCE_RANGE = { earliest: '-400d@d', latest: 'now' };

const definition = new DashboardBuilder({
  title: 'SER licence',
  description:
    'Bytes received by SER (messageSizeTotal, what counts against the licence) since license_start, against annual_throughput: use, burn rate over the last 30 days and the forecast date the licence runs out.',
  defaultEarliest: '-30d@d',
})
  .search(
    'ds_status',
    'Licence status per account',
    `\`ta_ser_mail_licence_status\`
     | eval used_gb=round(used_bytes / 1e9, 2), licence_gb=round(annual_throughput_bytes / 1e9, 1), burn_gb_per_day=round(burn_rate_bytes_per_day / 1e9, 3), exhaustion_date=coalesce(strftime(exhaustion_time, "%Y-%m-%d"), "not at this rate"), licence_end=strftime(license_end_time, "%Y-%m-%d")
     | eval days_short=round(days_to_licence_end - days_to_exhaustion, 1)
     | fields account licence_gb used_gb used_pct burn_gb_per_day days_to_exhaustion exhaustion_date licence_end days_to_licence_end days_short`,
    LICENCE_RANGE,
  )
  .chain(
    'ds_overall',
    'ds_status',
    'Licence status, all accounts',
    `| stats sum(used_gb) as used_gb, sum(licence_gb) as licence_gb, sum(burn_gb_per_day) as burn_gb_per_day, min(exhaustion_date) as exhaustion_date, min(days_to_exhaustion) as days_to_exhaustion, max(days_short) as days_short
     | eval used_pct=round(100 * used_gb / licence_gb, 1)`,
  )
  .chain(
    'ds_accounts',
    'ds_status',
    'Licence per account',
    `| table account licence_gb used_gb used_pct burn_gb_per_day days_to_exhaustion exhaustion_date licence_end
     | rename account as Account, licence_gb as "Licence (GB)", used_gb as "Used (GB)", used_pct as "Used %", burn_gb_per_day as "Burn (GB/day)", days_to_exhaustion as "Days left at this rate", exhaustion_date as "Forecast exhaustion", licence_end as "Licence ends"`,
  )
  .search(
    'ds_cumulative',
    'Cumulative use against an even pace',
    `\`ta_ser_mail_ser_latest\`
     | timechart span=1d sum(message_size_total) as bytes
     | eval joiner=1
     | join type=left joiner [search \`ta_ser_mail_index\` sourcetype="proofpoint:ser:entitlement" | stats latest(annual_throughput_bytes) as annual_bytes, latest(license_start_time) as start_time, latest(license_end_time) as end_time | eval joiner=1]
     | where isnull(start_time) OR _time >= relative_time(start_time, "@d")
     | streamstats sum(bytes) as used_bytes
     | eval used_gb=round(used_bytes / 1e9, 2), even_pace_gb=round(annual_bytes * (_time - start_time) / (end_time - start_time) / 1e9, 2)
     | fields _time used_gb even_pace_gb
     | rename used_gb as "used (GB)", even_pace_gb as "even pace (GB)"`,
    LICENCE_RANGE,
  )
  .search(
    'ds_daily',
    'Daily volume',
    `\`ta_ser_mail_ser_latest\`
     | timechart span=1d sum(message_size_total) as bytes
     | eval received_gb=round(bytes / 1e9, 3)
     | fields _time received_gb
     | rename received_gb as "received (GB)"`,
  )
  .search(
    'ds_apps',
    'Licence use per application',
    `\`ta_ser_mail_ser_latest\`
     | stats sum(message_size_total) as bytes by application_name
     | eval used_gb=round(bytes / 1e9, 3)
     | sort 0 - bytes
     | head 10
     | fields application_name used_gb
     | rename used_gb as "used (GB)"`,
    LICENCE_RANGE,
  )
  .row(ROW.kpi, [
    ['viz_used_pct', single('Licence used', 'ds_overall', { field: 'used_pct', unit: '%', precision: 1, colorRanges: [{ to: 75, value: COLOR.success }, { from: 75, to: 90, value: COLOR.tempFailure }, { from: 90, value: COLOR.failure }] })],
    ['viz_used_gb', single('Used since licence start', 'ds_overall', { field: 'used_gb', unit: 'GB', precision: 2 })],
    ['viz_burn', single('Burn rate (last 30 days)', 'ds_overall', { field: 'burn_gb_per_day', unit: 'GB/day', precision: 3 })],
    ['viz_exhaustion', single('Forecast exhaustion', 'ds_overall', {
        field: 'exhaustion_date',
        underLabel: 'at the last 30 days\' burn rate; red: before the licence ends',
        // days_short > 0: the licence runs out that many days before license_end.
        colorField: 'days_short',
        colorRanges: [{ to: 0, value: COLOR.success }, { from: 0, value: COLOR.failure }],
      })],
  ])
  .row(ROW.chart, [
    ['viz_cumulative', chart('line', 'Cumulative use since licence start vs. an even pace to annual_throughput', 'ds_cumulative', { yTitle: 'GB', colors: { 'used (GB)': COLOR.neutral, 'even pace (GB)': COLOR.muted } })],
    ['viz_apps', chart('bar', 'Use per application since licence start (top 10)', 'ds_apps', { yTitle: 'GB', colors: { 'used (GB)': COLOR.neutral } })],
  ], [3, 2])
  .row(ROW.chart, [['viz_daily', chart('column', 'Volume received by SER per day (time picker range)', 'ds_daily', { yTitle: 'GB', colors: { 'received (GB)': COLOR.inProgress } })]])
  .row(ROW.shortTable, [['viz_accounts', table('Licence per account', 'ds_accounts')]])
  .build();

export const licenceDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_licence',
  label: 'SER licence',
  description: definition.description,
  definition,
};
