import { hash } from 'node:crypto';
import { z } from 'zod';

/**
 * The one event shape every source makes and every sink delivers. It mirrors HEC's event
 * JSON so the HEC sink only serialises; `id` travels as the indexed field `event_id`, so
 * `| dedup event_id` (or tstats on it) removes the duplicates at-least-once delivery allows.
 */
export const fieldValueSchema = z.union([z.string(), z.array(z.string())]);

export const eventSchema = z.object({
  time: z.number().nonnegative().describe('epoch seconds, millisecond precision'),
  host: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  sourcetype: z.string().min(1),
  index: z.string().min(1).optional(),
  event: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  fields: z.record(z.string(), fieldValueSchema).optional(),
  id: z.string().min(1).describe('deterministic id: the same fact always gets the same id'),
});

export type SplunkEvent = z.infer<typeof eventSchema>;

/** Indexed field name that carries SplunkEvent.id. */
export const EVENT_ID_FIELD = 'event_id';

/** Deterministic id from the parts that identify a fact (e.g. account, window, app user, revision). */
export function eventId(...parts: Array<string | number>): string {
  // unit separator after each part: ("ab","c") and ("a","bc") differ. One-shot crypto.hash is
  // ~3x faster than createHash for these short inputs (the mail receiver hashes every message).
  let text = '';
  for (const p of parts) text += `${String(p)}\u001f`;
  return hash('sha256', text, 'hex').slice(0, 32);
}

/** Epoch seconds with millisecond precision, the form HEC and the XML stream take. */
export function toEpochSeconds(ms: number | Date): number {
  const v = typeof ms === 'number' ? ms : ms.getTime();
  return Math.round(v) / 1000;
}

/** The HEC JSON of one event, with its id as an indexed field. */
export function toHecJson(e: SplunkEvent): string {
  const out: Record<string, unknown> = { time: e.time };
  if (e.host !== undefined) out.host = e.host;
  if (e.source !== undefined) out.source = e.source;
  out.sourcetype = e.sourcetype;
  if (e.index !== undefined) out.index = e.index;
  out.event = e.event;
  out.fields = { ...e.fields, [EVENT_ID_FIELD]: e.id };
  return JSON.stringify(out);
}
