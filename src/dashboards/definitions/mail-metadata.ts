import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table } from '../style.js';

const definition = new DashboardBuilder({
  title: 'Mail metadata',
  description:
    'Mail seen by the mailbox connectors (mail:message): volume, who sends and receives most, mail leaving the organisation, automatic mail and sending outside working hours (08:00-19:00 Monday to Friday; see the ta_ser_mail_after_hours macro).',
  defaultEarliest: '-7d@h',
})
  .search('ds_kpis', 'Totals',
    `\`ta_ser_mail_messages\`
     | stats count as messages, sum(eval(if(mvcount(external_recipient) > 0, 1, 0))) as external_messages, sum(after_hours) as after_hours_messages, sum(automatic) as automatic_messages
     | eval external_pct=round(100 * external_messages / max(messages, 1), 1)`,
  )
  .search('ds_volume', 'Messages over time', '`ta_ser_mail_messages` | timechart count by direction')
  .search('ds_hours', 'Messages by hour of day',
    `\`ta_ser_mail_messages\`
     | eval hour=strftime(_time, "%H"), period=if(after_hours=1, "after hours", "working hours")
     | chart count over hour by period`,
  )
  .search('ds_senders', 'Top senders',
    `\`ta_ser_mail_messages\`
     | top limit=10 src_user
     | eval percent=round(percent, 1)
     | rename src_user as Sender, count as Messages, percent as "%"`,
  )
  .search('ds_recipients', 'Top recipients',
    `\`ta_ser_mail_messages\`
     | mvexpand recipient
     | top limit=10 recipient
     | eval percent=round(percent, 1)
     | rename recipient as Recipient, count as Messages, percent as "%"`,
  )
  .search('ds_external', 'External recipient domains',
    `\`ta_ser_mail_messages\`
     | where mvcount(external_recipient) > 0
     | mvexpand external_recipient
     | eval domain=lower(replace(external_recipient, "^.*@", ""))
     | stats count as messages, dc(src_user) as senders by domain
     | sort 0 - messages
     | head 10
     | rename domain as "Recipient domain", messages as Messages, senders as "Internal senders"`,
  )
  .search('ds_automatic', 'Automatic mail by sender',
    `\`ta_ser_mail_messages\`
     | where automatic=1
     | stats count as messages by src_user
     | sort 0 - messages
     | head 10
     | rename src_user as Sender, messages as "Automatic messages"`,
  )
  .search('ds_after_hours', 'After-hours senders',
    `\`ta_ser_mail_messages\`
     | where after_hours=1 AND direction="outbound"
     | stats count as messages, dc(recipient) as recipients by src_user
     | sort 0 - messages
     | head 10
     | rename src_user as Sender, messages as "Sent after hours", recipients as Recipients`,
  )
  .row(ROW.kpi, [
    ['viz_messages', single('Messages', 'ds_kpis', { field: 'messages' })],
    ['viz_external', single('With external recipients', 'ds_kpis', { field: 'external_pct', unit: '%', precision: 1, color: COLOR.tempFailure })],
    ['viz_automatic', single('Automatic', 'ds_kpis', { field: 'automatic_messages', color: COLOR.inProgress })],
    ['viz_after_hours', single('After hours', 'ds_kpis', { field: 'after_hours_messages', color: COLOR.attention })],
  ])
  .row(ROW.chart, [
    ['viz_volume', chart('column', 'Messages over time', 'ds_volume', { stacked: true, colors: { outbound: COLOR.neutral, inbound: COLOR.inProgress }, yTitle: 'messages' })],
    ['viz_hours', chart('column', 'Messages by hour of day', 'ds_hours', { stacked: true, colors: { 'working hours': COLOR.neutral, 'after hours': COLOR.attention }, xTitle: 'hour' })],
  ])
  .row(ROW.tallTable, [
    ['viz_senders', table('Top senders', 'ds_senders')],
    ['viz_recipients', table('Top recipients', 'ds_recipients')],
  ])
  .row(ROW.tallTable, [
    ['viz_external_domains', table('External recipient domains', 'ds_external', undefined, { 'Recipient domain': 200 })],
    ['viz_automatic_senders', table('Automatic mail by sender', 'ds_automatic')],
    ['viz_after_hours_senders', table('Sending after hours', 'ds_after_hours', undefined, { Sender: 200, Recipients: 100 })],
  ])
  .build();

export const mailMetadataDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_mail_metadata',
  label: 'Mail metadata',
  description: definition.description,
  definition,
};
