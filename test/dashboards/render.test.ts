import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEME } from '../../src/dashboards/catalog.js';
import { scenarioFixture } from '../../tools/dashboards/scenarios/fixtures.js';
import { bundleRenderPage, type PageBundle } from '../../tools/dashboards/render/bundle.js';
import { DashboardRenderer } from '../../tools/dashboards/render/chromium.js';
import { renderSize } from '../../tools/dashboards/render/size.js';
import { readShippedViews } from './app-files.js';

/**
 * Renders the shipped view files with Splunk's DashboardCore in headless Chromium, replaying
 * the rows of its hand-worked scenario (tools/dashboards/scenarios), and checks what a person would: it finished rendering, nothing
 * went wrong in the console, every panel is there and every data source had rows.
 */
const pageEntry = fileURLToPath(new URL('../../tools/dashboards/render/page.tsx', import.meta.url));

let bundle: PageBundle;
let renderer: DashboardRenderer;
beforeAll(async () => {
  bundle = await bundleRenderPage(pageEntry);
  renderer = await DashboardRenderer.launch(bundle.html);
}, 120_000);
afterAll(async () => {
  await renderer?.close();
  if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
});

describe('dashboards render in Chromium with Splunk DashboardCore', () => {
  for (const { file, view, parsed } of readShippedViews()) {
    it(`${file} renders every panel from its fixture rows, without console errors`, async () => {
      const fixtures = scenarioFixture(view);
      const out = await renderer.render({ definition: parsed.definition, fixtures: fixtures.dataSources, theme: THEME, ...renderSize(parsed.definition) });
      expect(out.rendered).toBe(true);
      expect(out.consoleErrors).toEqual([]);
      expect(out.missingFixtures).toEqual([]);
      const titles = Object.values(parsed.definition.visualizations).map((v) => v.title).filter((t): t is string => !!t);
      expect([...out.panelTitles].sort()).toEqual(expect.arrayContaining([...titles].sort()));
      expect(out.emptyPanels).toBe(0);
    }, 90_000);
  }

  it('reports a data source that has no rows (the check can fail)', async () => {
    const { view, parsed } = readShippedViews()[0]!;
    const fixtures = scenarioFixture(view);
    // The data source of the first panel: without rows that panel must show as empty.
    const dropped = Object.values(parsed.definition.visualizations)[0]!.dataSources!.primary;
    const partial = { ...fixtures.dataSources };
    delete partial[dropped!];
    const out = await renderer.render({ definition: parsed.definition, fixtures: partial, theme: THEME, ...renderSize(parsed.definition) });
    expect(out.missingFixtures).toContain(dropped);
    expect(out.emptyPanels).toBeGreaterThan(0);
  }, 90_000);
});
