import type { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';
import type { ConfFile as ConfStanzas } from '../splunk/conf-file.js';
import { EVENT_SCHEMAS } from './vocabulary.js';

/**
 * The field table of each sourcetype, written from the code's event schemas (names as Splunk's
 * KV_MODE=json gives them, the zod `.describe()` text) plus the search-time fields props.conf
 * adds; docs/fields.md is rendered whole from them, and a test keeps it equal to this output.
 */
interface Def {
  type: string;
  [k: string]: unknown;
}
type Node = z.ZodType & { _zod: { def: Def }; description?: string };

interface Row {
  field: string;
  type: string;
  description: string;
}

function walk(node: Node, prefix: string, desc: string | undefined, optional: boolean, out: Row[]): void {
  const def = node._zod.def;
  const d = node.description ?? desc;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, Node>;
      if (!prefix) {
        for (const [k, v] of Object.entries(shape)) walk(v, k, undefined, false, out);
        return;
      }
      for (const [k, v] of Object.entries(shape)) walk(v, `${prefix}.${k}`, undefined, optional, out);
      return;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      walk(def.innerType as Node, prefix, d, true, out);
      return;
    case 'pipe':
      walk(def.out as Node, prefix, d, optional, out);
      return;
    case 'array': {
      const el = def.element as Node;
      if (el._zod.def.type === 'object') {
        walk(el, `${prefix}{}`, d, optional, out);
        return;
      }
      out.push({ field: `${prefix}{}`, type: `list of ${typeName(el)}`, description: d ?? '' });
      return;
    }
    default:
      out.push({ field: prefix, type: typeName(node), description: d ?? '' });
  }
  void optional;
}

function typeName(node: Node): string {
  const def = node._zod.def;
  switch (def.type) {
    case 'literal':
      return `"${String((def.values as unknown[])[0])}"`;
    case 'enum':
      return Object.values(def.entries as Record<string, string>).join(' \\| ');
    case 'union':
      return (def.options as Node[]).map(typeName).join(' or ');
    case 'optional':
    case 'nullable':
    case 'default':
      return typeName(def.innerType as Node);
    case 'record':
      return 'object';
    default:
      return def.type;
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function fieldTable(sourcetype: string, props: ConfStanzas): string {
  const schema = EVENT_SCHEMAS[sourcetype] as Node | undefined;
  if (!schema) throw new Error(`no event schema for ${sourcetype}`);
  const rows: Row[] = [];
  walk(schema, '', undefined, false, rows);
  const lines = ['| field | type | meaning |', '|---|---|---|'];
  // Descriptions are prose: angle brackets would read as HTML tags in Markdown.
  for (const r of rows) lines.push(`| \`${r.field}\` | ${r.type} | ${cell(r.description).replace(/</g, '&lt;').replace(/>/g, '&gt;')} |`);
  const stanza = props.get(sourcetype);
  for (const [key, value] of stanza ?? []) {
    if (key.startsWith('EVAL-')) lines.push(`| \`${key.slice(5)}\` | props.conf | \`${cell(value)}\` |`);
    if (key.startsWith('FIELDALIAS-')) lines.push(`| ${cell(value)} | props.conf alias | |`);
  }
  return lines.join('\n');
}

/** Where the generated fields reference lives, relative to the repository root. */
export const FIELDS_DOC_PATH = 'docs/fields.md';

/** The command that rewrites it; the drift test names it. */
export const FIELDS_DOC_COMMAND = 'npm run generate';

// A heading the way GitHub renders it into an anchor, so the index can link each section.
const anchor = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/**
 * The whole of docs/fields.md: every sourcetype's table, in SOURCETYPES order, from the event
 * schemas (src/{ser,mail,send,service}/event-schema.ts) and props.conf. Pure: the same schemas
 * and props.conf give the same text, so a test can hold the committed file to it.
 */
export function fieldsReferenceMarkdown(props: ConfStanzas): string {
  const sourcetypes = Object.values(SOURCETYPES);
  const parts = [
    '<!-- Generated from the event schemas (src/*/event-schema.ts) and props.conf by',
    `     \`${FIELDS_DOC_COMMAND}\`; do not edit: change the zod .describe() text instead. -->`,
    '',
    '# Fields reference',
    '',
    'The fields of each sourcetype the add-on emits, as Splunk names them with `KV_MODE = json`',
    '(a list is `name{}`, a field of a list of objects `name{}.field`), with the type and meaning',
    'the code declares. Rows typed *props.conf* are added at search time by the app\'s `props.conf`',
    '(calculated fields and aliases: a list also gets its plain CIM name). Every event also carries',
    'the indexed field `event_id` (delivery is at-least-once: `| dedup event_id` removes a',
    'duplicate). What each sourcetype is and how to search it: [dashboards.md](dashboards.md).',
    '',
    ...sourcetypes.map((st) => `- [\`${st}\`](#${anchor(st)})`),
  ];
  for (const st of sourcetypes) parts.push('', `## \`${st}\``, '', fieldTable(st, props));
  return `${parts.join('\n')}\n`;
}
