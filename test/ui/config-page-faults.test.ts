import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { startSplunkWeb, type SplunkWeb } from './splunk-web.js';
import { CHROMIUM, CHROMIUM_ARGS, watch } from './page-driver.js';
// @ts-expect-error plain ESM build script without types
import { buildConfigPage } from '../../scripts/build-config-page.mjs';

/**
 * The configuration page when splunkd answers badly: the second try of a secret that appeared
 * meanwhile (409), and a first-launch flag that could not be set. Each is injected into the
 * splunkd stand-in; the page must end in the right state and say what it could not do.
 */
const APP_DIR = fileURLToPath(new URL('../../splunk_app/TA-ser-mail', import.meta.url));
const secret = (what: string) => `${what}-${randomBytes(9).toString('base64url')}`;

let sim: SplunkdSimulator;
let web: SplunkWeb;
let browser: Browser;
let page: Page;
let bundleDir: string;
const problems: string[] = [];

beforeAll(async () => {
  sim = await startSplunkdSimulator({ configured: false });
  bundleDir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-config-faults-'));
  await buildConfigPage({ outdir: bundleDir });
  web = await startSplunkWeb({ appDir: APP_DIR, bundleDir, splunkdUrl: sim.url, sessionKey: sim.sessionKey });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(10_000);
  watch(page, problems);
  await page.goto(`${web.url}/en-US/app/TA-ser-mail/ta_ser_mail_configuration`);
  await page.getByRole('button', { name: 'Add account' }).waitFor();
  await page.locator('[data-first-launch]').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await sim?.close();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

async function addAccount(name: string, value: string): Promise<void> {
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.locator('#accounts-name').fill(name);
  await page.locator('#accounts-client_id').fill(`key-${name}`);
  await page.locator('#accounts-client_secret').fill(value);
  await page.locator('[data-dialog]').getByRole('button', { name: 'Save' }).click();
  await page.locator(`[data-row="${name}"]`).waitFor();
}

describe('configuration page against a failing splunkd', () => {
  it('says so when the first-launch flag cannot be set, and sets it on the next save', async () => {
    let refuse = 1;
    sim.route(({ method, path }) => {
      if (method !== 'POST' || path !== 'apps/local/TA-ser-mail' || refuse === 0) return undefined;
      refuse--;
      return { status: 503, body: { messages: [{ type: 'ERROR', text: 'Splunkd is restarting' }] } };
    });
    await addAccount('first', secret('first'));
    await expect.poll(() => page.locator('[data-mark-error]').count()).toBe(1);
    expect(await page.locator('[data-mark-error]').innerText()).toContain('Splunkd is restarting');
    expect(sim.appConfigured()).toBe(false);
    expect(await page.locator('[data-first-launch]').count()).toBe(1);

    await addAccount('second', secret('second'));
    await expect.poll(() => sim.appConfigured()).toBe(true);
    await expect.poll(() => page.locator('[data-mark-error]').count()).toBe(0);
    expect(await page.locator('[data-first-launch]').count()).toBe(0);
    const marks = web.calls().filter((c) => c.method === 'POST' && c.url.startsWith('/services/apps/local/'));
    expect(marks.map((c) => c.status)).toEqual([503, 200]);
  });

  it('replaces a secret stored meanwhile (409 on create) instead of failing the save', async () => {
    const value = secret('race');
    // Stored after the page listed storage/passwords: the page believes there is none.
    sim.setPassword('ta_ser_mail_account', 'race', secret('older'));
    await addAccount('race', value);
    expect(sim.passwords.get('ta_ser_mail_account:race:')?.password).toBe(value);
    const tries = web.calls().filter((c) => c.method === 'POST' && c.url.includes('/storage/passwords') && c.requestBody.includes(encodeURIComponent(value)));
    expect(tries.map((c) => `${c.url.split('?')[0]} ${c.status}`)).toEqual([
      '/servicesNS/nobody/TA-ser-mail/storage/passwords 409',
      '/servicesNS/nobody/TA-ser-mail/storage/passwords/ta_ser_mail_account%3Arace%3A 200',
    ]);
    expect(web.calls().filter((c) => c.responseBody.includes(value))).toEqual([]);
  });

  it('saves again after a secret write failed once the stanza was created (no "already exists")', async () => {
    const value = secret('partial');
    let refuse = 1;
    sim.route(({ method, path }) => {
      if (method !== 'POST' || path !== 'storage/passwords' || refuse === 0) return undefined;
      refuse--;
      return { status: 500, body: { messages: [{ type: 'ERROR', text: 'KV write failed' }] } };
    });
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.locator('#accounts-name').fill('partial');
    await page.locator('#accounts-client_id').fill('key-partial');
    await page.locator('#accounts-client_secret').fill(value);
    const save = page.locator('[data-dialog]').getByRole('button', { name: 'Save' });
    await save.click();
    await expect.poll(() => page.locator('[data-dialog]').innerText()).toContain('Not saved: KV write failed');
    // The stanza went in before the secret failed; the second Save must complete it.
    expect(sim.getStanza('ta_ser_mail_accounts', 'partial')).toEqual({ client_id: 'key-partial' });
    await save.click();
    await page.locator('[data-row="partial"]').waitFor();
    expect(await page.locator('[data-dialog]').count()).toBe(0);
    expect(sim.passwords.get('ta_ser_mail_account:partial:')?.password).toBe(value);
    expect(sim.getStanza('ta_ser_mail_accounts', 'partial')).toEqual({ client_id: 'key-partial' });
  });

  it('the proxy tab, too, saves again after its password failed once the stanza was created', async () => {
    const value = secret('proxy');
    let refuse = 1;
    sim.route(({ method, path }) => {
      if (method !== 'POST' || path !== 'storage/passwords' || refuse === 0) return undefined;
      refuse--;
      return { status: 500, body: { messages: [{ type: 'ERROR', text: 'KV write failed' }] } };
    });
    await page.getByRole('tab', { name: 'Proxy' }).click();
    await page.locator('#proxy-url').fill('http://svc@127.0.0.1:3128');
    await page.locator('#proxy-password').fill(value);
    const save = page.locator('[data-section="proxy"]').getByRole('button', { name: 'Save' });
    await save.click();
    await expect.poll(() => page.locator('[data-section="proxy"]').innerText()).toContain('Not saved: KV write failed');
    expect(sim.getStanza('ta_ser_mail_settings', 'proxy')).toEqual({ url: 'http://svc@127.0.0.1:3128' });
    await save.click();
    await expect.poll(() => page.locator('[data-section="proxy"]').innerText()).toContain('Saved proxy settings.');
    expect(sim.passwords.get('ta_ser_mail_proxy:proxy:')?.password).toBe(value);
  });

  it('deletes again after a secret could not be removed (the stanza already gone is no error)', async () => {
    let refuse = 1;
    sim.route(({ method, path }) => {
      if (method !== 'DELETE' || !path.startsWith('storage/passwords/') || refuse === 0) return undefined;
      refuse--;
      return { status: 500, body: { messages: [{ type: 'ERROR', text: 'passwords.conf is locked' }] } };
    });
    await page.getByRole('tab', { name: 'SER accounts' }).click();
    await page.getByRole('button', { name: 'Delete race' }).click();
    const confirm = page.getByRole('button', { name: 'Delete', exact: true });
    await confirm.click();
    await expect.poll(() => page.getByRole('dialog').innerText()).toContain('Not deleted: passwords.conf is locked');
    expect(sim.getStanza('ta_ser_mail_accounts', 'race')).toBeUndefined();
    expect(sim.passwords.has('ta_ser_mail_account:race:')).toBe(true);
    await confirm.click();
    await expect.poll(() => page.locator('[data-row="race"]').count()).toBe(0);
    expect(sim.passwords.has('ta_ser_mail_account:race:')).toBe(false);
  });

  it('logged nothing but the refused requests the browser reports itself', () => {
    // Chromium logs every 4xx/5xx answer as "Failed to load resource"; anything else is a fault.
    expect(problems.filter((p) => !/Failed to load resource: the server responded with a status of (404|409|500|503)/.test(p))).toEqual([]);
    expect(problems.length).toBe(6);
  });
});
