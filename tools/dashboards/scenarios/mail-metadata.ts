import { t, type Scenario } from './scenario.js';

/**
 * Mail metadata, Thursday 5 March 2026 (filters on *). The organisation is example.com.
 * Owners' time zones (mail:user): ann +01:00, bob UTC, cy +09:00 (Tokyo); dee has none (UTC).
 *  m1 internal: ann -> bob, cy at 07:30 UTC; seen in THREE mailboxes (ann's sent copy, bob's
 *     and cy's inbox copies): one message. ann's local time 08:30: working hours.
 *  m2 inbound from an external sender (news@vendor.test, automatic) to ann and dee at 09:00.
 *  m3 outbound: cy -> partner@client.test, bob at 11:00 UTC = 20:00 in Tokyo: after hours
 *     (in UTC it would look like working hours).
 *  m4 outbound: ann -> partner@client.test, other@client2.test on Wednesday 4 March 18:30 UTC
 *     = 19:30 at +01:00: after hours (18:30 in UTC would not be).
 * 8 mailbox copies, 4 messages. Outbound 2 of 4 = 50 %.
 */
const copy = (uid: string, user: string, time: string, isSent: boolean, m: Record<string, unknown>) => ({ _time: time, message_uid: uid, message_id: `<${uid}>`, user, is_sent: isSent, ...m });
const m1 = { direction: 'internal', src_user: 'ann@example.com', src_user_domain: 'example.com', recipient: ['bob@example.com', 'cy@example.com'], recipient_domain: ['example.com'] };
const m2 = { direction: 'inbound', src_user: 'news@vendor.test', src_user_domain: 'vendor.test', recipient: ['ann@example.com', 'dee@example.com'], recipient_domain: ['example.com'], is_automatic: true };
const m3 = { direction: 'outbound', src_user: 'cy@example.com', src_user_domain: 'example.com', recipient: ['partner@client.test', 'bob@example.com'], recipient_domain: ['client.test', 'example.com'] };
const m4 = { direction: 'outbound', src_user: 'ann@example.com', src_user_domain: 'example.com', recipient: ['partner@client.test', 'other@client2.test'], recipient_domain: ['client.test', 'client2.test'] };

