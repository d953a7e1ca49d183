import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DemoEnvironment } from './environment.js';

/** The correlation search run whose notable events the demo's action is invoked on. */
const NOTABLE_SID = 'scheduler__admin__SplunkEnterpriseSecuritySuite__RMD5ser_failures_at_1733500000_42';

export interface AlertStageResult {
  exitCode: number | null;
  stderr: string;
  resultsFile: string;
  rows: number;
  delivered: number;
  encrypted: boolean;
  /** The subject the service decrypted (proves the round trip). */
  subject?: string;
  sid: string;
}

function csv(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const q = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c] ?? '')).join(','))].join('\r\n') + '\r\n';
}

/**
 * The alert action run exactly as splunkd runs it: a child process of this same program with
 * `alert ser_secure_send --execute`, the JSON payload on stdin, a gzipped CSV results file,
 * settings and secrets read from (a stand-in for) splunkd. The mailbox requires encryption.
 * The results are "a search over the backfilled data": application users with failures.
 */
export async function alertStage(env: DemoEnvironment, range: { fromMs: number; toMs: number }, cliEntry: string[]): Promise<AlertStageResult> {
  const users = env.ser
    .counts(range.fromMs, range.toMs)
    .sort((a, b) => b.failure - a.failure)
    .slice(0, 5)
    // Notable-like rows, as Enterprise Security hands them to an adaptive response action: each
    // names the notable event it came from (orig_sid, orig_rid), which the audit event carries.
    .map((u, i) => ({ rid: i, orig_sid: NOTABLE_SID, orig_rid: i, application: u.applicationName, application_user: u.applicationUserName, success: u.success, failure: u.failure, temp_failure: u.tempFailure }));
  const resultsFile = join(env.out, 'results.csv.gz');
  writeFileSync(resultsFile, gzipSync(csv(users)));
  // An ad hoc invocation from Incident Review: ES runs the action in a search of its own.
  const sid = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
  const payload = {
    app: 'search',
    owner: 'admin',
    results_file: resultsFile,
    results_link: `https://${hostname()}:8000/app/search/@go?sid=${sid}`,
    server_host: hostname(),
    server_uri: env.splunkd.url,
    session_key: env.splunkd.sessionKey,
    sid,
    search_name: 'SER application users with failures (7 days) - Rule',
    result: { rid: '0', orig_sid: NOTABLE_SID, orig_rid: '0' },
    configuration: {
      service: 'mailer',
      hec: 'main',
      to: 'soc-team@example.com',
      cc: 'Ольга.Смирнова@пример.рф',
      subject: 'SER: application users with permanent failures',
      body: '<p>Top application users by permanent failures over the last 7 days:</p>$results_table$',
      body_type: 'text/html',
      importance: 'high',
      mode: 'per_alert',
    },
  };
  const before = env.send.delivered().length;
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...cliEntry, '--log-level', 'warn', 'alert', 'ser_secure_send', '--execute'], {
      env: { ...process.env, TA_SER_MAIL_SEND_AUDIT_FILE: join(env.out, 'audit-fallback.log') },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stderr: err });
    });
    child.stdin.end(JSON.stringify(payload));
  });
  const sent = env.send.delivered().slice(before);
  return { exitCode: code, stderr, resultsFile, rows: users.length, delivered: sent.length, encrypted: sent.every((m) => m.encrypted) && sent.length > 0, subject: sent[0]?.subject, sid };
}
