import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dashboardSearches } from '../../src/dashboards/consistency.js';
import type { DashboardDefinition } from '../../src/dashboards/definition.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';
import { groupings, outputColumns, parseStages } from '../../src/dashboards/spl-structure.js';
import { summarySchemas } from '../../src/dashboards/summary-schema.js';
import { SCENARIOS } from '../../tools/dashboards/scenarios/catalog.js';
import type { SearchExpectation } from '../../tools/dashboards/scenarios/scenario.js';
import { readAppConf, readShippedViews } from './app-files.js';

/**
 * Every panel's data source and every saved search has a scenario: input events and rows
 * worked out by hand (tools/dashboards/scenarios). Without a Splunk to run them, the shipped
 * SPL is held to each scenario's expectation: the columns it returns, its grouping keys in
 * order, its time range and the steps the hand computation relied on.
 */
const macros = macrosFromConf(readAppConf('macros.conf'));
const saved = readAppConf('savedsearches.conf');
const savedSpl = new Map([...saved].map(([name, st]) => [name, st.get('search') ?? '']));
const views = new Map(readShippedViews().map((v) => [v.view, v.parsed.definition]));
const squash = (s: string) => s.replace(/\s+/g, ' ');

/** Problems of one search against its expectation (empty when it holds). */
function check(where: string, spl: string, range: { earliest?: string; latest?: string } | undefined, e: SearchExpectation): string[] {
  const problems: string[] = [];
  const expanded = expandMacros(spl, macros);
  const stages = parseStages(expanded);
  // Grouping keys: the expected steps appear in this order (other steps may come between).
  const got = groupings(stages);
  let at = 0;
  for (const g of e.groupings) {
    const i = got.indexOf(g, at);
    if (i < 0) problems.push(`${where}: no "${g}" after step ${at} (groupings: ${got.join(' | ')})`);
    else at = i + 1;
  }
  for (const r of e.requires ?? []) if (!squash(expanded).includes(squash(r))) problems.push(`${where}: the SPL has no "${r}"`);
  if (e.range && (range?.earliest !== e.range.earliest || range?.latest !== e.range.latest)) {
    problems.push(`${where}: range ${JSON.stringify(range)} is not ${JSON.stringify(e.range)}`);
  }
  const cols = outputColumns(stages);
  if (!cols.known) problems.push(`${where}: ends in raw events (no table, fields or transforming command)`);
  let fields = cols.fixed;
  if (cols.splitBy) {
    const last = [...stages].reverse().find((s) => s.command === 'chart' || s.command === 'timechart');
    const aggs = last?.aggs.map((a) => a.as) ?? [];
    const values = e.splitValues ?? [];
    fields = [...cols.fixed, ...(aggs.length > 1 ? aggs.flatMap((a) => values.map((v) => `${a}: ${v}`)) : values)];
    if (!values.length) problems.push(`${where}: splits by ${cols.splitBy} but the scenario names no split values`);
  }
  if (JSON.stringify(fields) !== JSON.stringify(e.expect.fields)) problems.push(`${where}: returns [${fields.join(', ')}], the scenario expects [${e.expect.fields.join(', ')}]`);
  e.expect.rows.forEach((r, i) => {
    if (r.length !== e.expect.fields.length) problems.push(`${where}: hand row ${i} has ${r.length} values for ${e.expect.fields.length} fields`);
  });
  return problems;
}

/** A data source's range: its own, its base's (chains), or the dashboard default (the time picker). */
function rangeOf(def: DashboardDefinition, id: string): { earliest?: string; latest?: string } | undefined {
  const ds = def.dataSources[id];
  if (!ds) return undefined;
  if (ds.type === 'ds.chain') return rangeOf(def, ds.options.extend ?? '');
  if (ds.type === 'ds.savedSearch') {
    const st = saved.get(ds.options.ref ?? '');
    return { earliest: st?.get('dispatch.earliest_time'), latest: st?.get('dispatch.latest_time') };
  }
  return ds.options.queryParameters ?? { earliest: '$global_time.earliest$', latest: '$global_time.latest$' };
}