export const mailMetadataScenario: Scenario = {
  target: 'ta_ser_mail_mail_metadata',
  story: 'One internal message in three mailboxes, inbound mail from outside, mailboxes in other time zones',
  now: '2026-03-05T12:00:00Z',
  events: {
    'mail:user': [
      { email: 'ann@example.com', time_zone_offset: '+01:00' },
      { email: 'bob@example.com', time_zone_offset: 'UTC' },
      { email: 'cy@example.com', time_zone_offset: '+09:00' },
    ],
    'mail:message': [
      copy('m1@example.com', 'ann@example.com', '2026-03-05T07:30:00Z', true, m1),
      copy('m1@example.com', 'bob@example.com', '2026-03-05T07:31:00Z', false, m1),
      copy('m1@example.com', 'cy@example.com', '2026-03-05T07:31:00Z', false, m1),
      copy('m2@vendor.test', 'ann@example.com', '2026-03-05T09:00:00Z', false, m2),
      copy('m2@vendor.test', 'dee@example.com', '2026-03-05T09:00:00Z', false, m2),
      copy('m3@example.com', 'cy@example.com', '2026-03-05T11:00:00Z', true, m3),
      copy('m3@example.com', 'bob@example.com', '2026-03-05T11:01:00Z', false, m3),
      copy('m4@example.com', 'ann@example.com', '2026-03-04T18:30:00Z', true, m4),
    ],
  },
  searches: {
    ds_messages: {
      question: 'One row per message (message_uid): its direction, sender, recipients, whether the sender sent it after hours in their own time zone, and how many mailboxes hold it.',
      // Local hours: m1 ann 08 (bob 07, cy 16); m2 ann 10, dee 09 (received only); m3 cy 20 (bob 11); m4 ann 19.
      groupings: ['stats by email', 'stats by message_uid'],
      requires: ['user="$mailbox$"', '(src_user="$person$" OR recipient="$person$" OR user="$person$")', '(src_user_domain="$domain$" OR recipient_domain="$domain$" OR user="*@$domain$")', 'if(is_sent="true"'],
      range: { earliest: '$global_time.earliest$', latest: '$global_time.latest$' },
      expect: {
        fields: ['message_uid', '_time', 'direction', 'src_user', 'src_user_domain', 'recipient', 'recipient_domain', 'after_hours', 'sent_hour', 'copy_hour', 'automatic', 'mailboxes', 'hour'],
        rows: [
          ['m1@example.com', t('2026-03-05T07:30:00'), 'internal', 'ann@example.com', 'example.com', ['bob@example.com', 'cy@example.com'], ['example.com'], 0, 8, 7, 0, 3, 8],
          ['m2@vendor.test', t('2026-03-05T09:00:00'), 'inbound', 'news@vendor.test', 'vendor.test', ['ann@example.com', 'dee@example.com'], ['example.com'], null, null, 9, 1, 2, 9],
          ['m3@example.com', t('2026-03-05T11:00:00'), 'outbound', 'cy@example.com', 'example.com', ['bob@example.com', 'partner@client.test'], ['client.test', 'example.com'], 1, 20, 11, 0, 2, 20],
          ['m4@example.com', t('2026-03-04T18:30:00'), 'outbound', 'ann@example.com', 'example.com', ['other@client2.test', 'partner@client.test'], ['client.test', 'client2.test'], 1, 19, 19, 0, 1, 19],
        ],
      },
    },
    ds_trend: {
      question: 'How many messages per day over the last 90 days (accelerated Email data model)?',
      // dc(message_id): 4 March m4 = 1; 5 March m1 (three copies), m2 (two), m3 (two) = 3.
      groupings: ['tstats by _time'],
      requires: ['summariesonly=false', 'from datamodel=Email.All_Email', 'All_Email.user="$mailbox$"'],
      range: { earliest: '-90d@d', latest: 'now' },
      expect: { fields: ['_time', 'messages'], rows: [[t('2026-03-04'), 1], [t('2026-03-05'), 3]] },
    },
    ds_kpis: {
      question: 'Messages (not copies), sent outside (%), received from outside, automatic, sent after hours.',
      groupings: ['stats by message_uid', 'stats'],
      expect: { fields: ['messages', 'outbound', 'inbound', 'after_hours_messages', 'automatic_messages', 'copies', 'outbound_pct'], rows: [[4, 2, 1, 2, 1, 8, 50]] },
    },
    ds_volume: {
      question: 'Messages per hour by direction (empty hours omitted).',
      groupings: ['stats by message_uid', 'timechart by direction'],
      splitValues: ['inbound', 'internal', 'outbound'],
      expect: {
        fields: ['_time', 'inbound', 'internal', 'outbound'],
        rows: [
          [t('2026-03-04T18:00:00'), 0, 0, 1],
          [t('2026-03-05T07:00:00'), 0, 1, 0],
          [t('2026-03-05T09:00:00'), 1, 0, 0],
          [t('2026-03-05T11:00:00'), 0, 0, 1],
        ],
      },
    },
    ds_hours: {
      question: 'Messages by hour of day in the sender\'s local time (received from outside: the recipient mailbox\'s).',
      groupings: ['stats by message_uid', 'chart by hour, period'],
      splitValues: ['after hours', 'received from outside', 'working hours'],
      expect: {
        fields: ['hour', 'after hours', 'received from outside', 'working hours'],
        rows: [
          [8, 0, 0, 1],
          [9, 0, 1, 0],
          [19, 1, 0, 0],
          [20, 1, 0, 0],
        ],
      },
    },
    ds_senders: {
      question: 'Who sends most messages, and what share of all messages is that?',
      groupings: ['stats by message_uid', 'eventstats', 'stats by src_user'],
      expect: {
        fields: ['Sender', 'Messages', '% of messages'],
        rows: [
          ['ann@example.com', 2, 50],
          ['cy@example.com', 1, 25],
          ['news@vendor.test', 1, 25],
        ],
      },
    },
    ds_recipients: {
      question: 'Who receives most messages, and what share of all messages includes them?',
      groupings: ['stats by message_uid', 'eventstats', 'stats by recipient'],
      requires: ['values(recipient) as recipient', 'mvexpand recipient'],
      expect: {
        fields: ['Recipient', 'Messages', '% of messages'],
        rows: [
          ['bob@example.com', 2, 50],
          ['partner@client.test', 2, 50],
          ['ann@example.com', 1, 25],
          ['cy@example.com', 1, 25],
          ['dee@example.com', 1, 25],
          ['other@client2.test', 1, 25],
        ],
      },
    },
    ds_external: {
      question: 'To which outside domains does outbound mail go, from how many internal senders?',
      groupings: ['stats by message_uid', 'stats by recipient_domain'],
      requires: ['where direction="outbound"'],
      expect: { fields: ['Recipient domain', 'Messages', 'Internal senders'], rows: [['client.test', 2, 2], ['client2.test', 1, 1]] },
    },
    ds_inbound: {
      question: 'From which outside domains does inbound mail come?',
      groupings: ['stats by message_uid', 'stats by src_user_domain'],
      requires: ['where direction="inbound"'],
      expect: { fields: ['Sender domain', 'Messages', 'External senders'], rows: [['vendor.test', 1, 1]] },
    },
    ds_automatic: {
      question: 'Who sends automatic mail?',
      groupings: ['stats by message_uid', 'stats by src_user'],
      expect: { fields: ['Sender', 'Automatic messages'], rows: [['news@vendor.test', 1]] },
    },
    ds_after_hours: {
      question: 'Who sends mail outside 08:00–19:00 Monday to Friday in their own time zone?',
      groupings: ['stats by message_uid', 'stats by src_user'],
      expect: { fields: ['Sender', 'Sent after hours', 'Recipients'], rows: [['ann@example.com', 1, 2], ['cy@example.com', 1, 2]] },
    },
  },
};
