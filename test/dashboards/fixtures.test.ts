import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DashboardDefinition } from '../../src/dashboards/definition.js';
import type { FixtureFile } from '../../tools/dashboards/fixtures/fixture-set.js';
import { defaultSerNow, generateFixtures } from '../../tools/dashboards/fixtures/generate.js';
import { readShippedViews } from './app-files.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/dashboards/', import.meta.url));
const read = (dir: string, view: string) => JSON.parse(readFileSync(path.join(dir, `${view}.json`), 'utf8')) as FixtureFile;
const fieldsOf = (f: FixtureFile, ds: string) => (f.dataSources[ds]?.fields ?? []).map((x) => x.name);

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

describe('dashboard fixtures', () => {
  for (const { view, parsed } of readShippedViews()) {
    it(`${view}: labelled as derived from simulator runs, one row set per data source`, () => {
      const f = read(fixturesDir, view);
      expect(f.provenance).toMatch(/^Derived rows, not typed in/);
      expect(f.provenance).toMatch(/src\/sim/);
      expect(Object.keys(f.dataSources).sort()).toEqual(Object.keys(parsed.definition.dataSources).sort());
      for (const [ds, cols] of Object.entries(f.dataSources)) {
        expect(cols.columns, ds).toHaveLength(cols.fields.length);
        const lengths = new Set(cols.columns.map((c) => c.length));
        expect(lengths.size, `${ds}: columns of unequal length`).toBeLessThanOrEqual(1);
      }
    });

    it(`${view}: every column a panel names is in its data source's rows`, () => {
      const f = read(fixturesDir, view);
      expect(namedColumns(parsed.definition).filter((n) => !fieldsOf(f, n.ds).includes(n.column))).toEqual([]);
      for (const viz of Object.values(parsed.definition.visualizations).filter((v) => v.type === 'splunk.pie')) {
        const labels = f.dataSources[viz.dataSources!.primary]?.columns[0] ?? [];
        for (const label of Object.keys((viz.options?.seriesColorsByField as Record<string, string>) ?? {})) expect(labels).toContain(label);
      }
    });
  }

  it('regenerate from a fresh simulator run: same data sources and columns as the committed fixtures', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ta-ser-mail-fixtures-test-'));
    try {
      // The alert action and the service run on the real clock: the SER side follows it.
      await generateFixtures(out, defaultSerNow());
      for (const { view } of readShippedViews()) {
        const fresh = read(out, view);
        const committed = read(fixturesDir, view);
        for (const ds of Object.keys(committed.dataSources)) {
          expect(fieldsOf(fresh, ds), `${view} ${ds}`).toEqual(fieldsOf(committed, ds));
        }
      }
      // The simulated week has traffic, failures, a coverage gap and a restated window.
      expect(read(out, 'ta_ser_mail_coverage').dataSources.ds_gap_count?.columns[0]?.[0]).toBeGreaterThan(0);
      expect(read(out, 'ta_ser_mail_send_audit').dataSources.ds_kpis?.columns[1]?.[0]).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('what the rendered pictures show', () => {
  const rows = (f: FixtureFile, ds: string): Array<Record<string, unknown>> => {
    const set = f.dataSources[ds]!;
    return (set.columns[0] ?? []).map((_v, i) => Object.fromEntries(set.fields.map((fl, c) => [fl.name, set.columns[c]![i]])));
  };
  const utc = (s: unknown) => Date.parse(`${String(s).replace(' UTC', '').replace(' ', 'T')}:00Z`);

  it('coverage: the red hours are exactly the hours of the listed gaps', () => {
    const f = read(fixturesDir, 'ta_ser_mail_coverage');
    const gaps = rows(f, 'ds_gaps').map((g) => ({ from: utc(g['Gap from']), to: utc(g['Gap to']) }));
    expect(gaps.length).toBeGreaterThan(0);
    const strip = rows(f, 'ds_windows_time');
    const red = strip.filter((r) => r.gap === 1).map((r) => Date.parse(String(r._time)));
    const inGap = (t: number) => gaps.some((g) => t + 3_600_000 > g.from && t < g.to);
    expect(red.length).toBeGreaterThan(0);
    expect(red.filter((t) => !inGap(t))).toEqual([]);
    const hoursMissing = rows(f, 'ds_gaps').reduce((a, g) => a + Number(g['Hours missing']), 0);
    expect(red.length).toBe(Math.ceil(hoursMissing));
    // every hour is exactly one of covered, gap, not read yet, or before the first window
    for (const r of strip) expect(Number(r.covered) + Number(r.gap) + Number(r['not read yet'])).toBeLessThanOrEqual(1);
  });

  it('coverage: the telemetry table and the checkpoint table agree on the SER input\'s checkpoint', () => {
    const f = read(fixturesDir, 'ta_ser_mail_coverage');
    const cp = rows(f, 'ds_checkpoint_table').map((r) => [r.Input, r['Last checkpoint (window end)']]);
    const tele = rows(f, 'ds_telemetry').filter((r) => String(r.Input).startsWith('ser_report://')).map((r) => [r.Input, r['Checkpoint (SER)']]);
    expect(tele.length).toBeGreaterThan(0);
    expect(tele).toEqual(cp);
  });

  it('send audit: the sends are spread over the week, not one bar', () => {
    const f = read(fixturesDir, 'ta_ser_mail_send_audit');
    const busy = rows(f, 'ds_time').filter((r) => Number(r.success ?? 0) + Number(r.failure ?? 0) > 0);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    expect(f.provenance).toMatch(/spread over the past week/);
  });
});
