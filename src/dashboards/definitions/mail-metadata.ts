import type { ShippedDashboard } from '../definition.js';
import { chart, COLOR, DashboardBuilder, ROW, single, table, toSearch } from '../style.js';

/**
 * One row per message, not per mailbox copy: an internal message collected from the
 * sender's and two recipients' mailboxes is three events with one message_uid. The base
 * search groups the copies by message_uid (the only transforming step over raw events);
 * every panel post-processes those rows.
 *
 * After hours is judged in the sender's own time zone: the copy in the sender's mailbox
 * (is_sent) is timed in its owner's time_zone_offset (mail:user). The filters apply to copies
 * before grouping: "Mailbox" is the mailbox owner, "Person" a sender, recipient or owner,
 * "Domain" a sender or recipient domain.
 */
const definition = new DashboardBuilder({
  title: 'Mail metadata',
  description:
    'Mail seen by the mailbox connectors (mail:message), counted as messages (message_uid), not mailbox copies: volume by direction (inbound, outbound, internal: from the organisation\'s domains), who sends and receives most, mail leaving the organisation, automatic mail and mail sent outside working hours (08:00-19:00 Monday to Friday in the sender\'s own time zone, from mail:user time_zone_offset).',
  defaultEarliest: '-7d@h',
})
  .textFilter('input_mailbox', 'Mailbox (owner)', 'mailbox')
  .textFilter('input_person', 'Person (sender, recipient or owner)', 'person')
  .textFilter('input_domain', 'Domain (sender or recipient)', 'domain')
  .search(
    'ds_messages',
    'Messages: mailbox copies grouped by message_uid',
    `\`ta_ser_mail_index\` sourcetype="mail:message" user="$mailbox$" (src_user="$person$" OR recipient="$person$" OR user="$person$") (src_user_domain="$domain$" OR recipient_domain="$domain$" OR user="*@$domain$")
     | join type=left max=1 user [search \`ta_ser_mail_index\` sourcetype="mail:user" earliest=-30d@d | stats latest(time_zone_offset) as time_zone_offset by email | rename email as user]
     | eval tz=coalesce(time_zone_offset, "UTC")
     | eval offset_seconds=\`ta_ser_mail_tz_offset_seconds(tz)\`, local_hour=floor((((_time + offset_seconds) % 86400) + 86400) % 86400 / 3600)
     | eval sent_after_hours=if(is_sent="true", if(\`ta_ser_mail_after_hours(_time, offset_seconds)\`, 1, 0), null()), sent_hour=if(is_sent="true", local_hour, null()), automatic=if(is_automatic="true", 1, 0)
     | stats min(_time) as _time, first(direction) as direction, first(src_user) as src_user, first(src_user_domain) as src_user_domain, values(recipient) as recipient, values(recipient_domain) as recipient_domain, max(sent_after_hours) as after_hours, max(sent_hour) as sent_hour, min(local_hour) as copy_hour, max(automatic) as automatic, dc(user) as mailboxes by message_uid
     | eval hour=coalesce(sent_hour, copy_hour)`,
  )
  .search(
    'ds_trend',
    'Messages per day, last 90 days (CIM Email data model)',
    // tstats over the Email data model: fast where it is accelerated; summariesonly=false reads
    // raw events for any range the summaries do not cover (the documented fallback). One
    // Message-ID is one message in every mailbox, so dc(message_id) counts messages.
    `| tstats summariesonly=false dc(All_Email.message_id) as messages from datamodel=Email.All_Email where \`ta_ser_mail_index\` sourcetype="mail:message" All_Email.user="$mailbox$" (All_Email.src_user="$person$" OR All_Email.recipient="$person$" OR All_Email.user="$person$") (All_Email.src_user_domain="$domain$" OR All_Email.recipient_domain="$domain$" OR All_Email.user="*@$domain$") by _time span=1d`,
    { earliest: '-90d@d', latest: 'now' },
  )
  .chain(
    'ds_kpis',
    'ds_messages',
    'Totals',
    `| stats count as messages, sum(eval(if(direction="outbound", 1, 0))) as outbound, sum(eval(if(direction="inbound", 1, 0))) as inbound, sum(after_hours) as after_hours_messages, sum(automatic) as automatic_messages, sum(mailboxes) as copies
     | eval outbound_pct=round(100 * outbound / max(messages, 1), 1)`,
  )
  .chain('ds_volume', 'ds_messages', 'Messages over time by direction', '| timechart span=1h count by direction')
  .chain(
    'ds_hours',
    'ds_messages',
    'Messages by hour of day (sender\'s local time)',
    `| eval period=case(after_hours=1, "after hours", after_hours=0, "working hours", direction="inbound", "received from outside", true(), "sender's mailbox not collected")
     | chart count over hour by period`,
  )
  .chain(
    'ds_senders',
    'ds_messages',
    'Top senders',
    `| eventstats count as all_messages
     | stats count as messages, max(all_messages) as all_messages by src_user
     | eval share=round(100 * messages / all_messages, 1)
     | sort 0 - messages
     | head 10
     | table src_user messages share
     | rename src_user as Sender, messages as Messages, share as "% of messages"`,
  )
  .chain(
    'ds_recipients',
    'ds_messages',
    'Top recipients',
    // values(recipient) lists each address once per message, so count = messages to it.
    `| eventstats count as all_messages
     | mvexpand recipient
     | stats count as messages, max(all_messages) as all_messages by recipient
     | eval share=round(100 * messages / all_messages, 1)
     | sort 0 - messages
     | head 10
     | table recipient messages share
     | rename recipient as Recipient, messages as Messages, share as "% of messages"`,
  )
  .chain(
    'ds_external',
    'ds_messages',
    'Outbound mail by recipient domain',
    `| where direction="outbound"
     | mvexpand recipient_domain
     | where recipient_domain!=src_user_domain
     | stats count as messages, dc(src_user) as senders by recipient_domain
     | sort 0 - messages
     | head 10
     | rename recipient_domain as "Recipient domain", messages as Messages, senders as "Internal senders"`,
  )
  .chain(
    'ds_inbound',
    'ds_messages',
    'Inbound mail by sender domain',
    `| where direction="inbound"
     | stats count as messages, dc(src_user) as senders by src_user_domain
     | sort 0 - messages
     | head 10
     | rename src_user_domain as "Sender domain", messages as Messages, senders as "External senders"`,
  )
  .chain(
    'ds_automatic',
    'ds_messages',
    'Automatic mail by sender',
    `| where automatic=1
     | stats count as messages by src_user
     | sort 0 - messages
     | head 10
     | rename src_user as Sender, messages as "Automatic messages"`,
  )
  .chain(
    'ds_after_hours',
    'ds_messages',
    'After-hours senders',
    `| where after_hours=1
     | stats count as messages, dc(recipient) as recipients by src_user
     | sort 0 - messages
     | head 10
     | rename src_user as Sender, messages as "Sent after hours", recipients as Recipients`,
  )
  .row(ROW.kpi, [
    ['viz_messages', single('Messages', 'ds_kpis', { field: 'messages' })],
    ['viz_outbound', single('Sent outside the organisation', 'ds_kpis', { field: 'outbound_pct', unit: '%', precision: 1, color: COLOR.tempFailure })],
    ['viz_inbound', single('Received from outside', 'ds_kpis', { field: 'inbound', color: COLOR.inProgress })],
    ['viz_automatic', single('Automatic', 'ds_kpis', { field: 'automatic_messages', color: COLOR.inProgress })],
    ['viz_after_hours', single('Sent after hours', 'ds_kpis', { field: 'after_hours_messages', color: COLOR.attention })],
  ])
  .row(ROW.chart, [
    ['viz_volume', chart('column', 'Messages over time by direction', 'ds_volume', { stacked: true, colors: { outbound: COLOR.tempFailure, inbound: COLOR.inProgress, internal: COLOR.neutral }, yTitle: 'messages' })],
    ['viz_hours', chart('column', 'Messages by hour of day (sender\'s local time)', 'ds_hours', { stacked: true, colors: { 'working hours': COLOR.neutral, 'after hours': COLOR.attention, 'received from outside': COLOR.muted }, xTitle: 'hour' })],
  ])
  .row(ROW.chart, [['viz_trend', chart('column', 'Messages per day, last 90 days (Email data model; messages with a Message-ID)', 'ds_trend', { colors: { messages: COLOR.neutral }, yTitle: 'messages' })]])
  .row(ROW.tallTable, [
    ['viz_senders', table('Top senders (% of messages)', 'ds_senders')],
    ['viz_recipients', table('Top recipients (% of messages that include them)', 'ds_recipients')],
  ])
  .row(ROW.mediumTable, [
    ['viz_external_domains', table('Outbound mail by recipient domain', 'ds_external', undefined, { 'Recipient domain': 200 })],
    ['viz_inbound_domains', table('Inbound mail by sender domain', 'ds_inbound', undefined, { 'Sender domain': 200 })],
  ])
  .row(ROW.mediumTable, [
    ['viz_automatic_senders', table('Automatic mail by sender', 'ds_automatic')],
    ['viz_after_hours_senders', table('Sending after hours (sender\'s time zone)', 'ds_after_hours', undefined, { Sender: 200, Recipients: 100 })],
  ])
  // A sender → its messages' mailbox copies.
  .drilldown('viz_senders', toSearch('`ta_ser_mail_index` sourcetype="mail:message" src_user="$row.Sender.value$" | table _time message_uid user direction src_user recipient subject'))
  .build();

export const mailMetadataDashboard: ShippedDashboard = {
  view: 'ta_ser_mail_mail_metadata',
  label: 'Mail metadata',
  description: definition.description,
  definition,
};
