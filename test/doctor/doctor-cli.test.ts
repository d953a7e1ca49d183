import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { createPki } from '../../src/sim/pki.js';
import { startSplunkdSimulator } from '../../src/sim/splunkd.js';
import { writeConfig } from './helpers.js';

const BUNDLE = fileURLToPath(new URL('../../dist/ta-ser-mail.cjs', import.meta.url));
let hec: HecSimulator;

beforeAll(async () => {
  hec = await startHecSimulator({});
});
afterAll(async () => {
  await hec?.close();
});

function doctor(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE, 'doctor', ...args], { env: { ...process.env, ...env }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('doctor as a command', () => {
  it('exits 0 with the table when every check passes, 1 with the failing row when one fails', async () => {
    expect(existsSync(BUNDLE), 'run `npm run build` first (npm test does)').toBe(true);
    const file = writeConfig({ proxy: { use_env: false }, hec: { main: { urls: hec.url, token: { env: 'T' } } }, inputs: { mail_metadata: { m: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'R' } } } } });
    const good = await doctor(['--config', file], { T: hec.token, R: 'r' });
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^CHECK\s+TARGET\s+RESULT\s+DETAIL\s+FIX$/m);
    expect(good.stdout).toMatch(/^All \d+ checks passed/m);

    const bad = await doctor(['--config', file, '--json'], { T: 'not-the-token', R: 'r' });
    expect(bad.code).toBe(1);
    const rows = JSON.parse(bad.stdout) as CheckResult[];
    const token = rows.find((r) => r.check === 'HEC token')!;
    expect(token.status).toBe('fail');
    expect(token.fix).toBeTruthy();
    expect(bad.stdout + bad.stderr).not.toContain('not-the-token');
  });

  it('a missing configuration file is one failed row and exit 1', async () => {
    const r = await doctor(['--config', join(fileURLToPath(new URL('.', import.meta.url)), 'no-such.yaml')], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^config .* FAIL .*ENOENT/m);
  });

  it('--splunk reads the session key from stdin, never from the command line, and checks the pasted PEMs', async () => {
    const pki = createPki(undefined, { days: 400 });
    const splunkd = await startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    try {
      splunkd.setStanza('ta_ser_mail_send', 'mailer', { host: '127.0.0.1', port: '9', from: 'alerts@example.com' });
      splunkd.setPassword('ta_ser_mail_send_secret', 'mailer', 'mailbox-secret-1');
      splunkd.setPassword('ta_ser_mail_send_client_cert', 'mailer', pki.clientCert);
      splunkd.setPassword('ta_ser_mail_send_client_key', 'mailer', pki.clientKey);
      splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailer', 'wrong-passphrase-xyz');
      const env = { TA_SER_MAIL_SPLUNKD_CA_FILE: pki.caFile, TA_SER_MAIL_APP_DIR: '' };
      const r = await doctor(['--splunk', splunkd.url, '--session-key-file', '-', '--json'], env, `${splunkd.sessionKey}\n`);
      expect(r.code, r.stderr).toBe(1);
      const rows = JSON.parse(r.stdout) as CheckResult[];
      expect(rows.find((x) => x.check === 'splunkd')?.status).toBe('pass');
      expect(rows.find((x) => x.check === 'client certificate')?.detail).toMatch(/realm ta_ser_mail_send_passphrase\) \(wrong passphrase\)$/);
      expect(r.stdout + r.stderr).not.toContain('wrong-passphrase-xyz');
      expect(r.stdout + r.stderr).not.toContain(splunkd.sessionKey);

      const neither = await doctor([], env);
      expect(neither.code).toBe(2);
      expect(neither.stderr).toMatch(/either --config <file> or --splunk/);
      const mixed = await doctor(['--config', 'x.yaml', '--service', 'mailer'], env);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toMatch(/--service and --session-key-file go with --splunk/);
      const missing = await doctor(['--splunk', '--session-key-file', '/no/such/key'], env);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/--session-key-file.*cannot be read \(ENOENT\)/);
    } finally {
      await splunkd.close();
    }
  });
});
