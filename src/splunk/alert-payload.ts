import { z } from 'zod';
import { AddonError } from '../core/errors.js';

/**
 * What splunkd writes to a custom alert action's stdin with `payload_format = json`
 * (SPLUNK.md "Custom alert actions"). Only what the action needs is required; everything
 * else is kept (loose) so a newer splunkd adding fields does not break the action.
 */
export const alertPayloadSchema = z.looseObject({
  app: z.string().default('').describe('app context of the saved search'),
  owner: z.string().default('').describe('owner of the saved search'),
  results_file: z.string().min(1).optional().describe('…/dispatch/<sid>/results.csv.gz: gzipped CSV with a header row'),
  results_link: z.string().optional().describe('link to the results in Splunk Web'),
  search_uri: z.string().optional().describe('REST path of the saved search'),
  server_host: z.string().default('').describe('host name of the search head'),
  server_uri: z.string().min(1).describe('splunkd management URI, e.g. https://127.0.0.1:8089'),
  session_key: z.string().min(1).describe('splunkd session key for REST calls (secret: never logged)'),
  sid: z.string().min(1).describe('search id of the run that fired the alert'),
  search_name: z.string().default('').describe('saved search name (empty for ad hoc)'),
  configuration: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}).describe('the action parameters, as strings'),
  result: z.record(z.string(), z.unknown()).optional().describe('the first result row; multivalue fields as arrays'),
});
export type AlertPayload = z.output<typeof alertPayloadSchema>;

export class AlertPayloadError extends AddonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ALERT_PAYLOAD_INVALID', message, options);
  }
}

/** Parses stdin text; the error names the field, never echoes the session key. */
export function parseAlertPayload(text: string): AlertPayload {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // V8 quotes the start of the text in some messages, and the payload holds the session key
    const why = (err as Error).message.replace(/, "[\s\S]*?"(\.\.\.)? is not valid JSON$/, '');
    throw new AlertPayloadError(`the alert payload on stdin is not JSON (is payload_format = json set in alert_actions.conf?): ${why}`);
  }
  const r = alertPayloadSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AlertPayloadError(`the alert payload field "${i.path.join('.') || '(root)'}" is invalid: ${i.message}`);
  }
  return r.data;
}
