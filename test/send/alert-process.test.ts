import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { REPLY_TEXT, type SendSimulator } from '../../src/sim/send.js';
import { sendAuditSchema, sendInvocationSchema } from '../../src/send/event-schema.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { MAILBOX_SECRET, serviceSettings, startSim, testPki } from './fixtures.js';
import { writeResultsFile } from './results-file.js';

/** The alert action run the way splunkd runs it: a child process, --execute, JSON on stdin. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-alert-proc-'));

function runAction(payload: unknown, env: Record<string, string>, command: string[] = [process.execPath, '--import', 'tsx', 'src/main.ts', 'alert', 'ser_secure_send', '--execute']): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(JSON.stringify(payload));
  });
}

describe('ser_secure_send as a child process, payload on stdin', () => {
  let splunkd: SplunkdSimulator;
  let hec: HecSimulator;
  let send: SendSimulator;

  beforeAll(async () => {
    testPki();
    [splunkd, hec, send] = await Promise.all([startSplunkdSimulator({ app: 'TA-ser-mail' }), startHecSimulator({ keep: 'all' }), startSim()]);
    const { passphrase, secret, ...conf } = serviceSettings(send.port);
    splunkd.setStanza('ta_ser_mail_send', 'mailbox', conf);
    splunkd.setPassword('ta_ser_mail_send_secret', 'mailbox', secret!);
    splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailbox', passphrase!);
    splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url.replace(/\/services.*$/, ''), gzip: '0', retries: '0', request_timeout: '5' });
    splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);
    splunkd.setStanza('ta_ser_mail_hec', 'down', { urls: 'http://127.0.0.1:9', retries: '0', request_timeout: '2' });
    splunkd.setPassword('ta_ser_mail_hec', 'down', 'no-such-token');
    // the saved search as splunkd stores it: parameters before token replacement
    splunkd.route((req) =>
      req.method === 'GET' && req.path === 'saved/searches/Disk alerts' // the simulator strips servicesNS/<owner>/<app>/
        ? { status: 200, body: { entry: [{ name: 'Disk alerts', content: { 'action.ser_secure_send.param.to': '$result.user$', 'action.ser_secure_send.param.subject': 'Host $result.host$ ($name$)', 'action.ser_secure_send.param.body': 'Down: $result.host$' } }] } }
        : undefined,
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([splunkd.close(), hec.close(), send.close()]);
  });

  const auditOf = (sid: string) => hec.events().filter((e) => e.sourcetype === 'proofpoint:ser:send:audit' && (e.event as Record<string, unknown>).sid === sid).map((e) => sendAuditSchema.parse(e.event));
  const invocationsOf = (sid: string) => hec.events().filter((e) => e.sourcetype === 'proofpoint:ser:send:invocation' && (e.event as Record<string, unknown>).sid === sid).map((e) => sendInvocationSchema.parse(e.event));

  const payload = (sid: string, configuration: Record<string, string>, resultsFile: string) => ({
    app: 'search',
    owner: 'admin',
    results_file: resultsFile,
    results_link: 'http://sh1:8000/app/search/@go?sid=' + sid,
    search_uri: '/servicesNS/admin/search/saved/searches/Disk%20alerts',
    server_host: 'sh1',
    server_uri: splunkd.url,
    session_key: splunkd.sessionKey,
    sid,
    search_name: 'Disk alerts',
    configuration,
    result: { host: 'db1' },
  });

  it('sends per row, audits through HEC, exits 0; secrets come from storage/passwords', async () => {
    const file = join(dir, 'ok.csv.gz');
    writeResultsFile(file, [{ user: 'one.user@example.com', host: 'db1' }, { user: 'two.user@example.com', host: 'db2' }]);
    const fallback = join(dir, 'ok-audit.log');
    // splunkd has already replaced $result.*$ from the first row; the action reads the templates from search_uri
    const filled = { service: 'mailbox', hec: 'main', mode: 'per_row', to: 'one.user@example.com', subject: 'Host db1 (Disk alerts)', body: 'Down: db1', body_type: 'text/plain' };
    const r = await runAction(payload('sid-proc-ok', filled, file), { TA_SER_MAIL_SEND_AUDIT_FILE: fallback });
    expect(r.stderr).not.toMatch(/^ERROR/m);
    expect(r.code).toBe(0);
    const got = send.delivered().filter((d) => d.subject.startsWith('Host db'));
    expect(got.map((d) => [d.to[0], d.subject, d.body]).sort()).toEqual([
      ['one.user@example.com', 'Host db1 (Disk alerts)', 'Down: db1'],
      ['two.user@example.com', 'Host db2 (Disk alerts)', 'Down: db2'],
    ]);
    const audit = hec.events().filter((e) => e.sourcetype === 'proofpoint:ser:send:audit').map((e) => e.event as Record<string, unknown>);
    expect(audit.map((a) => a.sid)).toEqual(['sid-proc-ok', 'sid-proc-ok']);
    expect(existsSync(fallback)).toBe(false);
    const all = r.stderr + r.stdout + JSON.stringify(hec.events());
    expect(all).not.toContain(MAILBOX_SECRET);
    expect(all).not.toContain(testPki().clientKeyPassphrase);
    expect(all).not.toContain(splunkd.sessionKey);
  }, 90_000);

  it('HEC unreachable: audit goes to the fallback file; a refused message gives exit 2 and one summary line', async () => {
    const file = join(dir, 'down.csv.gz');
    writeResultsFile(file, [{ user: 'three.user@example.com' }, { user: 'x@y' }]);
    const fallback = join(dir, 'down-audit.log');
    send.setFault({ kind: 'refuse', times: 1, message: 'Ошибка обработки запроса', explanation: 'scripted' });
    const r = await runAction(payload('sid-proc-down', { service: 'mailbox', hec: 'down', mode: 'per_row', to: '$result.user$', subject: 's', body: 'b' }, file), { TA_SER_MAIL_SEND_AUDIT_FILE: fallback, TA_SER_MAIL_AUDIT_DEADLINE_MS: '3000' });
    send.setFault(undefined);
    expect(r.code).toBe(2);
    // other components may log their own ERROR lines (the HEC sink does); ours is the last line
    const summary = r.stderr.split('\n').filter((l) => l.startsWith('ERROR ser_secure_send:'));
    expect(summary).toHaveLength(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(summary[0]);
    expect(summary[0]).toMatch(/0\/2 message\(s\) sent, 1 refused by the service, 1 failed/);
    const lines = readFileSync(fallback, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.error_code).sort()).toEqual(['SEND_ADDRESS_INVALID', 'SEND_REFUSED']);
  }, 90_000);

  it('a results file that breaks off part way: what was sent is audited (fallback file), exit 2, one summary line', async () => {
    const whole = join(dir, 'whole.csv.gz');
    writeResultsFile(whole, Array.from({ length: 300 }, (_v, i) => ({ user: `cut${i}.user@example.com` })));
    const file = join(dir, 'cut.csv.gz');
    writeFileSync(file, readFileSync(whole).subarray(0, Math.floor(readFileSync(whole).length * 0.6)));
    const fallback = join(dir, 'cut-audit.log');
    const r = await runAction(payload('sid-proc-cut', { service: 'mailbox', hec: 'down', mode: 'per_row', to: '$result.user$', subject: 'cut', body: 'b', max_messages: '1000' }, file), { TA_SER_MAIL_SEND_AUDIT_FILE: fallback, TA_SER_MAIL_AUDIT_DEADLINE_MS: '3000' });
    expect(r.code).toBe(2);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^ERROR ser_secure_send: \d+\/\d+ message\(s\) sent.*stopped after \d+ row\(s\): .*cut\.csv\.gz.*unexpected end of file/);
    const sent = send.delivered().filter((d) => d.to[0]!.startsWith('cut'));
    expect(sent.length).toBeGreaterThan(0);
    const lines = readFileSync(fallback, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.sid === 'sid-proc-cut' && l.action_status === 'success').map((l) => l.message_id).sort()).toEqual(sent.map((d) => d.messageId).sort());
  }, 90_000);

  it('Cyrillic addresses end to end: .conf from, payload recipients, results, Email-From header, audit over HEC', async () => {
    const cyr = await startSim({ from: 'почта.уведомления@пример.рф' });
    try {
      const { passphrase, secret, ...conf } = serviceSettings(cyr.port, { from: 'почта.уведомления@пример.рф' });
      splunkd.setStanza('ta_ser_mail_send', 'cyrillic', conf);
      splunkd.setPassword('ta_ser_mail_send_secret', 'cyrillic', secret!);
      splunkd.setPassword('ta_ser_mail_send_passphrase', 'cyrillic', passphrase!);
      const file = join(dir, 'cyr.csv.gz');
      writeResultsFile(file, [{ пользователь: 'иван.петров@пример.рф', сервер: 'бд1' }]);
      const before = hec.events().length;
      const r = await runAction(
        payload('sid-cyrillic', { service: 'cyrillic', hec: 'main', to: 'иван.петров@пример.рф, Ольга.Смирнова@почта.рус', cc: 'анна@пример.рф', subject: 'Тревога: бд1', body: 'Сервер:', body_type: 'text/plain' }, file),
        { TA_SER_MAIL_SEND_AUDIT_FILE: join(dir, 'cyr-audit.log') },
      );
      expect(r.stderr).not.toMatch(/^ERROR/m);
      expect(r.code).toBe(0);
      const [m] = cyr.delivered();
      expect(m).toMatchObject({ from: 'почта.уведомления@пример.рф', to: ['иван.петров@пример.рф', 'Ольга.Смирнова@почта.рус'], cc: ['анна@пример.рф'], subject: 'Тревога: бд1' });
      expect(m!.body).toMatch(/пользователь +\| сервер\n/);
      expect(m!.body).toContain('бд1');
      const audit = hec.events().slice(before).filter((e) => e.sourcetype === 'proofpoint:ser:send:audit').map((e) => e.event as Record<string, unknown>);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ sid: 'sid-cyrillic', action_status: 'success', sender: 'почта.уведомления@пример.рф', recipient: ['иван.петров@пример.рф', 'Ольга.Смирнова@почта.рус', 'анна@пример.рф'], recipient_count: 3, subject: 'Тревога: бд1' });
    } finally {
      await cyr.close();
    }
  }, 90_000);

  it('audit that can reach neither HEC nor the file: exit 2, and the summary line still says what was sent', async () => {
    const file = join(dir, 'lost.csv.gz');
    writeResultsFile(file, [{ host: 'db7' }]);
    const notAFolder = join(dir, 'not-a-folder');
    writeFileSync(notAFolder, 'x');
    const r = await runAction(payload('sid-proc-lost', { service: 'mailbox', hec: 'down', to: 'soc.team@example.com', subject: 'Lost audit', body: 'b', body_type: 'text/plain' }, file), { TA_SER_MAIL_SEND_AUDIT_FILE: join(notAFolder, 'audit.log'), TA_SER_MAIL_AUDIT_DEADLINE_MS: '3000' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^ERROR ser_secure_send: 1\/1 message\(s\) sent, 0 refused by the service, 0 failed; audit: SEND_AUDIT_LOST: 1 audit event\(s\) reached neither HEC nor .*not-a-folder/);
    expect(send.delivered().filter((d) => d.subject === 'Lost audit')).toHaveLength(1);
  }, 90_000);

  it('a bad payload or parameter is one readable line and a non-zero exit', async () => {
    const r1 = await runAction({ sid: 'x' }, {});
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toMatch(/^ERROR .*server_uri/m);
    const r2 = await runAction(payload('sid-bad', { service: 'mailbox', to: 'a.b@example.com', mode: 'sometimes' }, join(dir, 'none.csv.gz')), {});
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/^ERROR .*mode/m);
    expect(r2.stderr).not.toContain(splunkd.sessionKey);
  }, 90_000);

  it('every run leaves an audit event, also one that fails before sending: unknown service, wrong key passphrase, invalid from, unreadable results file', async () => {
    const { passphrase, secret, ...conf } = serviceSettings(send.port);
    splunkd.setStanza('ta_ser_mail_send', 'badpass', conf);
    splunkd.setPassword('ta_ser_mail_send_secret', 'badpass', secret!);
    splunkd.setPassword('ta_ser_mail_send_passphrase', 'badpass', 'not-the-passphrase');
    splunkd.setStanza('ta_ser_mail_send', 'badfrom', { ...conf, from: 'alerts@x' });
    splunkd.setPassword('ta_ser_mail_send_secret', 'badfrom', secret!);
    splunkd.setPassword('ta_ser_mail_send_passphrase', 'badfrom', passphrase!);
    const file = join(dir, 'early.csv.gz');
    writeResultsFile(file, [{ host: 'db1' }]);
    const cases = [
      { sid: 'sid-early-unknown', service: 'nosuch', results: file, exit: 1, stage: 'config', line: /send service "nosuch" does not exist/ },
      { sid: 'sid-early-pass', service: 'badpass', results: file, exit: 1, stage: 'config', line: /cannot be opened with the passphrase/ },
      { sid: 'sid-early-from', service: 'badfrom', results: file, exit: 1, stage: 'config', line: /from "alerts@x" does not match/ },
      { sid: 'sid-early-results', service: 'mailbox', results: join(dir, 'no-such-results.csv.gz'), exit: 2, stage: 'results', line: /no-such-results\.csv\.gz/ },
    ];
    const delivered = send.delivered().length;
    for (const c of cases) {
      const r = await runAction(payload(c.sid, { service: c.service, hec: 'main', to: 'soc.team@example.com', subject: 'early', body: 'b' }, c.results), { TA_SER_MAIL_SEND_AUDIT_FILE: join(dir, 'early-audit.log') });
      expect(r.code, c.sid).toBe(c.exit);
      expect(r.stderr.trim().split('\n').at(-1), c.sid).toMatch(c.line);
      const events = auditOf(c.sid);
      // the run was invoked (CIM Modular Action Invocations), then failed before sending
      expect(invocationsOf(c.sid), c.sid).toEqual([expect.objectContaining({ signature: 'Invoking modular action', rid: '0', action_mode: 'adhoc' })]);
      expect(events, c.sid).toEqual([expect.objectContaining({ action_name: 'ser_secure_send', action_status: 'failure', send_status: 'failed', stage: c.stage, search_name: 'Disk alerts', rid: '0', signature: expect.stringMatching(c.line) })]);
      expect(JSON.stringify(events) + r.stderr).not.toContain('not-the-passphrase');
    }
    expect(send.delivered().length).toBe(delivered);
  }, 180_000);

  it('a success records the service\'s explanation; a re-run of the same sid is a duplicate of the earlier accepted send (exit 0)', async () => {
    const file = join(dir, 'rerun.csv.gz');
    writeResultsFile(file, [{ host: 'db3' }]);
    const env = { TA_SER_MAIL_SEND_AUDIT_FILE: join(dir, 'rerun-audit.log'), TA_SER_MAIL_SEND_LEDGER_FILE: join(dir, 'state', 'accepted.jsonl') };
    const p = payload('sid-rerun', { service: 'mailbox', hec: 'main', to: 'soc.team@example.com', subject: 'Rerun', body: 'b', body_type: 'text/plain' }, file);
    const first = await runAction(p, env);
    expect(first.code).toBe(0);
    const again = await runAction(p, env);
    expect(again.stderr).not.toMatch(/^ERROR/m);
    expect(again.code).toBe(0);
    expect(send.delivered().filter((d) => d.subject === 'Rerun')).toHaveLength(1);
    const [a, b] = auditOf('sid-rerun');
    expect(invocationsOf('sid-rerun')).toHaveLength(2);
    expect(a).toMatchObject({ action_status: 'success', send_status: 'sent', code: 0, explanation: REPLY_TEXT.okExplanation });
    expect(a!.signature).toContain(REPLY_TEXT.okExplanation);
    expect(b).toMatchObject({ action_status: 'success', send_status: 'duplicate', duplicate_of: a!.transaction_id, code: -1, explanation: REPLY_TEXT.repeated, message_id: a!.message_id });
  }, 120_000);

  it('Splunk Cloud: client certificate, key, CA and encryption certificate pasted as PEM (storage/passwords), no file path in the .conf', async () => {
    const enc = await startSim({ encrypt: true });
    try {
      const pki = testPki();
      const pem = (f: string) => readFileSync(f, 'utf8');
      splunkd.setStanza('ta_ser_mail_send', 'cloud', { host: '127.0.0.1', port: String(enc.port), from: 'alerts@example.com', encrypt: '1', retry_delay: '10ms' });
      const stored: Record<string, string> = {
        ta_ser_mail_send_secret: MAILBOX_SECRET,
        ta_ser_mail_send_passphrase: pki.clientKeyPassphrase,
        ta_ser_mail_send_client_cert: pem(pki.clientCertFile),
        ta_ser_mail_send_client_key: pem(pki.clientKeyFile),
        ta_ser_mail_send_ca: pem(pki.caFile),
        ta_ser_mail_send_public_key: pem(pki.wrapCertFile),
      };
      for (const [realm, value] of Object.entries(stored)) splunkd.setPassword(realm, 'cloud', value);
      const file = join(dir, 'cloud.csv.gz');
      writeResultsFile(file, [{ host: 'cloud1' }]);
      const r = await runAction(payload('sid-cloud', { service: 'cloud', hec: 'main', to: 'soc.team@example.com', subject: 'Pasted PEM', body: 'b', body_type: 'text/plain' }, file), { TA_SER_MAIL_SEND_AUDIT_FILE: join(dir, 'cloud-audit.log') });
      expect(r.stderr).not.toMatch(/^ERROR/m);
      expect(r.code).toBe(0);
      expect(enc.delivered()).toEqual([expect.objectContaining({ subject: 'Pasted PEM', encrypted: true })]);
      const [e] = auditOf('sid-cloud');
      expect(e).toMatchObject({ action_status: 'success', encrypted: true });
      const seen = r.stderr + r.stdout + JSON.stringify(hec.events());
      expect(seen).not.toContain('PRIVATE KEY');
      expect(seen).not.toContain(pki.clientKeyPassphrase);
    } finally {
      await enc.close();
    }
  }, 120_000);

  it('through the app wrapper bin/ser_secure_send.sh and the bundled program, as splunkd runs it', async () => {
    // a throw-away app folder: the wrapper from the app, the CLI bundled as `npm run build` does
    const appDir = join(dir, 'TA-ser-mail');
    mkdirSync(join(appDir, 'bin'), { recursive: true });
    copyFileSync(join(root, 'splunk_app/TA-ser-mail/bin/ser_secure_send.sh'), join(appDir, 'bin/ser_secure_send.sh'));
    await build({ entryPoints: [join(root, 'src/main.ts')], outfile: join(appDir, 'bin/ta-ser-mail.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', define: { __VERSION__: '"0.0.0-test"' } });
    const file = join(dir, 'wrapper.csv.gz');
    writeResultsFile(file, [{ host: 'db9', status: 'down' }]);
    const before = hec.events().length;
    const { SPLUNK_HOME: _omit, ...env } = process.env;
    const r = await runAction(
      payload('sid-wrapper', { service: 'mailbox', hec: 'main', to: 'soc.team@example.com', subject: 'Wrapper run', body: 'Results:', body_type: 'text/plain' }, file),
      { ...(env as Record<string, string>), PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`, TA_SER_MAIL_SEND_AUDIT_FILE: join(dir, 'wrapper-audit.log') },
      // As splunkd runs it: bin/<stanza>.sh found by name, --execute added by splunkd.
      ['sh', join(appDir, 'bin/ser_secure_send.sh'), '--execute'],
    );
    expect(r.stderr).not.toMatch(/^ERROR/m);
    expect(r.code).toBe(0);
    const m = send.delivered().find((d) => d.subject === 'Wrapper run')!;
    expect(m.body).toMatch(/^Results:\n\nhost +\| status\n/);
    expect(m.body).toContain('db9');
    expect(hec.events().slice(before).map((e) => [e.sourcetype, (e.event as Record<string, unknown>).sid]).sort()).toEqual([
      ['proofpoint:ser:send:audit', 'sid-wrapper'],
      ['proofpoint:ser:send:invocation', 'sid-wrapper'],
    ]);
  }, 120_000);
});
