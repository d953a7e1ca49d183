import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, THEME } from '../../src/dashboards/catalog.js';
import { FIELDS_DOC_PATH, fieldsReferenceMarkdown } from '../../src/dashboards/field-tables.js';
import { viewFiles, viewPath } from '../../src/dashboards/view-files.js';
import { parseViewXml } from '../../src/dashboards/view-xml.js';
import { readConfFile } from '../../src/splunk/conf-file.js';
import { renderSize } from '../dashboards/render/size.js';
import type { GeneratedFile, Pictures } from './outputs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const APP = 'splunk_app/TA-ser-mail';

/** The shipped Dashboard Studio view files, from src/dashboards/definitions. */
export async function dashboardViewFiles(): Promise<GeneratedFile[]> {
  return [...viewFiles()].map(([rel, content]) => ({ path: `${APP}/${rel}`, content }));
}

/** docs/fields.md, whole, from the event schemas and the shipped props.conf. */
export async function fieldsReferenceFiles(): Promise<GeneratedFile[]> {
  const props = readConfFile(path.join(root, APP, 'default/props.conf'), { strict: true });
  return [{ path: FIELDS_DOC_PATH, content: fieldsReferenceMarkdown(props) }];
}

const pictureOf = (view: string) => `docs/dashboards/${view}.png`;

/** The view definitions as generated now (what the pictures must show). */
function generatedViews() {
  const files = viewFiles();
  return DASHBOARDS.map((d) => ({ view: d.view, definition: parseViewXml(files.get(viewPath(d.view))!, viewPath(d.view)).definition }));
}

/**
 * docs/dashboards/<view>.png: each shipped view rendered with Splunk's DashboardCore in headless
 * Chromium (tools/chromium.ts), replaying its scenario's rows, at the size the layout needs.
 */
export const dashboardPictures: Pictures = {
  name: 'dashboard pictures',
  command: 'npm run generate',
  async expected() {
    return new Map(generatedViews().map(({ view, definition }) => {
      const { width, height } = renderSize(definition);
      return [pictureOf(view), [width, height] as [number, number]];
    }));
  },
  async draw() {
    // Loaded only to draw: --check needs neither esbuild's page bundle nor a browser.
    const [{ bundleRenderPage }, { DashboardRenderer }, { scenarioFixture }] = await Promise.all([
      import('../dashboards/render/bundle.js'),
      import('../dashboards/render/chromium.js'),
      import('../dashboards/scenarios/fixtures.js'),
    ]);
    const bundle = await bundleRenderPage(path.join(root, 'tools/dashboards/render/page.tsx'));
    const renderer = await DashboardRenderer.launch(bundle.html);
    mkdirSync(path.join(root, 'docs/dashboards'), { recursive: true });
    const written: string[] = [];
    const problems: string[] = [];
    try {
      for (const { view, definition } of generatedViews()) {
        const size = renderSize(definition);
        const png = pictureOf(view);
        const out = await renderer.render({ definition, fixtures: scenarioFixture(view).dataSources, theme: THEME, ...size, screenshot: path.join(root, png) });
        const wrong = [
          ...(out.rendered ? [] : ['the dashboardCore.rendered event never fired']),
          ...out.consoleErrors.map((e) => `console: ${e}`),
          ...out.missingFixtures.map((id) => `no fixture rows for ${id}`),
        ];
        if (wrong.length) problems.push(`${view}: ${wrong.join('; ')}`);
        written.push(png);
      }
    } finally {
      await renderer.close();
      rmSync(bundle.dir, { recursive: true, force: true });
    }
    if (problems.length) throw new Error(`dashboards did not render cleanly:\n  ${problems.join('\n  ')}`);
    return written;
  },
};
