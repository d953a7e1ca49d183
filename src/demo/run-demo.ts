import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { VERSION } from '../core/version.js';
import { runDoctor } from '../doctor/doctor.js';
import { HecSink } from '../hec/sink.js';
import { loadServiceConfig } from '../service/config-load.js';
import { alertStage, type AlertStageResult } from './alert-stage.js';
import { startDemoEnvironment, type DemoEnvironment } from './environment.js';
import { mailStage, type MailStageResult } from './mail-stage.js';
import { serBackfillStage, type SerStageResult } from './ser-stage.js';
import { formatCounts, readReceived } from './summary.js';

export interface DemoOptions {
  /** Parent of the run's output folder (default ./demo-output). */
  outDir?: string;
  log: Logger;
  /** How to start this program again for the alert action's child process. */
  cliEntry: string[];
  write?: (line: string) => void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `npm start`: the whole product against its simulators, on 127.0.0.1, in well under a
 * minute. Every stage uses the real code paths (the same functions the CLI commands, the
 * Splunk inputs and the alert action use); the summary is read back from what the HEC
 * simulator recorded, not from our own counters. Returns the exit code.
 */
export async function runDemo(o: DemoOptions): Promise<number> {
  const say = o.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const t0 = Date.now();
  const stamp = new Date(t0).toISOString().replace(/[:.]/g, '-');
  const out = resolve(o.outDir ?? 'demo-output', stamp);
  mkdirSync(out, { recursive: true });
  const failures: string[] = [];
  const stage = async <T>(title: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const s = Date.now();
    say(`\n▶ ${title}`);
    try {
      const r = await fn();
      say(`  done in ${seconds(Date.now() - s)}`);
      return r;
    } catch (err) {
      failures.push(`${title}: ${describeError(err)}`);
      say(`  ✗ FAILED: ${describeError(err)}`);
      return undefined;
    }
  };

  say(`TA-ser-mail ${VERSION} demo — everything runs on 127.0.0.1; output in ${out}`);
  let env: DemoEnvironment | undefined;
  let ser: SerStageResult | undefined;
  let mail: MailStageResult | undefined;
  let alert: AlertStageResult | undefined;
  try {
    env = await stage('Simulators: HEC (TLS, indexer ack), SER API (TLS), send service (mutual TLS, encrypted mailbox), splunkd; throw-away certificates', async () => {
      const e = await startDemoEnvironment(out);
      say(`  HEC ${e.hec.url} · SER ${e.ser.url} · send ${e.send.url} · splunkd ${e.splunkd.url}`);
      return e;
    });
    if (!env) return 1;
    const e = env;
    const cfg = loadServiceConfig(e.configFile, e.env);

    await stage(`doctor --config ${e.configFile}`, async () => {
      const report = await runDoctor(e.configFile, { env: e.env, log: o.log, timeoutMs: 10_000 });
      const failed = report.results.filter((r) => r.status === 'fail');
      say(`  ${report.results.length - failed.length}/${report.results.length} checks passed (config, DNS, TLS, SER token + one report call, HEC health + token, client certificate, send mTLS, encryption key, checkpoint dir)`);
      if (failed.length) throw new Error(failed.map((f) => `${f.check} ${f.target}: ${f.detail}`).join('; '));
    });

    const sink = new HecSink(cfg.hec.main!, { log: o.log, name: 'main' });
    ser = await stage('SER report input: 7-day backfill of hourly windows (token, rate limit, checkpoint after delivery)', async () => {
      const r = await serBackfillStage(cfg, sink, o.log, say);
      say(`  ${r.windows} windows, ${r.events} events delivered (indexer-acknowledged), ${r.requests} report requests; checkpoint ${r.checkpoint}`);
      return r;
    });
    const closed = await sink.close(15_000);
    if (closed.undelivered > 0) failures.push(`SER backfill: ${closed.undelivered} event(s) undelivered`);

    mail = await stage('Mail metadata: the standalone service (run) receives a connector\'s Mails and Users calls', () => mailStage(cfg, e.env, o.log, say));

    alert = await stage('Secure send alert action, run as splunkd runs it (child process, payload on stdin), encryption on', async () => {
      const r = await alertStage(e, ser ?? { fromMs: Date.now() - 7 * 86_400_000, toMs: Date.now() }, o.cliEntry);
      say(`  results file ${r.resultsFile} (${r.rows} rows) → ${r.delivered} message(s) accepted by the send service, encrypted: ${r.encrypted ? 'yes (AES-256-GCM, key wrapped with RSA-OAEP SHA-256; the simulator decrypted it)' : 'no'}`);
      if (r.exitCode !== 0) throw new Error(`the alert action exited ${r.exitCode}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
      if (!r.encrypted) throw new Error('the message was not sent encrypted');
      return r;
    });
  } finally {
    await env?.close();
  }

  // Summary from what HEC recorded (the simulator's JSONL file, complete now that it is closed).
  const received = await readReceived(env.eventsFile).catch((err: unknown) => {
    failures.push(`reading ${env!.eventsFile}: ${describeError(err)}`);
    return undefined;
  });
  say('\n══ Summary ══');
  if (received) {
    say(`Events received by HEC (distinct event ids, per sourcetype; ${received.lines} accepted in all):`);
    for (const line of formatCounts(received)) say(line);
  }
  if (ser) say(`SER checkpoint: ${ser.checkpoint} (backfill ${new Date(ser.fromMs).toISOString()} → ${new Date(ser.toMs).toISOString()}), stored in ${ser.checkpointFile}`);
  if (mail) say(`Mail: ${mail.messages} messages and ${mail.users} users accepted in ${mail.accepted + (mail.users ? 1 : 0)} calls; refused: ${Object.entries(mail.refused).map(([k, v]) => `${k} → ${v}`).join(', ')}; service stopped with ${mail.service.undelivered} undelivered`);
  const audit = received?.audits.find((a) => a.sid === alert?.sid);
  if (audit) {
    say(`Audit: ${String(audit.action_name)} ${String(audit.action_status)} — code ${String(audit.code)}, transaction ${String(audit.transaction_id)}, ${String(audit.recipient_count)} recipient(s), encrypted ${String(audit.encrypted)}, subject ${audit.subject === undefined ? 'not logged (encrypted)' : 'logged'}`);
    if (audit.orig_sid) say(`  adaptive response (${String(audit.action_mode)}) on notable ${String(audit.orig_sid)} rid ${String(audit.orig_rid)}: tags modaction, modaction_result`);
  } else if (alert) {
    failures.push('no audit event for the alert run reached HEC');
  }
  say(`Received events written to: ${env.eventsFile}`);
  say(`Configuration used: ${env.configFile}`);
  if (failures.length) {
    say(`\nDemo finished with ${failures.length} problem(s) in ${seconds(Date.now() - t0)}:`);
    for (const f of failures) say(`  - ${f}`);
    return 1;
  }
  say(`\nDemo finished in ${seconds(Date.now() - t0)}; all simulators stopped.`);
  return 0;
}

