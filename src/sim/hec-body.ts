/**
 * How the HEC simulator reads a `/services/collector/event` body: JSON objects concatenated
 * (no array, any whitespace between), each checked the way Splunk checks it. Like Splunk, a
 * body with one bad event has the events before it indexed (`indexed`) and the reply names the
 * bad one by `invalid-event-number`; the events after it are not indexed.
 */
export interface HecReply {
  status: number;
  body: { text: string; code: number; [k: string]: unknown };
}

export type ParsedBody = { ok: true; events: Array<Record<string, unknown>> } | { ok: false; reply: HecReply; indexed?: Array<Record<string, unknown>> };

const bad = (status: number, code: number, text: string, extra: Record<string, unknown> = {}): { ok: false; reply: HecReply } => ({
  ok: false,
  reply: { status, body: { text, code, ...extra } },
});

/** Splits concatenated top-level JSON values; throws on unbalanced braces or stray characters. */
export function splitConcatenatedJson(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      if (depth === 0) throw new SyntaxError(`unexpected string at offset ${i}`);
      inString = true;
    } else if (c === 123 /* { */) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 125 /* } */) {
      depth--;
      if (depth < 0) throw new SyntaxError(`unbalanced } at offset ${i}`);
      if (depth === 0) out.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      throw new SyntaxError(`unexpected character at offset ${i}`);
    }
  }
  if (depth !== 0 || inString) throw new SyntaxError('truncated JSON object');
  return out;
}

function isFlatFields(v: unknown): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const x of Object.values(v)) {
    if (typeof x === 'string' || typeof x === 'number') continue;
    if (Array.isArray(x) && x.every((y) => typeof y === 'string' || typeof y === 'number')) continue;
    return false;
  }
  return true;
}

/** Validates a decoded body against an index allow-list; `defaultIndex` fills in a missing index. */
export function parseEventBody(text: string, allowedIndexes: ReadonlySet<string>, defaultIndex: string): ParsedBody {
  if (text.trim().length === 0) return bad(400, 5, 'No data');
  let parts: string[];
  try {
    parts = splitConcatenatedJson(text);
  } catch {
    return bad(400, 6, 'Invalid data format', { 'invalid-event-number': 0 });
  }
  const events: Array<Record<string, unknown>> = [];
  for (let n = 0; n < parts.length; n++) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(parts[n]!) as Record<string, unknown>;
    } catch {
      return { ...bad(400, 6, 'Invalid data format', { 'invalid-event-number': n }), indexed: events };
    }
    if (!('event' in o)) return { ...bad(400, 12, 'Event field is required', { 'invalid-event-number': n }), indexed: events };
    if (o.event === '' || o.event === null) return { ...bad(400, 13, 'Event field cannot be blank', { 'invalid-event-number': n }), indexed: events };
    if (!isFlatFields(o.fields)) return { ...bad(400, 15, 'Error in handling indexed fields', { 'invalid-event-number': n }), indexed: events };
    const index = typeof o.index === 'string' ? o.index : defaultIndex;
    if (!allowedIndexes.has(index)) return { ...bad(400, 7, 'Incorrect index', { 'invalid-event-number': n }), indexed: events };
    events.push(o);
  }
  return { ok: true, events };
}

const ID_KEY = '"event_id":"';
const EVENT_KEY = '"event":';

/**
 * The benchmark path: count events by their `"event":` key and take each `"event_id":"…"` by
 * string search (native, fast), without splitting, parsing or checking the events. Not
 * strict — an event body that nests an "event" key would be counted twice — so it is only
 * for `skimEvents`, where the simulator must cost less CPU than the sender it measures.
 */
export function skimEventBody(text: string): ParsedBody {
  if (text.trim().length === 0) return bad(400, 5, 'No data');
  const events: Array<Record<string, unknown>> = [];
  for (let at = text.indexOf(EVENT_KEY); at >= 0; at = text.indexOf(EVENT_KEY, at + EVENT_KEY.length)) events.push({});
  let n = 0;
  for (let at = text.indexOf(ID_KEY); at >= 0 && n < events.length; at = text.indexOf(ID_KEY, at + ID_KEY.length)) {
    const from = at + ID_KEY.length;
    events[n++] = { fields: { event_id: text.slice(from, text.indexOf('"', from)) } };
  }
  if (events.length === 0) return bad(400, 12, 'Event field is required');
  return { ok: true, events };
}
