import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { ensurePackage, listTgz, unpack, type TarEntry } from '../splunk/packaged.js';
import { startSplunkWeb, type SplunkWeb } from './splunk-web.js';
import { CHROMIUM, CHROMIUM_ARGS } from './page-driver.js';

/**
 * The configuration page as the package ships it: the view, its template, the bundle built by
 * `npm run package` and the nav entry, loaded from the unpacked .tgz in Chromium.
 */
let entries: TarEntry[];
let app: string;
let sim: SplunkdSimulator;
let web: SplunkWeb;
let browser: Browser;

beforeAll(async () => {
  const tgz = ensurePackage();
  entries = listTgz(tgz);
  app = unpack(tgz);
  // splunkd as documented and as Splunk's SDKs see it since 8.x: `f=` filters GET replies only,
  // and a write to storage/passwords answers with clear_password masked.
  sim = await startSplunkdSimulator({ configured: true, fieldFilter: 'get', maskWriteReplies: true });
  web = await startSplunkWeb({ appDir: app, bundleDir: join(app, 'appserver/static/config'), splunkdUrl: sim.url, sessionKey: sim.sessionKey });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await sim?.close();
  if (app) rmSync(join(app, '..'), { recursive: true, force: true });
});

describe('the configuration page in the package', () => {
  it('ships the view, its template, the bundle with its licence notices, and a nav entry', () => {
    const paths = new Set(entries.map((e) => e.path));
    for (const p of [
      'default/data/ui/views/ta_ser_mail_configuration.xml',
      'appserver/templates/ta_ser_mail_configuration.html',
      'appserver/static/config/page.js',
      'appserver/static/config/page.js.LEGAL.txt',
      'appserver/static/config/THIRD-PARTY-NOTICES.txt',
    ])
      expect(paths, p).toContain(`TA-ser-mail/${p}`);
    const view = readFileSync(join(app, 'default/data/ui/views/ta_ser_mail_configuration.xml'), 'utf8');
    expect(XMLValidator.validate(view)).toBe(true);
    const attrs = (new XMLParser({ ignoreAttributes: false }).parse(view) as { view: Record<string, string> }).view;
    expect(attrs['@_type']).toBe('html');
    expect(attrs['@_template']).toBe('TA-ser-mail:/templates/ta_ser_mail_configuration.html');
    const template = readFileSync(join(app, 'appserver/templates/ta_ser_mail_configuration.html'), 'utf8');
    expect(template).toContain("make_url('/static/app/TA-ser-mail/config/page.js')");
    expect(existsSync(join(app, 'appserver/static/config/page.js'))).toBe(true);
    expect(readFileSync(join(app, 'default/data/ui/nav/default.xml'), 'utf8')).toMatch(/<view name="ta_ser_mail_configuration"\s*\/>/);
    expect(/confidential/i.test(readFileSync(join(app, 'appserver/static/config/page.js'), 'utf8'))).toBe(false);
  });

  it('renders from the unpacked app without console errors; a configured app shows no first-launch note', async () => {
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${web.url}/en-US/app/TA-ser-mail/ta_ser_mail_configuration`);
    await page.getByRole('button', { name: 'Add account' }).waitFor({ timeout: 20_000 });
    for (const tab of ['SER accounts', 'HEC destinations', 'Send service', 'Proxy', 'Logging']) expect(await page.getByRole('tab', { name: tab }).count()).toBe(1);
    await expect.poll(() => web.calls().some((c) => c.url.startsWith('/services/apps/local/TA-ser-mail'))).toBe(true);
    expect(await page.locator('[data-first-launch]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('never receives a secret back when splunkd ignores f= on writes (the documented case)', async () => {
    const token = `hec-${randomBytes(9).toString('base64url')}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${web.url}/en-US/app/TA-ser-mail/ta_ser_mail_configuration`);
    await page.getByRole('tab', { name: 'HEC destinations' }).click();
    await page.getByRole('button', { name: 'Add destination' }).click();
    await page.locator('#hec-name').fill('pkg');
    await page.locator('#hec-urls').fill('https://hec.example.test:8088');
    await page.locator('#hec-token').fill(token);
    await page.locator('[data-dialog]').getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-row="pkg"]').waitFor();
    await page.close();
    expect(sim.passwords.get('ta_ser_mail_hec:pkg:')?.password).toBe(token);
    const calls = web.calls();
    // The write's reply was not filtered (encr_password is there): the page's safety did not
    // come from f= on a POST.
    const write = calls.find((c) => c.method === 'POST' && c.url.includes('/storage/passwords'));
    expect(write?.responseBody).toContain('encr_password');
    expect(calls.filter((c) => c.responseBody.includes(token)).map((c) => `${c.method} ${c.url}`)).toEqual([]);
  });
});
