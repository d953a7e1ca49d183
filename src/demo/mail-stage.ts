import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/logger.js';
import type { ServiceConfig } from '../service/config-load.js';
import { ServiceRunner, type RunReport } from '../service/runner.js';
import { mailsPayload, postPayload, usersPayload } from './connector.js';
import { DEMO_RECEIVER_TOKEN_VAR } from './environment.js';

export interface MailStageResult {
  accepted: number;
  messages: number;
  users: number;
  refused: Record<string, number>;
  service: RunReport;
}

const CALLS = 5;
const PER_CALL = 10;

/**
 * The standalone service (`run`) with the mail receiver; a connector-like client posts the
 * way the EWS connector does (10 messages a call, a pause between calls) plus one Users call,
 * and shows two refusals (a wrong AuthToken, an invalid message). Then the service stops as
 * on SIGTERM: receiver closed, events drained, a final telemetry event.
 */
export async function mailStage(cfg: ServiceConfig, env: NodeJS.ProcessEnv, log: Logger, say: (line: string) => void): Promise<MailStageResult> {
  const mailOnly: ServiceConfig = { ...cfg, inputs: { ser_report: {}, mail_metadata: cfg.inputs.mail_metadata } };
  const runner = new ServiceRunner(mailOnly, log, { telemetryIntervalMs: 1000 });
  const result: MailStageResult = { accepted: 0, messages: 0, users: 0, refused: {}, service: { delivered: 0, undelivered: 0 } };
  try {
    const urls = await runner.start();
    const [name, m] = Object.entries(mailOnly.inputs.mail_metadata)[0]!;
    const base = urls[name]!;
    const token = env[DEMO_RECEIVER_TOKEN_VAR]!;
    say(`  receiver (run --config) listening at ${base}${m.mails_path} and ${m.users_path}`);
    for (let call = 0; call < CALLS; call++) {
      const r = await postPayload(`${base}${m.mails_path}`, token, mailsPayload('owner@example.com', call, PER_CALL, Date.now()));
      if (r.status === 200) {
        result.accepted++;
        result.messages += PER_CALL;
      }
      say(`  POST ${m.mails_path} (${PER_CALL} messages) → ${r.status}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}`);
      await sleep(150); // the connector pauses 3-15 s between calls; shortened for the demo
    }
    const u = await postPayload(`${base}${m.users_path}`, token, usersPayload());
    if (u.status === 200) result.users += 5;
    say(`  POST ${m.users_path} (5 directory users) → ${u.status}`);
    const forged = await postPayload(`${base}${m.mails_path}`, 'not-the-token', mailsPayload('owner@example.com', 99, 1, Date.now()), 1);
    const invalid = await postPayload(`${base}${m.mails_path}`, token, { ownerIdentity: { value: 'owner@example.com' }, mailMessages: [{ sentAt: 'yesterday', isSent: 'maybe' }] }, 1);
    result.refused = { 'wrong AuthToken': forged.status, 'invalid message': invalid.status };
    say(`  wrong AuthToken → ${forged.status}; invalid message (bad sentAt, isSent) → ${invalid.status}: nothing of either is forwarded`);
    await sleep(1100); // let one periodic telemetry event go out
  } finally {
    result.service = await runner.stop('demo stage done');
  }
  return result;
}
