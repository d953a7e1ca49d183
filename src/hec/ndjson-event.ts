import { eventId, eventSchema, type SplunkEvent } from '../core/event.js';
import { ConfigError } from '../core/errors.js';

/**
 * One NDJSON line → one event, for `forward` (an admin replaying a file). The line is a full
 * event object (time, sourcetype, event, optional host/source/index/fields/id). Without an
 * id, the id is derived from the line itself, so replaying the same file twice yields the
 * same ids and `dedup event_id` removes the second copy.
 */
export class BadLineError extends ConfigError {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** Unknown keys are refused: a misspelt `sourcetyp` must not vanish silently. */
const lineSchema = eventSchema.strict();

/** Returns the event, undefined for a blank line, or throws BadLineError naming line and field. */
export function eventFromLine(text: string, line: number): SplunkEvent | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch (err) {
    throw new BadLineError(line, `not JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadLineError(line, 'expected a JSON object such as {"time": 1700000000.5, "sourcetype": "…", "event": {…}}');
  }
  const o = raw as Record<string, unknown>;
  const candidate = o.id === undefined ? { ...o, id: eventId('forward', trimmed) } : o;
  const parsed = lineSchema.safeParse(candidate);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const field = i.path.length > 0 ? i.path.join('.') : (i as { keys?: string[] }).keys?.join(', ') ?? '(object)';
    const message = i.code === 'invalid_union' ? 'expected a non-empty string or a JSON object' : i.message;
    throw new BadLineError(line, `field "${field}": ${message}`);
  }
  return parsed.data;
}
