import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { AddonError, ConfigError, describeError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import type { Sink } from '../core/sink.js';
import type { ProxyConfig } from '../core/proxy-config.js';
import { HecSink } from '../hec/sink.js';
import { runAlert, summaryLine } from '../send/action.js';
import { ACTION_NAME, invocationEvent, resultIdentity, runFailureEvent, type AlertContext } from '../send/audit.js';
import { AcceptedLedger } from '../send/ledger.js';
import { AuditTrail } from '../send/audit-trail.js';
import { alertParamsSchema } from '../send/config.js';
import { openSendService, type SendService } from '../send/service.js';
import { rawTemplates } from '../send/templates.js';
import type { AlertParams } from '../send/config.js';
import { parseAlertPayload, type AlertPayload } from '../splunk/alert-payload.js';
import { splunkdTls } from '../splunk/app-settings.js';
import { loadHecDestination, loadProxy, loadSendService } from '../splunk/named-settings.js';
import { zodMessage } from '../splunk/settings.js';
import { SplunkdClient } from '../splunk/splunkd-client.js';
import type { RegisterCommand } from './types.js';

/**
 * `ta-ser-mail alert ser_secure_send --execute`: what bin/ser_secure_send.sh runs for splunkd,
 * with the JSON payload on stdin. Exit 0 when every message was sent; 2 when any was refused
 * or failed, the results file broke off part way or audit events were lost (one summary line on stderr); 1 when the run could not start (bad payload/config).
 */
export const APP_ID = 'TA-ser-mail';

/** Where audit events go when HEC cannot take them; the app's inputs.conf monitors this file. */
export function auditFallbackFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TA_SER_MAIL_SEND_AUDIT_FILE) return env.TA_SER_MAIL_SEND_AUDIT_FILE;
  const home = env.SPLUNK_HOME ?? process.cwd();
  return join(home, 'var', 'log', APP_ID, 'ser_secure_send_audit.log');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// splunkd's TLS is verified the way the modular inputs verify it ([splunkd] of ta_ser_mail_settings.conf).
function splunkdClient(p: AlertPayload, log: Logger): SplunkdClient {
  return new SplunkdClient({ serverUri: p.server_uri, sessionKey: new Secret(p.session_key), app: APP_ID, tls: splunkdTls(), log });
}

async function hecSink(splunkd: SplunkdClient, name: string, proxy: ProxyConfig, log: Logger): Promise<Sink | undefined> {
  try {
    const dest = await loadHecDestination(splunkd, name);
    return new HecSink(dest, { log, proxy, name });
  } catch (err) {
    log.warn(`HEC destination "${name}" cannot be used for audit events (${describeError(err)}); they go to the local audit file`);
    return undefined;
  }
}

/**
 * per_row needs the parameters before splunkd filled `$result.*$` from the first row: read them
 * from the saved search (search_uri). Without it (ad hoc sendalert, no permission) the
 * parameters are used as given, and the log says why every row looks like the first.
 */
async function perRowTemplates(splunkd: SplunkdClient, p: AlertPayload, params: AlertParams, log: Logger): Promise<AlertParams> {
  if (params.mode !== 'per_row') return params;
  try {
    if (!p.search_uri) throw new Error('the payload has no search_uri');
    const feed = await splunkd.call<{ entry?: Array<{ content?: Record<string, unknown> }> }>(p.search_uri);
    const content = feed?.entry?.[0]?.content;
    if (!content) throw new Error(`${p.search_uri} returned no saved search`);
    const raw = rawTemplates(content, ACTION_NAME, { name: p.search_name, app: p.app, owner: p.owner, sid: p.sid, resultsLink: p.results_link, serverHost: p.server_host });
    return { ...params, ...raw };
  } catch (err) {
    log.warn(`per_row: the saved search's own parameters cannot be read (${describeError(err)}); splunkd has filled $result.<field>$ tokens from the first row only`);
    return params;
  }
}

/** The accepted-messageId ledger (src/send/ledger.ts): state, beside the audit fallback file but never monitored. */
export function acceptedLedgerFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.TA_SER_MAIL_SEND_LEDGER_FILE ?? join(dirname(auditFallbackFile(env)), 'ser_secure_send_accepted.jsonl');
}

function asAddonError(err: unknown): AddonError {
  return AddonError.isInstance(err) ? err : new AddonError('SEND_RUN_FAILED', describeError(err), { cause: err });
}

