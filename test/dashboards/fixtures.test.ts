import { describe, expect, it } from 'vitest';
import type { DashboardDefinition } from '../../src/dashboards/definition.js';
import type { FixtureFile } from '../../tools/dashboards/fixtures/fixture-set.js';
import { SCENARIOS } from '../../tools/dashboards/scenarios/catalog.js';
import { scenarioFixture } from '../../tools/dashboards/scenarios/fixtures.js';
import { readShippedViews } from './app-files.js';

const fieldsOf = (f: FixtureFile, ds: string) => (f.dataSources[ds]?.fields ?? []).map((x) => x.name);
const rows = (f: FixtureFile, ds: string): Array<Record<string, unknown>> => {
  const set = f.dataSources[ds]!;
  return (set.columns[0] ?? []).map((_v, i) => Object.fromEntries(set.fields.map((fl, c) => [fl.name, set.columns[c]![i]])));
};

/** Column names a visualization asks for by name: single values' field, charts' series colours. */
function namedColumns(def: DashboardDefinition): Array<{ viz: string; ds: string; column: string }> {
  const out: Array<{ viz: string; ds: string; column: string }> = [];
  for (const [id, viz] of Object.entries(def.visualizations)) {
    const ds = viz.dataSources?.primary;
    if (!ds) continue;
    for (const option of ['majorValue', 'majorColor']) {
      const named = /seriesByName\('([^']+)'\)/.exec(String(viz.options?.[option] ?? ''));
      if (named) out.push({ viz: id, ds, column: named[1]! });
    }
    // A pie colours slices by label value, not by column: checked against its rows below.
    if (viz.type === 'splunk.pie') continue;
    for (const column of Object.keys((viz.options?.seriesColorsByField as Record<string, string> | undefined) ?? {})) out.push({ viz: id, ds, column });
  }
  return out;
}

describe('dashboard fixtures are the scenarios\' hand-worked rows', () => {
  for (const { view, parsed } of readShippedViews()) {
    it(`${view}: one row set per data source, from its scenario`, () => {
      const f = scenarioFixture(view);
      expect(f.provenance).toMatch(/worked out by hand/);
      expect(Object.keys(f.dataSources).sort()).toEqual(Object.keys(parsed.definition.dataSources).sort());
      for (const [ds, cols] of Object.entries(f.dataSources)) {
        expect(cols.columns, ds).toHaveLength(cols.fields.length);
        expect(cols.columns[0]?.length ?? 0, `${ds} has no rows`).toBeGreaterThan(0);
      }
    });

    it(`${view}: every column a panel names is in its data source's rows`, () => {
      const f = scenarioFixture(view);
      expect(namedColumns(parsed.definition).filter((n) => !fieldsOf(f, n.ds).includes(n.column))).toEqual([]);
      for (const viz of Object.values(parsed.definition.visualizations).filter((v) => v.type === 'splunk.pie')) {
        const labels = f.dataSources[viz.dataSources!.primary]?.columns[0] ?? [];
        for (const label of Object.keys((viz.options?.seriesColorsByField as Record<string, string>) ?? {})) expect(labels).toContain(label);
      }
    });
  }

  it('a view without a scenario is an error naming it', () => {
    expect(() => scenarioFixture('ta_ser_mail_nope')).toThrow(/no scenario for view ta_ser_mail_nope/);
  });
});

/**
 * Cross-checks of hand-worked numbers against the scenario's own events (counting by hand
 * can slip too): each compares a figure to the events it came from.
 */
