import { SOURCETYPES } from '../core/sourcetypes.js';
import type { ConfFile as ConfStanzas } from '../splunk/conf-file.js';
import type { DashboardDefinition } from './definition.js';
import { fieldMatches } from './event-fields.js';
import { expandMacros, MacroError, type Macros } from './macros.js';
import { readFields, type FieldUse } from './spl-fields.js';
import { searchOfUrl } from './style.js';
import { SUMMARY_SOURCES } from './summary-schema.js';
import type { Vocabulary } from './vocabulary.js';
import { BUILTIN_FIELDS, SPLUNK_LOG_FIELDS } from './vocabulary.js';

/**
 * Computed names the SPL reader cannot see being created. Keep this short: a name belongs
 * here only when a command makes it without `as` or `eval x=` (the reader sees those).
 */
export const COMPUTED_ALLOW_LIST = new Set<string>([
  // `timechart`/`chart` without `as` name their count column "count".
  'count',
]);

export const INDEX_MACRO = 'ta_ser_mail_index';
/** The CIM Email data model's root dataset, as tstats names its fields. */
export const EMAIL_DATASET = 'All_Email';
/** The summary index the scheduled summary searches write (src/dashboards/summary-schema.ts). */
export const SUMMARY_INDEX_MACRO = 'ta_ser_mail_summary_index';

export interface ShippedSearch {
  /** Where the search lives, for messages: "view ta_ser_mail_licence ds_used" or "savedsearch X". */
  where: string;
  spl: string;
}

export interface CheckContext {
  macros: Macros;
  vocabulary: Vocabulary;
  eventtypes: ConfStanzas;
}

/** Every problem found in one shipped search, each naming where it is. */
export function checkSearch(search: ShippedSearch, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const at = search.where;
  // Splunk's own _internal (splunkd.log) is the one index a search may name.
  if (/\bindex\s*=\s*(?!_internal\b)/.test(search.spl)) problems.push(`${at}: names an index directly; use \`${INDEX_MACRO}\``);
  const internalOnly = /\bindex\s*=\s*_internal\b/.test(search.spl);
  const used = new Set<string>();
  let expanded: string;
  try {
    expanded = expandMacros(search.spl, ctx.macros, used);
  } catch (err) {
    if (err instanceof MacroError) return [...problems, `${at}: ${err.message}`];
    throw err;
  }
  if (!used.has(INDEX_MACRO) && !used.has(SUMMARY_INDEX_MACRO) && !internalOnly) {
    problems.push(`${at}: does not start from \`${INDEX_MACRO}\` or \`${SUMMARY_INDEX_MACRO}\` (directly or through another macro)`);
  }
  problems.push(...checkScope(readFields(expanded), at, ctx));
  for (const m of expanded.matchAll(/\beventtype\s*=\s*"?([\w:-]+)"?/g)) {
    if (!ctx.eventtypes.has(m[1] as string)) problems.push(`${at}: eventtype ${m[1]} is not defined in eventtypes.conf`);
  }
  return problems;
}

function checkScope(use: FieldUse, at: string, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const known: string[] = [...Object.values(SOURCETYPES), ...Object.values(SUMMARY_SOURCES), ...Object.keys(SPLUNK_LOG_FIELDS)];
  for (const st of use.sourcetypes) {
    if (!known.includes(st)) problems.push(`${at}: sourcetype ${st} is not one the code emits (src/core/sourcetypes.ts) nor a summary source (src/dashboards/summary-schema.ts)`);
  }
  for (const c of use.unknownCommands) problems.push(`${at}: command "${c}" is not understood by the SPL reader (src/dashboards/spl-fields.ts)`);
  // Fields may come from the sourcetypes this scope names; with none named, from any of them.
  const sts = use.sourcetypes.filter((s) => known.includes(s));
  const pool = new Set<string>();
  for (const st of sts.length ? sts : known) for (const f of ctx.vocabulary.get(st) ?? []) pool.add(f);
  // Names a joined/appended subsearch creates are visible from its stage on.
  const created = [...use.creates];
  for (const sub of use.subsearches) {
    problems.push(...checkScope(sub, `${at} (subsearch)`, ctx));
    for (const c of sub.creates) created.push({ field: c.field, stage: sub.stage });
    // What an appended/joined subsearch returns: its created names, return fields, and the
    // columns its transforming commands keep (by-clause fields are read there, output too).
    for (const r of sub.reads) if (['return', 'stats', 'chart', 'timechart', 'tstats', 'table', 'fields'].includes(r.command)) created.push({ field: r.field, stage: sub.stage });
  }
  const seen = new Set<string>();
  for (const r of use.reads) {
    const ok =
      BUILTIN_FIELDS.has(r.field) ||
      COMPUTED_ALLOW_LIST.has(r.field) ||
      fieldMatches(r.field, pool) ||
      // tstats over the CIM Email data model: All_Email.<field> is the event's <field>.
      (r.field.startsWith(`${EMAIL_DATASET}.`) && fieldMatches(r.field.slice(EMAIL_DATASET.length + 1), pool)) ||
      created.some((c) => c.field === r.field && c.stage <= r.stage);
    const key = `${r.field}@${r.command}`;
    if (!ok && !seen.has(key)) {
      seen.add(key);
      problems.push(`${at}: field "${r.field}" (read by ${r.command}) is not emitted by ${sts.length ? sts.join(', ') : 'any sourcetype'}, defined in props.conf, or created earlier in the search`);
    }
  }
  return problems;
}