export async function executeAlert(payloadText: string, log: Logger): Promise<number> {
  // Without a parsable payload there is no sid, splunkd or destination to audit to: one line, exit 1.
  const payload = parseAlertPayload(payloadText);
  const conf = payload.configuration;
  const ctx: AlertContext = { sid: payload.sid, searchName: payload.search_name, app: payload.app, owner: payload.owner, serverHost: payload.server_host, mode: conf.mode?.trim() === 'per_row' ? 'per_row' : 'per_alert' };
  const splunkd = splunkdClient(payload, log);
  let service: SendService | undefined;
  let ledger: AcceptedLedger | undefined;
  let audit: AuditTrail | undefined;
  let sending = false;
  try {
    // Every outbound client of the product honours the one [proxy] setting. The audit trail
    // comes first, so that a run failing at its settings is audited too (to HEC when it can).
    const proxy = await loadProxy(splunkd).catch((err: unknown) => {
      log.warn(`[proxy] cannot be read (${describeError(err)}); audit goes to the local audit file`);
      return undefined;
    });
    const hecName = conf.hec?.trim();
    const sink = hecName && proxy ? await hecSink(splunkd, hecName, proxy, log) : undefined;
    audit = new AuditTrail({ sink, fallbackFile: auditFallbackFile(), deadlineMs: Number(process.env.TA_SER_MAIL_AUDIT_DEADLINE_MS ?? 30_000), log });
    audit.record(invocationEvent(ctx, resultIdentity(payload.result, 0)), { durable: false });
    if (!proxy) throw new ConfigError('ta_ser_mail_settings.conf [proxy] cannot be read; see the warning before this line');
    const parsed = alertParamsSchema.safeParse(conf);
    if (!parsed.success) throw new ConfigError(zodMessage(parsed.error, `${ACTION_NAME} parameter`));
    const params = await perRowTemplates(splunkd, payload, parsed.data, log);
    const cfg = await loadSendService(splunkd, params.service);
    service = openSendService(cfg, log, proxy);
    ledger = new AcceptedLedger(acceptedLedgerFile());
    sending = true;
    const summary = await runAlert({ ctx, params, resultsFile: payload.results_file, firstResult: payload.result, service, audit, ledger, log });
    // Audit that reached neither HEC nor the file must not hide what was sent: one line says both.
    const audited = await audit.finish().then(
      (r) => ({ ok: true, text: `audit: ${r.delivered} to HEC, ${r.toFile} to ${auditFallbackFile()}` }),
      (err: unknown) => ({ ok: false, text: `audit: ${describeError(err)}` }),
    );
    const line = `${summaryLine(summary)}; ${audited.text}`;
    if (summary.refused + summary.failed > 0 || summary.aborted || !audited.ok) {
      process.stderr.write(`ERROR ${line}\n`);
      return 2;
    }
    log.info(line);
    return 0;
  } catch (err) {
    // Failed before sending (unknown service, wrong key passphrase, invalid from, bad parameter):
    // the run is still audited, then the error is the one line splunkd.log shows (exit 1).
    if (audit && !sending) {
      audit.record(runFailureEvent(ctx, asAddonError(err), { stage: 'config', result: resultIdentity(payload.result, 0) }));
      await audit.finish().catch((e: unknown) => log.error(`audit: ${describeError(e)}`));
    }
    throw err;
  } finally {
    await ledger?.close();
    await service?.close();
    await splunkd.close();
  }
}

export const registerAlert: RegisterCommand = (program: Command) => {
  program
    .command('alert')
    .description(`run a custom alert action for splunkd (JSON payload on stdin); action: ${ACTION_NAME}`)
    .argument('<action>', `the alert action name (${ACTION_NAME})`)
    .option('--execute', 'splunkd passes this to run the action')
    .action(async (action: string, opts: { execute?: boolean }) => {
      if (action !== ACTION_NAME) throw new Error(`unknown alert action "${action}": the only one is ${ACTION_NAME}`);
      if (!opts.execute) throw new Error(`${ACTION_NAME} expects --execute, which splunkd passes when it runs bin/${ACTION_NAME}.sh or .cmd (alert_actions.conf sets no alert.execute.cmd; if one was added in local/, it needs alert.execute.cmd.arg.0 = --execute)`);
      const level = (program.opts().logLevel as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info';
      const log = createLogger({ level, name: ACTION_NAME });
      process.exitCode = await executeAlert(await readStdin(), log);
    });
};
