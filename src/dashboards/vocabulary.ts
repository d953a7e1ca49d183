import type { z } from 'zod';
import { EVENT_ID_FIELD } from '../core/event.js';
import { SOURCETYPES } from '../core/sourcetypes.js';
import { eventSchemas as mailSchemas, HEADER_FIELD_PREFIX } from '../mail/event-schema.js';
import { eventSchemas as sendSchemas } from '../send/event-schema.js';
import { eventSchemas as serSchemas } from '../ser/event-schema.js';
import { eventSchemas as serviceSchemas } from '../service/event-schema.js';
import type { ConfFile as ConfStanzas } from '../splunk/conf-file.js';
import { jsonFieldNames } from './event-fields.js';
import { summarySchemas } from './summary-schema.js';

/**
 * Which field names exist, per sourcetype: what the code emits (its zod event schemas, as
 * KV_MODE=json names them) plus what props.conf defines (EVAL-, FIELDALIAS-), plus Splunk's
 * own fields. This is what the consistency test holds every shipped search against.
 */
export const EVENT_SCHEMAS: Record<string, z.ZodType> = {
  ...serSchemas,
  ...mailSchemas,
  ...sendSchemas,
  ...serviceSchemas,
};

/** Fields every Splunk event has, plus the indexed id field the HEC sink adds. */
export const BUILTIN_FIELDS = new Set([
  '_time', '_raw', '_indextime', 'host', 'source', 'sourcetype', 'index', 'splunk_server', 'linecount',
  'eventtype', 'tag', 'punct', EVENT_ID_FIELD,
]);

/** Fields outside a schema's fixed shape that the code still emits, as patterns. */
const OPEN_FIELDS: Record<string, string[]> = {
  [SOURCETYPES.mailMessage]: [`${HEADER_FIELD_PREFIX}*`],
};

/**
 * Splunk's own logs the health dashboard reads (index=_internal): the fields splunkd.log
 * lines get at search time (component, log_level, event_message) and the key=value pairs
 * sendmodalert writes (action, sid, search).
 */
export const SPLUNK_LOG_FIELDS: Record<string, string[]> = {
  splunkd: ['component', 'log_level', 'event_message', 'action', 'sid', 'search', 'app'],
};

export type Vocabulary = Map<string, Set<string>>;

export function buildVocabulary(props: ConfStanzas): Vocabulary {
  const vocab: Vocabulary = new Map();
  for (const st of Object.values(SOURCETYPES)) {
    const schema = EVENT_SCHEMAS[st];
    if (!schema) throw new Error(`sourcetype ${st} has no exported event schema (src/<folder>/event-schema.ts eventSchemas)`);
    const names = new Set(jsonFieldNames(schema));
    // `spath path=a{}` reads a whole array of objects: its container name is a field too.
    for (const n of [...names]) {
      const i = n.indexOf('{}');
      if (i > 0) names.add(n.slice(0, i + 2));
    }
    for (const p of OPEN_FIELDS[st] ?? []) names.add(p);
    for (const f of propsFields(props.get(st))) names.add(f);
    vocab.set(st, names);
  }
  // Summary rows written by collect: their columns, plus what Splunk adds to stash events.
  for (const [source, schema] of Object.entries(summarySchemas)) vocab.set(source, new Set(jsonFieldNames(schema)));
  for (const [st, fields] of Object.entries(SPLUNK_LOG_FIELDS)) vocab.set(st, new Set(fields));
  return vocab;
}

/** Field names a props.conf stanza creates at search time. */
export function propsFields(stanza: Map<string, string> | undefined): string[] {
  if (!stanza) return [];
  const out: string[] = [];
  for (const [key, value] of stanza) {
    if (key.startsWith('EVAL-')) out.push(key.slice(5));
    if (key.startsWith('FIELDALIAS-')) {
      for (const m of value.matchAll(/\bAS\s+("[^"]+"|\S+)/gi)) out.push((m[1] as string).replace(/"/g, ''));
    }
  }
  return out;
}