/**
 * The searches a dashboard runs: a chain's full text is its base's followed by its own; a
 * ds.savedSearch's is the saved search's (`savedSearches`: stanza name → search).
 */
export function dashboardSearches(view: string, def: DashboardDefinition, savedSearches: ReadonlyMap<string, string> = new Map()): ShippedSearch[] {
  const full = (id: string, depth = 0): string => {
    const ds = def.dataSources[id];
    if (!ds || depth > 10) return '';
    if (ds.type === 'ds.savedSearch') return savedSearches.get(ds.options.ref ?? '') ?? '';
    const own = ds.options.query ?? '';
    return ds.type === 'ds.chain' && ds.options.extend ? `${full(ds.options.extend, depth + 1)}\n${own}` : own;
  };
  // A saved search is checked once, as a saved search, not again per dashboard.
  return Object.keys(def.dataSources).filter((id) => def.dataSources[id]?.type !== 'ds.savedSearch').map((id) => ({ where: `view ${view} ${id}`, spl: full(id) }));
}

/** The searches a dashboard's drilldowns open (links to Search): checked like its panels'. */
export function drilldownSearches(view: string, def: DashboardDefinition): ShippedSearch[] {
  return Object.entries(def.visualizations).flatMap(([id, viz]) =>
    (viz.eventHandlers ?? []).flatMap((h) => {
      const spl = typeof h.options.url === 'string' ? searchOfUrl(h.options.url) : undefined;
      return spl ? [{ where: `view ${view} ${id} drilldown`, spl: spl.replace(/^search\s+/, '') }] : [];
    }),
  );
}

/** Saved searches a dashboard reads with ds.savedSearch that savedsearches.conf does not define. */
export function checkSavedSearchRefs(view: string, def: DashboardDefinition, savedSearches: ReadonlyMap<string, string>): string[] {
  return Object.entries(def.dataSources)
    .filter(([, ds]) => ds.type === 'ds.savedSearch' && !savedSearches.has(ds.options.ref ?? ''))
    .map(([id, ds]) => `view ${view}: ${id} reads saved search "${ds.options.ref ?? ''}", which savedsearches.conf does not define`);
}

/** Wiring the JSON schema does not check: data sources named by panels and chains exist. */
export function checkWiring(view: string, def: DashboardDefinition): string[] {
  const problems: string[] = [];
  for (const [id, viz] of Object.entries(def.visualizations)) {
    for (const ds of Object.values(viz.dataSources ?? {})) {
      if (!def.dataSources[ds]) problems.push(`view ${view}: visualization ${id} names data source ${ds}, which is not defined`);
    }
  }
  for (const [id, input] of Object.entries(def.inputs)) {
    const ds = input.dataSources?.primary;
    if (ds && !def.dataSources[ds]) problems.push(`view ${view}: input ${id} names data source ${ds}, which is not defined`);
  }
  for (const [id, ds] of Object.entries(def.dataSources)) {
    if (ds.type === 'ds.chain' && !def.dataSources[ds.options.extend ?? '']) {
      problems.push(`view ${view}: chain ${id} extends ${ds.options.extend ?? '(nothing)'}, which is not defined`);
    }
  }
  const placed = new Set(def.layout.structure.map((s) => s.item));
  for (const id of Object.keys(def.visualizations)) if (!placed.has(id)) problems.push(`view ${view}: visualization ${id} is not in the layout`);
  const usedDs = new Set([...Object.values(def.visualizations), ...Object.values(def.inputs)].flatMap((v) => Object.values(v.dataSources ?? {})));
  for (const [id, ds] of Object.entries(def.dataSources)) if (ds.type === 'ds.chain') usedDs.add(ds.options.extend ?? '');
  for (const id of Object.keys(def.dataSources)) if (!usedDs.has(id)) problems.push(`view ${view}: data source ${id} is used by no panel`);
  return problems;
}
