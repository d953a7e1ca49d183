import type { DashboardDefinition } from './definition.js';
import { splitPipeline } from './spl-text.js';

/**
 * Commands whose output is a results table rather than events. A base search that chains
 * extend must end in one: of an event-returning base search Splunk keeps only the first
 * 500,000 events, and the post-process searches then count a silently truncated set.
 */
export const TRANSFORMING = new Set(['stats', 'chart', 'timechart', 'top', 'rare', 'tstats', 'xyseries', 'untable', 'table']);

/**
 * Base searches (extended by a ds.chain) with no transforming command at top level, after
 * `expand` (macro expansion). Commands after a transforming one (eval, fields, rename) keep
 * the output a results table.
 */
export function checkBaseSearches(
  view: string,
  def: DashboardDefinition,
  expand: (spl: string) => string = (s) => s,
  savedSearches: ReadonlyMap<string, string> = new Map(),
): string[] {
  const bases = new Set(Object.values(def.dataSources).flatMap((ds) => (ds.type === 'ds.chain' && ds.options.extend ? [ds.options.extend] : [])));
  const problems: string[] = [];
  for (const id of bases) {
    const ds = def.dataSources[id];
    if (!ds || ds.type === 'ds.chain') continue; // a chain's own output is already post-processed
    const spl = ds.type === 'ds.savedSearch' ? (savedSearches.get(ds.options.ref ?? '') ?? '') : (ds.options.query ?? '');
    const commands = splitPipeline(expand(spl)).map((stage) => stage.trim().split(/\s+/)[0] ?? '');
    if (!commands.some((c) => TRANSFORMING.has(c))) {
      problems.push(`view ${view}: base search ${id} has no transforming command (${commands.join(' | ')}): Splunk would truncate it at 500,000 events`);
    }
  }
  return problems;
}