describe('hand-worked rows agree with their scenario events', () => {
  const scenario = (target: string) => SCENARIOS.find((s) => s.target === target)!;

  it('mail: messages = distinct message_uid, copies = events; the internal message is one row seen in three mailboxes', () => {
    const sc = scenario('ta_ser_mail_mail_metadata');
    const events = sc.events['mail:message']!;
    const kpi = rows(scenarioFixture(sc.target), 'ds_kpis')[0]!;
    expect(kpi.messages).toBe(new Set(events.map((e) => e.message_uid)).size);
    expect(kpi.copies).toBe(events.length);
    const internal = rows(scenarioFixture(sc.target), 'ds_messages').filter((r) => r.direction === 'internal');
    expect(internal).toHaveLength(1);
    expect(internal[0]!.mailboxes).toBe(3);
    expect(kpi.inbound).toBe(new Set(events.filter((e) => e.direction === 'inbound').map((e) => e.message_uid)).size);
  });

  it('licence: each account\'s use is the sum of its summary days inside its own current period (newest run per day)', () => {
    const sc = scenario('ta_ser_mail_licence');
    const ent = sc.events['proofpoint:ser:entitlement']!;
    const days = sc.events['ta_ser_mail:ser_daily_coverage']!;
    const status = rows(scenarioFixture(sc.target), 'ds_status');
    for (const account of ['lab', 'prod']) {
      const newest = ent.filter((e) => e.account === account).sort((a, b) => String(b._time).localeCompare(String(a._time)))[0]!;
      const start = Date.parse(String(newest.license_start));
      const end = Date.parse(String(newest.license_end));
      const latestRun = new Map<string, Record<string, unknown>>();
      for (const d of days.filter((x) => x.account === account)) {
        const prev = latestRun.get(String(d._time));
        if (!prev || Number(d.summary_run) > Number(prev.summary_run)) latestRun.set(String(d._time), d);
      }
      const inPeriod = [...latestRun.values()].filter((d) => Date.parse(`${String(d._time)}T00:00:00Z`) + 86_400_000 > start && Date.parse(`${String(d._time)}T00:00:00Z`) < end);
      const summed = inPeriod.reduce((a, d) => a + Number(d.bytes), 0);
      const used = newest.license_used_bytes !== undefined ? Number(newest.license_used_bytes) : summed;
      expect(status.find((r) => r.account === account)?.used_gb, account).toBe(used / 1e9);
    }
  });

  it('SER health: totals are those of the latest revision per account and window, each application user once', () => {
    const sc = scenario('ta_ser_mail_ser_health');
    const events = sc.events['proofpoint:ser:summary']!;
    const latest = new Map<string, number>();
    for (const e of events) {
      const w = `${String(e.account)}|${String(e.window_start)}`;
      latest.set(w, Math.max(latest.get(w) ?? -1, Number(e.revision)));
    }
    const kept = new Map<string, Record<string, unknown>>();
    for (const e of events) if (Number(e.revision) === latest.get(`${String(e.account)}|${String(e.window_start)}`)) kept.set(`${String(e.account)}|${String(e.window_start)}|${String(e.app_user_key)}`, e);
    const sum = (f: string) => [...kept.values()].reduce((a, e) => a + Number(e[f] ?? 0), 0);
    expect(rows(scenarioFixture(sc.target), 'ds_totals')[0]).toMatchObject({ total: sum('total'), success: sum('success'), failure: sum('failure'), temp_failure: sum('temp_failure') });
    const apps = rows(scenarioFixture(sc.target), 'ds_apps').map((r) => r.application_name);
    expect(apps).not.toContain('Billing'); // renamed in the restatement: counted once, under its new name
    expect(apps.sort()).toEqual([...new Set([...kept.values()].map((e) => e.application_name))].sort());
  });

  it('licence: the day marked as a coverage gap is the day with hours not covered', () => {
    const f = scenarioFixture('ta_ser_mail_licence');
    const marked = rows(f, 'ds_daily').filter((r) => r['coverage gap (day incomplete)'] !== null).map((r) => r._time);
    const gapDays = rows(f, 'ds_days').filter((r) => r.kind === 'day' && Number(r.gap_seconds) > 0).map((r) => r._time);
    expect(marked).toEqual(gapDays);
    expect(marked).toHaveLength(1);
  });

  it('coverage: the red hours are exactly the hours of the listed gaps', () => {
    const f = scenarioFixture('ta_ser_mail_coverage');
    const utc = (s: unknown) => Date.parse(`${String(s).replace(' UTC', '').replace(' ', 'T')}:00Z`);
    const gaps = rows(f, 'ds_gaps').map((g) => ({ from: utc(g['Gap from']), to: utc(g['Gap to']) }));
    const red = rows(f, 'ds_windows_time').filter((r) => r.gap === 1).map((r) => Date.parse(String(r._time)));
    expect(red.length).toBeGreaterThan(0);
    expect(red.filter((t) => !gaps.some((g) => t + 3_600_000 > g.from && t < g.to))).toEqual([]);
    for (const r of rows(f, 'ds_windows_time')) expect(Number(r.covered) + Number(r.gap) + Number(r['not read yet'])).toBeLessThanOrEqual(1);
  });
});
