import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import type { DashboardDefinition } from '../../../src/dashboards/definition.js';
import type { FixtureSet } from '../fixtures/fixture-set.js';
import { resolveChromium } from '../../chromium.js';

/**
 * Drives headless Chromium (the one tools/chromium.ts resolves: env, system, else npm), offline,
 * in UTC, at a fixed window size, so the same dashboard and rows give the same picture on every run.
 */
const EXTRA_FLAGS = ['--font-render-hinting=none'];

export interface RenderRequest {
  definition: DashboardDefinition;
  fixtures: FixtureSet;
  theme: 'dark' | 'light';
  width: number;
  height: number;
  /** Write a PNG of the whole canvas here. */
  screenshot?: string;
}

export interface RenderOutcome {
  rendered: boolean;
  consoleErrors: string[];
  /** Data source ids the page asked for that had no fixture rows. */
  missingFixtures: string[];
  /** Titles of the panels found on the page. */
  panelTitles: string[];
  /** Panels whose visualization reported no data / an error. */
  emptyPanels: number;
}

export class DashboardRenderer {
  private constructor(
    private readonly browser: BrowserContext,
    private readonly profile: string,
    private readonly html: string,
  ) {}

  static async launch(html: string): Promise<DashboardRenderer> {
    const chosen = resolveChromium();
    const profile = await mkdtemp(path.join(tmpdir(), 'ta-ser-mail-chromium-'));
    // A fresh profile per run (playwright passes it as --user-data-dir).
    const browser = await chromium
      .launchPersistentContext(profile, {
        executablePath: chosen.executablePath,
        headless: true,
        args: [...chosen.args, ...EXTRA_FLAGS],
        deviceScaleFactor: 1,
        timezoneId: 'UTC',
        locale: 'en-US',
        offline: true,
      })
      .catch(async (err: unknown) => {
        await rm(profile, { recursive: true, force: true });
        const first = String((err as Error).message ?? err).split('\n')[0];
        throw new Error(`cannot start Chromium at ${chosen.executablePath} (${chosen.source}: ${first}): set TA_SER_MAIL_CHROMIUM to a Chromium binary, or to "npm" for the one from @sparticuz/chromium`);
      });
    return new DashboardRenderer(browser, profile, html);
  }

  async render(req: RenderRequest, timeoutMs = 30_000): Promise<RenderOutcome> {
    const page = await this.browser.newPage();
    try {
      await page.setViewportSize({ width: req.width, height: req.height });
      await page.emulateMedia({ colorScheme: req.theme });
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
      // Refuse anything that is not the local bundle: the page must make no outside requests.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file:') || route.request().url().startsWith('data:')
          ? route.continue()
          : route.abort(),
      );
      await page.addInitScript((input) => {
        (window as unknown as { __DASHBOARD_INPUT__: unknown }).__DASHBOARD_INPUT__ = input;
        (window as unknown as { __RENDERED__: boolean }).__RENDERED__ = false;
        document.addEventListener('dashboardCore.rendered', () => {
          (window as unknown as { __RENDERED__: boolean }).__RENDERED__ = true;
        });
      }, { definition: req.definition, fixtures: req.fixtures, theme: req.theme, width: req.width, height: req.height });
      await page.goto(pathToFileURL(this.html).href);
      let rendered = true;
      try {
        await page.waitForFunction(() => (window as unknown as { __RENDERED__: boolean }).__RENDERED__, null, {
          timeout: timeoutMs,
        });
      } catch {
        rendered = false;
      }
      // Charts animate in after the rendered event; let every canvas settle before the picture.
      await page.waitForTimeout(rendered ? 1500 : 0);
      const panelTitles = await page.$$eval('[data-test="viz-title"], [data-test="title"]', (els) =>
        els.map((e) => (e.textContent ?? '').trim()).filter((t) => t !== ''),
      );
      // A visualization without rows (or whose data source failed) shows its placeholder icon.
      const emptyPanels = await page.$$eval('[data-test="placeholder-icon"]', (els) => els.length);
      const missingFixtures = await page.evaluate(() => (window as unknown as { __MISSING_FIXTURES__?: string[] }).__MISSING_FIXTURES__ ?? []);
      if (req.screenshot) await page.screenshot({ path: req.screenshot, clip: { x: 0, y: 0, width: req.width, height: req.height } });
      return { rendered, consoleErrors, missingFixtures, panelTitles, emptyPanels };
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await rm(this.profile, { recursive: true, force: true });
  }
}