describe('shipped searches against hand-worked scenarios', () => {
  for (const sc of SCENARIOS.filter((s) => s.target !== 'savedsearches')) {
    describe(`${sc.target}: ${sc.story}`, () => {
      const def = views.get(sc.target);
      it('the view exists and every data source has a scenario expectation', () => {
        expect(def, sc.target).toBeDefined();
        expect(Object.keys(sc.searches).sort()).toEqual(Object.keys(def!.dataSources).sort());
      });
      const texts = def ? new Map(dashboardSearches(sc.target, def, savedSpl).map((s) => [s.where.split(' ').pop()!, s.spl])) : new Map<string, string>();
      for (const [id, e] of Object.entries(sc.searches)) {
        it(`${id}: columns, grouping keys, range and steps match the hand-worked rows`, () => {
          const ds = def!.dataSources[id]!;
          const spl = ds.type === 'ds.savedSearch' ? savedSpl.get(ds.options.ref ?? '') : texts.get(id);
          expect(spl, id).toBeTruthy();
          expect(check(`${sc.target} ${id}`, spl!, rangeOf(def!, id), e)).toEqual([]);
        });
      }
    });
  }

  for (const sc of SCENARIOS.filter((s) => s.target === 'savedsearches')) {
    describe(`saved searches: ${sc.story}`, () => {
      for (const [name, e] of Object.entries(sc.searches)) {
        it(`${name}: columns, grouping keys, range and steps match the hand-worked rows`, () => {
          const st = saved.get(name);
          expect(st, name).toBeDefined();
          const range = { earliest: st!.get('dispatch.earliest_time'), latest: st!.get('dispatch.latest_time') };
          expect(check(name, st!.get('search')!, range, e)).toEqual([]);
        });
      }
    });
  }

  it('each summary writer collects exactly the columns its summary schema documents', () => {
    for (const [source, schema] of Object.entries(summarySchemas)) {
      const writers = [...saved].filter(([, st]) => /\|\s*collect\b/.test(st.get('search') ?? '') && (st.get('search') ?? '').includes(`source="${source}"`));
      expect(writers.map(([n]) => n), source).toHaveLength(1);
      const cols = outputColumns(parseStages(expandMacros(writers[0]![1].get('search')!, macros)));
      expect(cols.fixed.filter((c) => c !== '_time').sort(), source).toEqual(Object.keys(schema.shape).sort());
    }
  });

  it('docs/dashboards.md states each panel\'s question (as its scenario words it)', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/dashboards.md', import.meta.url)), 'utf8');
    const missing: string[] = [];
    for (const sc of SCENARIOS.filter((s) => s.target !== 'savedsearches')) {
      for (const viz of Object.values(views.get(sc.target)?.visualizations ?? {})) {
        const q = viz.dataSources?.primary ? sc.searches[viz.dataSources.primary]?.question : undefined;
        if (viz.title && q && !doc.includes(`| ${viz.title} | ${q} |`)) missing.push(`${sc.target}: ${viz.title}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every saved search has a scenario', () => {
    const covered = new Set(SCENARIOS.filter((s) => s.target === 'savedsearches').flatMap((s) => Object.keys(s.searches)));
    expect([...saved.keys()].filter((n) => n !== 'default' && !covered.has(n))).toEqual([]);
  });

  it('the check fails when a search groups by the wrong key or returns other columns (it can fail)', () => {
    const e: SearchExpectation = { groupings: ['eventstats by account, window_start'], expect: { fields: ['account', 'n'], rows: [['a', 1]] } };
    const wrong = check('probe', '`ta_ser_mail_index` sourcetype="proofpoint:ser:summary" | eventstats max(revision) as r by account, window_start, application_name | stats count as m by account', undefined, e);
    expect(wrong.join('\n')).toMatch(/no "eventstats by account, window_start"/);
    expect(wrong.join('\n')).toMatch(/returns \[account, m\]/);
    const right = check('probe', '`ta_ser_mail_index` sourcetype="proofpoint:ser:summary" | eventstats max(revision) as r by account, window_start | stats count as n by account', undefined, e);
    expect(right).toEqual([]);
  });
});
