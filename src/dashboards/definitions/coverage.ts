import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table } from '../style.js';

const definition = new DashboardBuilder({
  title: 'SER coverage',
  description:
    'Proof that the SER input read every window: one coverage event per window delivered, even without traffic. A gap between two delivered windows is listed plainly; lag is how far the newest delivered window (the checkpoint) trails now.',
  defaultEarliest: '-7d@h',
})
  .search(
    'ds_coverage',
    'Coverage events, one per window and input',
    // Revisions are chosen after a stats (one row per window and revision), never over raw events.
    `\`ta_ser_mail_index\` sourcetype="proofpoint:ser:coverage"
     | stats min(_time) as _time, max(window_end_time) as window_end_time, max(window_seconds) as window_seconds, max(application_users) as application_users, max(total) as total by account, source, window_start, revision
     | eventstats max(revision) as latest_revision by account, source, window_start
     | where revision=latest_revision
     | fields - latest_revision window_start`,
  )
  .chain(
    'ds_gaps',
    'ds_coverage',
    'Gaps between delivered windows',
    `| sort 0 account source _time
     | streamstats current=f last(window_end_time) as previous_end by account, source
     | where isnotnull(previous_end) AND _time > previous_end
     | eval gap_from=strftime(previous_end, "%Y-%m-%d %H:%M %Z"), gap_to=strftime(_time, "%Y-%m-%d %H:%M %Z"), missing_hours=round((_time - previous_end) / 3600, 1)
     | table account source gap_from gap_to missing_hours
     | rename account as Account, source as Input, gap_from as "Gap from", gap_to as "Gap to", missing_hours as "Hours missing"`,
  )
  .chain('ds_gap_count', 'ds_gaps', 'Number of gaps', '| stats count as gaps')
  .chain(
    'ds_checkpoints',
    'ds_coverage',
    'Last checkpoint per input',
    `| stats max(window_end_time) as checkpoint_time, count as windows, max(revision) as max_revision by account, source
     | eval lag_minutes=round((now() - checkpoint_time) / 60, 0), checkpoint=strftime(checkpoint_time, "%Y-%m-%d %H:%M %Z")`,
  )
  .chain(
    'ds_checkpoint_table',
    'ds_checkpoints',
    'Last checkpoint per input, table',
    `| table account source checkpoint lag_minutes windows max_revision
     | rename account as Account, source as Input, checkpoint as "Last checkpoint (window end)", lag_minutes as "Lag (min)", windows as "Windows delivered", max_revision as "Highest revision"`,
  )
  .chain('ds_lag', 'ds_checkpoints', 'Worst input lag', '| stats max(lag_minutes) as lag_minutes')
  .chain('ds_windows', 'ds_coverage', 'Windows delivered', '| stats count as windows, sum(eval(if(revision > 0, 1, 0))) as restated')
  .chain(
    'ds_windows_time',
    'ds_coverage',
    'Coverage per hour, all inputs',
    // An hour is covered when some window delivered so far ends after it starts; an uncovered
    // hour before the newest checkpoint is a gap, one after it is simply not read yet (lag).
    `| timechart span=1h max(window_end_time) as window_end
     | streamstats max(window_end) as covered_until
     | eventstats max(window_end) as checkpoint_time
     | eval covered=if(covered_until > _time, 1, 0), gap=if(covered_until <= _time AND _time < checkpoint_time, 1, 0), not_read=if(_time >= checkpoint_time, 1, 0)
     | fields _time covered gap not_read
     | rename not_read as "not read yet"`,
  )
  .chain('ds_traffic_time', 'ds_coverage', 'Messages per window', '| timechart span=1h sum(total) as messages')
  .row(ROW.kpi, [
    ['viz_gaps', single('Gaps in coverage', 'ds_gap_count', { field: 'gaps', colorRanges: [{ to: 1, value: COLOR.success }, { from: 1, value: COLOR.failure }] })],
    ['viz_lag', single('Worst input lag', 'ds_lag', { field: 'lag_minutes', unit: 'min', colorRanges: [{ to: 120, value: COLOR.success }, { from: 120, to: 240, value: COLOR.tempFailure }, { from: 240, value: COLOR.failure }] })],
    ['viz_windows', single('Windows delivered', 'ds_windows', { field: 'windows' })],
    ['viz_restated', single('Windows restated (revision > 0)', 'ds_windows', { field: 'restated', color: COLOR.inProgress })],
  ])
  .row(ROW.chart, [
    [
      'viz_windows_time',
      chart('column', 'Coverage per hour (red: gap, no window delivered; grey: after the newest checkpoint)', 'ds_windows_time', {
        stacked: true,
        hideYLabels: true,
        colors: { covered: COLOR.success, gap: COLOR.failure, 'not read yet': COLOR.muted },
      }),
    ],
    ['viz_gap_table', table('Gaps between delivered windows', 'ds_gaps', 'Empty when every window from the first to the last was delivered.', { Input: 210 })],
  ])
  .row(ROW.mediumTable, [['viz_checkpoints', table('Last checkpoint per input', 'ds_checkpoint_table', 'The checkpoint is the end of the newest window delivered; lag is now minus the checkpoint (window size and settle delay included).')]])
  .row(ROW.chart, [
    ['viz_traffic_time', chart('line', 'Messages per window (a window without traffic still has its coverage event)', 'ds_traffic_time', { colors: { messages: COLOR.neutral }, yTitle: 'messages' })],
  ])
  .build();

export const coverageDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_coverage',
  label: 'SER coverage',
  description: definition.description,
  definition,
};
