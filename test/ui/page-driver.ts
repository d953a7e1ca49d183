import type { Page } from 'playwright-core';
import { resolveChromium } from '../../tools/chromium.js';

/** The Chromium every browser test starts (tools/chromium.ts chooses it) and its flags (no network of its own). */
const browser = resolveChromium();
export const CHROMIUM = browser.executablePath;
export const CHROMIUM_ARGS = browser.args;

/** Records the page's console errors, uncaught exceptions and failed requests in `problems`. */
export function watch(p: Page, problems: string[]): void {
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
}

/** What has the keyboard focus, read the ways the tests name it. */
export const focus = (page: Page) => ({
  id: () => page.evaluate(() => document.activeElement?.id ?? ''),
  text: () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? ''),
  label: () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''),
  inDialog: () => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]'))),
});

/** Presses Tab until `done` holds, at most `max` times (a bounded walk through the page). */
export async function tabUntil(page: Page, done: () => Promise<boolean>, max = 40): Promise<void> {
  const f = focus(page);
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await done()) return;
    seen.push(`${await f.id()}|${await f.text()}`);
    await page.keyboard.press('Tab');
  }
  throw new Error(`focus never reached the target after ${max} Tab presses: ${seen.join(' > ')}`);
}
