/**
 * `npm run dashboards:render`: regenerates the shipped Dashboard Studio view files from
 * src/dashboards/definitions, then renders each one with Splunk's own dashboard framework in
 * headless Chromium (chosen by tools/chromium.ts; UTC, fixed size), replaying the fixture rows
 * worked out by hand in tools/dashboards/scenarios, to docs/dashboards/<view>.png. It also writes docs/fields.md
 * whole from the event schemas.
 *   --views-only   write the view files and docs/fields.md, and stop
 * Exits non-zero, naming the dashboard, if one does not render cleanly.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, THEME } from '../src/dashboards/catalog.js';
import { parseConf } from '../src/splunk/conf-file.js';
import { FIELDS_DOC_PATH, fieldsReferenceMarkdown } from '../src/dashboards/field-tables.js';
import { scenarioFixture } from './dashboards/scenarios/fixtures.js';
import { bundleRenderPage } from './dashboards/render/bundle.js';
import { DashboardRenderer } from './dashboards/render/chromium.js';
import { renderSize } from './dashboards/render/size.js';
import { viewFiles, viewPath } from '../src/dashboards/view-files.js';
import { parseViewXml } from '../src/dashboards/view-xml.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const appDir = path.join(root, 'splunk_app/TA-ser-mail');

async function main(): Promise<number> {
  for (const [rel, content] of viewFiles()) {
    mkdirSync(path.dirname(path.join(appDir, rel)), { recursive: true });
    writeFileSync(path.join(appDir, rel), content);
  }
  console.log(`wrote ${DASHBOARDS.length} view files under ${path.join(appDir, 'default/data/ui/views')}`);
  const props = parseConf(readFileSync(path.join(appDir, 'default/props.conf'), 'utf8'), { strict: true, file: 'props.conf' });
  writeFileSync(path.join(root, FIELDS_DOC_PATH), fieldsReferenceMarkdown(props));
  console.log(`wrote ${FIELDS_DOC_PATH}`);
  if (process.argv.includes('--views-only')) return 0;

  const bundle = await bundleRenderPage(path.join(root, 'tools/dashboards/render/page.tsx'));
  const renderer = await DashboardRenderer.launch(bundle.html);
  const outDir = path.join(root, 'docs/dashboards');
  mkdirSync(outDir, { recursive: true });
  let failed = 0;
  try {
    for (const d of DASHBOARDS) {
      // Render what ships: the view file, not the TypeScript source.
      const view = parseViewXml(readFileSync(path.join(appDir, viewPath(d.view)), 'utf8'), viewPath(d.view));
      const fixtures = scenarioFixture(d.view);
      const size = renderSize(view.definition);
      const png = path.join(outDir, `${d.view}.png`);
      const out = await renderer.render({ definition: view.definition, fixtures: fixtures.dataSources, theme: THEME, ...size, screenshot: png });
      const problems = [
        ...(out.rendered ? [] : ['the dashboardCore.rendered event never fired']),
        ...out.consoleErrors.map((e) => `console: ${e}`),
        ...out.missingFixtures.map((id) => `no fixture rows for ${id}`),
      ];
      if (problems.length) {
        failed++;
        console.error(`${d.view}: ${problems.join('; ')}`);
      } else {
        console.log(`${d.view}: ${out.panelTitles.length} panels → ${path.relative(root, png)} (${size.width}×${size.height})`);
      }
    }
  } finally {
    await renderer.close();
    rmSync(bundle.dir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`dashboards:render failed: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
