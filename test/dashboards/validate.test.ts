import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/dashboards/catalog.js';
import { checkWiring } from '../../src/dashboards/consistency.js';
import { loadSplunkValidation, type SplunkValidation } from '../../src/dashboards/schema.js';
import { viewFiles } from '../../src/dashboards/view-files.js';
import { APP_DIR, readShippedViews } from './app-files.js';

let splunk: SplunkValidation;
beforeAll(async () => {
  splunk = await loadSplunkValidation();
});

describe("shipped dashboards against Splunk's own validator", () => {
  const views = readShippedViews();

  it('ships exactly the dashboards of the catalog, as generated from src/dashboards/definitions', () => {
    expect(views.map((v) => v.view).sort()).toEqual(DASHBOARDS.map((d) => d.view).sort());
    for (const [rel, content] of viewFiles()) {
      // Drift: regenerate with `npm run generate`.
      expect(readFileSync(path.join(APP_DIR, rel), 'utf8'), rel).toBe(content);
    }
  });

  for (const { file, parsed } of views) {
    it(`${file}: DashboardValidator with the view-only preset schema finds no error`, () => {
      expect(splunk.validate(parsed.definition)).toEqual([]);
    });

    it(`${file}: every option is one its visualization type declares`, () => {
      const unknown: string[] = [];
      for (const [id, viz] of Object.entries(parsed.definition.visualizations)) {
        const names = splunk.optionNames(viz.type);
        expect(names, `${id}: ${viz.type}`).toBeDefined();
        for (const k of Object.keys(viz.options ?? {})) if (!names?.has(k)) unknown.push(`${id}.${k}`);
      }
      expect(unknown).toEqual([]);
    });

    it(`${file}: every data source a panel or chain names exists, and each is used`, () => {
      expect(checkWiring(file, parsed.definition)).toEqual([]);
    });
  }

  it('the validator and the wiring check reject broken definitions', () => {
    const def = structuredClone(DASHBOARDS[0]!.definition);
    (def.visualizations.viz_total as { type: string }).type = 'splunk.nosuchviz';
    expect(splunk.validate(def).join('\n')).toMatch(/viz_total\/type/);
    const wired = structuredClone(DASHBOARDS[0]!.definition);
    wired.visualizations.viz_total!.dataSources = { primary: 'ds_missing' };
    expect(checkWiring('x', wired)).toContain('view x: visualization viz_total names data source ds_missing, which is not defined');
  });
});
