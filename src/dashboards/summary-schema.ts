import { z } from 'zod';

/**
 * The rows the app's scheduled summary searches write into `ta_ser_mail_summary_index` with
 * `collect` (sourcetype stash), keyed by their `source`. Like the event schemas, these are the
 * names the licence panels may read; a test holds each writer's output columns to them, and
 * docs/dashboards.md documents them.
 */
const run = z.number().describe('when the summary search ran (epoch seconds): readers keep the newest run per account and day');
const account = z.string().describe('SER account');

export const SUMMARY_SOURCES = {
  serDailyCoverage: 'ta_ser_mail:ser_daily_coverage',
  serDailyUse: 'ta_ser_mail:ser_daily_use',
} as const;

export const summarySchemas: Record<string, z.ZodObject> = {
  [SUMMARY_SOURCES.serDailyCoverage]: z.object({
    account,
    bytes: z.number().describe('message_size_total of the day (latest revision of every window): what counts against the licence'),
    messages: z.number().describe('messages of the day, all application users'),
    covered_seconds: z.number().describe('seconds of the day covered by delivered windows'),
    windows: z.number().describe('windows delivered for the day'),
    first_start: z.number().describe('start of the first window of the day (epoch seconds)'),
    last_end: z.number().describe('end of the last window of the day (epoch seconds)'),
    summary_run: run,
  }).describe('one row per SER account and day (_time = the day\'s start)'),
  [SUMMARY_SOURCES.serDailyUse]: z.object({
    account,
    application_name: z.string().describe('SER application'),
    bytes: z.number().describe('message_size_total of the application for the day (latest revision of every window)'),
    messages: z.number().describe('messages of the application for the day'),
    failure: z.number().describe('permanent failures of the application for the day'),
    summary_run: run,
  }).describe('one row per SER account, day and application (_time = the day\'s start)'),
};
