import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { createPki } from '../../src/sim/pki.js';
import { Secret } from '../../src/core/secret.js';
import { SplunkdClient } from '../../src/splunk/splunkd-client.js';
import { loadAccount, loadHecDestination, loadProxy, loadSendService } from '../../src/splunk/named-settings.js';
import { startSplunkWeb, type SplunkWeb } from './splunk-web.js';
import { CHROMIUM, CHROMIUM_ARGS, focus, tabUntil as tabUntilOn, watch } from './page-driver.js';
// @ts-expect-error plain ESM build script without types
import { buildConfigPage } from '../../scripts/build-config-page.mjs';

/**
 * The configuration page in Debian's Chromium, served by a Splunk Web stand-in in front of the
 * splunkd stand-in (HTTPS, certificates made now). Every REST exchange the page makes is
 * recorded with the reply it received, so the test can prove what the page never saw.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP_DIR = join(ROOT, 'splunk_app/TA-ser-mail');
// The pictures in docs/config/ are refreshed with CONFIG_PAGE_SCREENSHOTS=1 (pixels differ a
// little run to run); otherwise they are taken into a temp folder, so a test run leaves the
// work tree clean.
const SHOTS = process.env.CONFIG_PAGE_SCREENSHOTS === '1' ? join(ROOT, 'docs/config') : mkdtempSync(join(tmpdir(), 'ta-ser-mail-shots-'));
const secret = (what: string) => `${what}-${randomBytes(9).toString('base64url')}`;
/** PEM-shaped text (the page and the loader never parse it; the alert action does, see test/send). */
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n${randomBytes(48).toString('base64')}\n-----END ${label}-----\n`;

// Generated per run: the values the page must write once and never receive back.
const S = {
  seededAccount: secret('seed-acct'),
  seededToken: secret('seed-hec'),
  seededMailbox: secret('seed-mbx'),
  account: secret('acct'),
  accountNew: secret('acct2'),
  token: secret('hec'),
  mailbox: secret('mbx'),
  passphrase: secret('pp'),
  proxy: secret('proxy'),
  cloudMailbox: secret('mbx-cloud'),
  certPem: pem('CERTIFICATE', secret('cert')),
  keyPem: pem('ENCRYPTED PRIVATE KEY', secret('key')),
  caPem: pem('CERTIFICATE', secret('ca')),
  wrapPem: pem('PUBLIC KEY', secret('wrap')),
};

let sim: SplunkdSimulator;
let program: SplunkdClient;
let web: SplunkWeb;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const dirs: string[] = SHOTS.startsWith(tmpdir()) ? [SHOTS] : [];

const writes = () => web.calls().filter((c) => c.method !== 'GET');
const dialog = () => page.locator('[data-dialog]');
const field = (key: string) => page.locator(`[data-field="${key}"]`);
const activeId = () => focus(page).id();
const activeText = () => focus(page).text();
const activeLabel = () => focus(page).label();
const focusInDialog = () => focus(page).inDialog();
const watchPage = (p: Page) => watch(p, problems);
const tabUntil = (done: () => Promise<boolean>) => tabUntilOn(page, done);

const background = (p: Page) => p.locator('[data-page-background]').evaluate((el) => getComputedStyle(el).backgroundColor);

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect.poll(() => page.getByRole('tab', { name, selected: true }).count()).toBe(1);
}

beforeAll(async () => {
  const pki = createPki();
  dirs.push(pki.dir);
  sim = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  // The program's own settings loader, reading what the page wrote.
  program = new SplunkdClient({ serverUri: sim.url, sessionKey: new Secret(sim.sessionKey), app: 'TA-ser-mail', tls: { ca_file: pki.caFile }, attempts: 1 });
  sim.setStanza('ta_ser_mail_accounts', 'prod', { client_id: 'ser-key-prod', api_url: 'https://ser-api.proofpoint.com', key_activation_date: '2026-02-01' });
  sim.setPassword('ta_ser_mail_account', 'prod', S.seededAccount);
  sim.setStanza('ta_ser_mail_hec', 'primary', { urls: 'https://hec1.example.test:8088,https://hec2.example.test:8088', index: 'ser', ack: 'true', gzip: 'true' });
  sim.setPassword('ta_ser_mail_hec', 'primary', S.seededToken);
  sim.setStanza('ta_ser_mail_send', 'mailbox', { host: 'send.example.test', client_cert_file: '/opt/certs/client.pem', client_key_file: '/opt/certs/client.key', from: 'alerts@example.test', encrypt: 'false' });
  sim.setPassword('ta_ser_mail_send_secret', 'mailbox', S.seededMailbox);
  // Another app's credential: the page must not list or touch it.
  sim.setPassword('other_app', 'x', secret('other'));

  const bundleDir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-config-page-'));
  dirs.push(bundleDir);
  await buildConfigPage({ outdir: bundleDir });
  web = await startSplunkWeb({ appDir: APP_DIR, bundleDir, splunkdUrl: sim.url, sessionKey: sim.sessionKey, ca: pki.ca });

  const profile = mkdtempSync(join(tmpdir(), 'ta-ser-mail-chromium-'));
  dirs.push(profile);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    timezoneId: 'UTC',
    locale: 'en-US',
    args: CHROMIUM_ARGS,
  });
  // Nothing outside the two local stand-ins may be asked for.
  await context.route('**/*', (route) => (route.request().url().startsWith(web.url) ? route.continue() : route.abort()));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  watchPage(page);
  await page.goto(`${web.url}/en-US/app/TA-ser-mail/ta_ser_mail_configuration`);
  await page.getByRole('button', { name: 'Add account' }).waitFor();
});

afterAll(async () => {
  await program?.close();
  await context?.close();
  await web?.close();
  await sim?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('configuration page in Chromium', () => {
  it('renders inside Splunk Web\'s layout (the Splunk bar and app bar around it)', async () => {
    expect(await page.locator('[data-layout-header]').count()).toBe(1);
    expect(await page.locator('[data-layout-container] [data-section="accounts"]').count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __layout_options__?: { hideFooter?: boolean } }).__layout_options__?.hideFooter)).toBe(true);
    expect(await page.title()).toBe('Configuration - TA-ser-mail');
    // The user's theme (light here) picked the light layout and colours.
    expect(web.assets().map((a) => a.split('/').pop())).toEqual(['get_theme.js', 'layout.js']);
    expect(await background(page)).toBe('rgb(255, 255, 255)');
  });

  it('opens as the first-launch page and shows stored secrets as "stored", never their values', async () => {
    await expect.poll(() => page.locator('[data-first-launch]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-row="prod"] [data-secret-cell="client_secret"]').innerText()).toBe('Stored');
    const listing = web.calls().filter((c) => c.url.includes('/storage/passwords'));
    expect(listing.length).toBeGreaterThan(0);
    for (const c of listing) expect(new URL(c.url, 'http://x').searchParams.getAll('f')).toEqual(['realm', 'username']);
  });

  it('shows the schema errors beside the fields and writes nothing while the form is invalid', async () => {
    const before = writes().length;
    await page.getByRole('button', { name: 'Add account' }).click();
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field('_name').innerText()).toContain('A name is required');
    await expect.poll(() => field('client_id').innerText()).toContain('Client ID (API key) is required');
    expect(await field('client_secret').innerText()).toContain('Client secret is required');
    await page.locator('#accounts-name').fill('bad name!');
    await page.locator('#accounts-auth_url').fill('not a url');
    await page.locator('#accounts-key_activation_date').fill('31/01/2026');
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field('auth_url').getAttribute('aria-invalid')).toBe('true');
    expect(await field('auth_url').innerText()).toContain('Invalid URL');
    expect(await field('key_activation_date').innerText()).toContain('Expected a date such as 2026-01-31');
    expect(await field('_name').innerText()).toContain('Use letters, digits');
    await page.screenshot({ path: join(SHOTS, 'accounts-validation.png') });
    // A field made valid loses its error while the others keep theirs.
    await page.locator('#accounts-auth_url').fill('https://auth.example.test');
    await expect.poll(() => field('auth_url').getAttribute('aria-invalid')).not.toBe('true');
    expect(await field('auth_url').innerText()).not.toContain('Invalid URL');
    expect(await field('key_activation_date').innerText()).toContain('Expected a date');
    expect(writes().length).toBe(before);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
    expect(writes().length).toBe(before);
  });

  it('adds an account with the keyboard only (Tab, Enter, Space), secret sent once to storage/passwords', async () => {
    const before = web.calls().length;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabUntil(async () => (await activeText()) === 'Add account');
    await page.keyboard.press('Enter');
    await expect.poll(activeId).toBe('accounts-name');
    await page.keyboard.type('kb');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('accounts-client_id');
    await page.keyboard.type('ser-key-kb');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('accounts-client_secret');
    await page.keyboard.type(S.account);
    await tabUntil(async () => (await activeId()) === 'accounts-key_activation_date');
    await page.keyboard.type('2026-03-01');
    await tabUntil(async () => (await activeText()) === 'Save');
    await page.keyboard.press('Space');
    await expect.poll(() => dialog().count()).toBe(0);
    await expect.poll(() => page.locator('[data-row="kb"] [data-secret-cell="client_secret"]').count()).toBe(1);
    // Focus comes back to where the dialog was opened from, not to the top of the page.
    await expect.poll(activeText).toBe('Add account');

    // Defaults stay out of the stanza; the secret never goes to the .conf.
    expect(sim.getStanza('ta_ser_mail_accounts', 'kb')).toEqual({ client_id: 'ser-key-kb', key_activation_date: '2026-03-01' });
    expect(sim.passwords.get('ta_ser_mail_account:kb:')?.password).toBe(S.account);
    const carrying = web.calls().slice(before).filter((c) => c.requestBody.includes(encodeURIComponent(S.account)) || c.requestBody.includes(S.account));
    expect(carrying.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toEqual(['POST /servicesNS/nobody/TA-ser-mail/storage/passwords']);
  });

  it('sets is_configured through apps/local after the first successful save', async () => {
    await expect.poll(() => sim.appConfigured()).toBe(true);
    await expect.poll(() => page.locator('[data-first-launch]').count()).toBe(0);
    const marks = web.calls().filter((c) => c.method === 'POST' && c.url.startsWith('/services/apps/local/TA-ser-mail'));
    expect(marks.map((c) => c.requestBody)).toEqual(['configured=1']);
  });

  it('edits an account: a blank secret keeps the stored one, a typed one replaces it', async () => {
    let before = web.calls().length;
    await page.getByRole('button', { name: 'Edit kb' }).click();
    await expect.poll(activeId).toBe('accounts-client_id');
    expect(await page.locator('#accounts-client_secret').inputValue()).toBe('');
    expect(await field('client_secret').innerText()).toContain('Stored');
    await page.locator('#accounts-api_url').fill('https://ser-api.eu.example.test');
    await page.locator('#accounts-key_activation_date').fill('');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().count()).toBe(0);
    await expect.poll(activeLabel).toBe('Edit kb');
    expect(sim.getStanza('ta_ser_mail_accounts', 'kb')).toEqual({ client_id: 'ser-key-kb', api_url: 'https://ser-api.eu.example.test', key_activation_date: '' });
    // The inputs read the edited account as the page meant it: cleared = unset, secret kept.
    const loaded = await loadAccount(program, 'kb');
    expect(loaded.api_url).toBe('https://ser-api.eu.example.test');
    expect(loaded.key_activation_date).toBeUndefined();
    expect(loaded.client_secret.reveal()).toBe(S.account);
    expect(sim.passwords.get('ta_ser_mail_account:kb:')?.password).toBe(S.account);
    expect(web.calls().slice(before).filter((c) => c.method !== 'GET' && c.url.includes('storage/passwords'))).toEqual([]);

    before = web.calls().length;
    await page.getByRole('button', { name: 'Edit kb' }).click();
    await page.locator('#accounts-client_secret').fill(S.accountNew);
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    expect(sim.passwords.get('ta_ser_mail_account:kb:')?.password).toBe(S.accountNew);
    const secretWrites = web.calls().slice(before).filter((c) => c.method === 'POST' && c.url.includes('storage/passwords'));
    expect(secretWrites.map((c) => c.url.split('?')[0])).toEqual(['/servicesNS/nobody/TA-ser-mail/storage/passwords/ta_ser_mail_account%3Akb%3A']);
  });

  it('deletes an account with its stored secret, after asking (keyboard only)', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabUntil(async () => (await activeLabel()) === 'Delete kb');
    await page.keyboard.press('Enter');
    await expect.poll(focusInDialog).toBe(true);
    await tabUntil(async () => (await focusInDialog()) && (await activeText()) === 'Delete');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-row="kb"]').count()).toBe(0);
    // The row is gone, so focus goes to "Add account" rather than nowhere.
    await expect.poll(activeText).toBe('Add account');
    expect(sim.getStanza('ta_ser_mail_accounts', 'kb')).toBeUndefined();
    expect(sim.passwords.has('ta_ser_mail_account:kb:')).toBe(false);
    expect(sim.getStanza('ta_ser_mail_accounts', 'prod')).toBeDefined();
    expect(sim.passwords.get('ta_ser_mail_account:prod:')?.password).toBe(S.seededAccount);
  });

  it('adds an HEC destination: comma list, switches, token', async () => {
    // Tabs change with the keyboard too: Tab to the selected one, then the arrow keys.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabUntil(async () => (await activeText()) === 'SER accounts');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('tab', { name: 'HEC destinations', selected: true }).count()).toBe(1);
    // The seeded list has no spaces after its commas; the table shows it as a list all the same.
    expect(await page.locator('[data-row="primary"]').innerText()).toContain('https://hec1.example.test:8088, https://hec2.example.test:8088');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await page.locator('#hec-name').fill('backup');
    await page.locator('#hec-urls').fill('https://hec3.example.test:8088, https://hec4.example.test:8088');
    await page.locator('#hec-token').fill(S.token);
    await page.locator('#hec-index').fill('mail');
    // A switch answers Space, as a keyboard user expects.
    await page.locator('#hec-ack').focus();
    await page.keyboard.press('Space');
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-row="backup"]').count()).toBe(1);
    const stanza = sim.getStanza('ta_ser_mail_hec', 'backup');
    expect(stanza).toEqual({ urls: 'https://hec3.example.test:8088, https://hec4.example.test:8088', index: 'mail', ack: 'true' });
    expect(stanza).not.toHaveProperty('token');
    expect(sim.passwords.get('ta_ser_mail_hec:backup:')?.password).toBe(S.token);
    const loaded = await loadHecDestination(program, 'backup');
    expect(loaded.urls).toEqual(['https://hec3.example.test:8088', 'https://hec4.example.test:8088']);
    expect([loaded.ack, loaded.gzip, loaded.index, loaded.token.reveal()]).toEqual([true, true, 'mail', S.token]);
  });

  it('checks the send service rules across fields and stores both of its secrets', async () => {
    await openTab('Send service');
    await page.getByRole('button', { name: 'Add service' }).click();
    await page.locator('#send-name').fill('secure');
    await page.locator('#send-host').fill('send2.example.test');
    await page.locator('#send-client_cert_file').fill('/opt/certs/c.pem');
    await page.locator('#send-client_key_file').fill('/opt/certs/c.key');
    await page.locator('#send-passphrase').fill(S.passphrase);
    await page.locator('#send-secret').fill(S.mailbox);
    await page.locator('#send-from').fill('soc@example.test');
    await page.locator('#send-encrypt').click();
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field('public_key_file').innerText()).toContain('Service public key file or Service public key (PEM) is required when encrypt is on');
    expect(sim.getStanza('ta_ser_mail_send', 'secure')).toBeUndefined();
    await page.locator('#send-public_key_file').fill('/opt/certs/service.pub.pem');
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-row="secure"]').count()).toBe(1);
    expect(sim.getStanza('ta_ser_mail_send', 'secure')).toEqual({
      host: 'send2.example.test',
      client_cert_file: '/opt/certs/c.pem',
      client_key_file: '/opt/certs/c.key',
      from: 'soc@example.test',
      encrypt: 'true',
      public_key_file: '/opt/certs/service.pub.pem',
    });
    expect(sim.passwords.get('ta_ser_mail_send_secret:secure:')?.password).toBe(S.mailbox);
    expect(sim.passwords.get('ta_ser_mail_send_passphrase:secure:')?.password).toBe(S.passphrase);
    const loaded = await loadSendService(program, 'secure');
    expect([loaded.encrypt, loaded.port, loaded.secret.reveal(), loaded.passphrase?.reveal()]).toEqual([true, 443, S.mailbox, S.passphrase]);
  });

  it('Splunk Cloud: client certificate, key, CA and encryption key pasted as PEM go to storage/passwords, never to the .conf, never back to the page', async () => {
    await openTab('Send service');
    await page.getByRole('button', { name: 'Add service' }).click();
    await page.locator('#send-name').fill('cloud');
    await page.locator('#send-host').fill('send3.example.test');
    await page.locator('#send-secret').fill(S.cloudMailbox);
    await page.locator('#send-from').fill('cloud@example.test');
    await page.locator('#send-encrypt').click();
    await dialog().getByRole('button', { name: 'Save' }).click();
    // neither a file path nor a pasted PEM: the rule across fields names both ways
    await expect.poll(() => field('client_cert_file').innerText()).toContain('Client certificate file or Client certificate (PEM) is required');
    await expect.poll(() => field('public_key_file').innerText()).toContain('Service public key file or Service public key (PEM) is required when encrypt is on');
    expect(await page.locator('#send-client_cert_pem').evaluate((el) => el.tagName)).toBe('TEXTAREA');
    await page.locator('#send-client_cert_pem').fill(S.certPem);
    await page.locator('#send-client_key_pem').fill(S.keyPem);
    await page.locator('#send-ca_pem').fill(S.caPem);
    await page.locator('#send-public_key_pem').fill(S.wrapPem);
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('[data-row="cloud"]').count()).toBe(1);
    expect(sim.getStanza('ta_ser_mail_send', 'cloud')).toEqual({ host: 'send3.example.test', from: 'cloud@example.test', encrypt: 'true' });
    const stored = (realm: string) => sim.passwords.get(`${realm}:cloud:`)?.password;
    expect([stored('ta_ser_mail_send_client_cert'), stored('ta_ser_mail_send_client_key'), stored('ta_ser_mail_send_ca'), stored('ta_ser_mail_send_public_key')]).toEqual([S.certPem, S.keyPem, S.caPem, S.wrapPem]);
    // the program's loader reads them back as secrets, line breaks intact
    const loaded = await loadSendService(program, 'cloud');
    expect([loaded.client_cert_pem?.reveal(), loaded.client_key_pem?.reveal(), loaded.ca_pem?.reveal(), loaded.public_key_pem?.reveal()]).toEqual([S.certPem, S.keyPem, S.caPem, S.wrapPem]);
    expect([loaded.client_cert_file, loaded.client_key_file, loaded.public_key_file]).toEqual([undefined, undefined, undefined]);
    // editing again: each pasted PEM shows as stored, its box stays empty; saving keeps them
    const before = web.calls().length;
    await page.getByRole('button', { name: 'Edit cloud' }).click();
    for (const key of ['client_cert_pem', 'client_key_pem', 'ca_pem', 'public_key_pem']) {
      await expect.poll(() => field(key).innerText()).toContain('Stored');
      expect(await page.locator(`#send-${key}`).inputValue()).toBe('');
    }
    await dialog().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    expect(web.calls().slice(before).filter((c) => c.method !== 'GET' && c.url.includes('storage/passwords'))).toEqual([]);
    expect(stored('ta_ser_mail_send_client_key')).toBe(S.keyPem);
  });

  it('saves the proxy (password to storage/passwords, user proxy) and the log level', async () => {
    await openTab('Proxy');
    await page.locator('#proxy-url').fill('http://svc-splunk@127.0.0.1:3128');
    await page.locator('#proxy-password').fill(S.proxy);
    await page.locator('[data-section="proxy"]').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => sim.getStanza('ta_ser_mail_settings', 'proxy')?.url).toBe('http://svc-splunk@127.0.0.1:3128');
    await expect.poll(() => sim.passwords.get('ta_ser_mail_proxy:proxy:')?.password).toBe(S.proxy);
    await expect.poll(() => field('password').innerText()).toContain('Stored');
    // the program keeps the password apart from the URL (sent as Proxy-Authorization, never in a URL string)
    const loadedProxy = await loadProxy(program);
    expect([loadedProxy.url, loadedProxy.password?.reveal()]).toEqual(['http://svc-splunk@127.0.0.1:3128', S.proxy]);

    await openTab('Logging');
    // The list opens, moves and chooses with the keyboard too.
    await page.locator('#logging-level').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'debug' }).waitFor();
    for (let i = 0; i < 8 && (await activeText()) !== 'debug'; i++) await page.keyboard.press('ArrowUp');
    expect(await activeText()).toBe('debug');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#logging-level').innerText()).toBe('debug');
    await tabUntil(async () => (await activeText()) === 'Save');
    await page.keyboard.press('Enter');
    await expect.poll(() => sim.getStanza('ta_ser_mail_settings', 'logging')?.level).toBe('debug');
  });

  it('takes a screenshot of each tab', async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const [tab, id] of [['SER accounts', 'accounts'], ['HEC destinations', 'hec'], ['Send service', 'send'], ['Proxy', 'proxy'], ['Logging', 'logging']] as const) {
      await openTab(tab);
      // Loaded: a table row, or a field of a settings form (not the spinner).
      await page.locator(`[data-section="${id}"] [data-row], [data-section="${id}"] [data-field]`).first().waitFor();
      await page.mouse.move(0, 0);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.screenshot({ path: join(SHOTS, `${id}.png`) });
    }
    await openTab('HEC destinations');
    await page.getByRole('button', { name: 'Edit primary' }).click();
    await page.getByRole('button', { name: 'Advanced settings' }).click();
    await page.locator('#hec-connections').waitFor({ state: 'visible' });
    await page.mouse.move(0, 0);
    // The panel's heading at the top, so the picture says which part of the dialog it shows.
    await page.getByRole('button', { name: 'Advanced settings' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // Let the panel's opening animation finish so the picture is not caught half-way.
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(SHOTS, 'hec-edit.png') });
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('follows the user\'s dark theme (Splunk Web\'s theme API), without console errors', async () => {
    web.setTheme('dark');
    const before = web.assets().length;
    const dark = await context.newPage();
    try {
      watchPage(dark);
      await dark.goto(`${web.url}/en-US/app/TA-ser-mail/ta_ser_mail_configuration`);
      await dark.locator('[data-row="prod"]').waitFor();
      expect(web.assets().slice(before).map((a) => a.split('/').pop())).toEqual(['get_theme.js', 'layout-dark.js']);
      expect(await background(dark)).toBe('rgb(23, 29, 33)');
      // Text is light on the dark background (not the light theme's dark grey).
      const [r, g, b] = (await dark.getByRole('heading', { level: 1 }).evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)!.map(Number);
      expect(Math.min(r!, g!, b!)).toBeGreaterThan(180);
      await dark.mouse.move(0, 0);
      await dark.screenshot({ path: join(SHOTS, 'accounts-dark.png') });
    } finally {
      await dark.close();
      web.setTheme('light');
    }
  });

  it('never received a secret, sent each one once, and kept Splunk Web\'s CSRF rule', () => {
    const calls = web.calls();
    for (const value of Object.values(S)) {
      const shown = calls.filter((c) => c.responseBody.includes(value));
      expect(shown.map((c) => c.url)).toEqual([]);
    }
    for (const value of [S.account, S.accountNew, S.token, S.mailbox, S.passphrase, S.proxy, S.cloudMailbox, S.certPem, S.keyPem, S.caPem, S.wrapPem]) {
      expect(calls.filter((c) => c.requestBody.includes(encodeURIComponent(value).replace(/%20/g, '+')) || c.requestBody.includes(encodeURIComponent(value))).length).toBe(1);
    }
    for (const value of [S.seededAccount, S.seededToken, S.seededMailbox]) {
      expect(calls.filter((c) => c.requestBody.includes(value))).toEqual([]);
    }
    const mutating = calls.filter((c) => c.method !== 'GET');
    expect(mutating.length).toBeGreaterThan(8);
    expect(mutating.filter((c) => !c.formKeyOk || c.status >= 400).map((c) => `${c.method} ${c.url} ${c.status}`)).toEqual([]);
    expect(sim.passwords.size).toBe(13);
  });

  it('rendered without console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
