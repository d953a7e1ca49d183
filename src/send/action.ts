import { AddonError, describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { ACTION_NAME, auditEvent, resultIdentity, runFailureEvent, type AlertContext, type ResultIdentity } from './audit.js';
import type { AuditTrail } from './audit-trail.js';
import type { SendOutcome } from './client.js';
import { splitAddresses, type AlertParams } from './config.js';
import { buildRequest, messageIdFor, type OutgoingMessage } from './message.js';
import { composeAlertBody, escapeHtml, fillRowTokens, renderTable, subjectLine } from './render.js';
import { readResults, type ResultRow } from './results.js';
import type { SendService } from './service.js';
import type { AcceptedLedger } from './ledger.js';

export interface AlertRun {
  ctx: AlertContext;
  params: AlertParams;
  resultsFile?: string;
  service: SendService;
  audit: AuditTrail;
  /** The payload's first result (splunkd's `result`): identifies the run when no row can be read. */
  firstResult?: Record<string, unknown>;
  /** The messageIds accepted earlier on this search head: a re-run's repeats become duplicates. */
  ledger?: AcceptedLedger;
  log?: Logger;
}

export interface AlertSummary {
  messages: number;
  sent: number;
  /** Already accepted by the service in an earlier run of the same sid. */
  duplicate: number;
  refused: number;
  failed: number;
  /** per_row: rows beyond max_messages, not sent. */
  skippedRows: number;
  rows: number;
  /** Why the run stopped before the end of the results (an unreadable results_file). */
  aborted?: string;
}

async function* rowsOf(file: string | undefined): AsyncGenerator<ResultRow> {
  if (file) yield* readResults(file);
}

function perAlertMessage(run: AlertRun, rows: ResultRow[], total: number): OutgoingMessage {
  const p = run.params;
  const first = rows[0] ?? {};
  const to = splitAddresses(fillRowTokens(p.to, first));
  const cc = splitAddresses(fillRowTokens(p.cc, first));
  const table = renderTable(rows, total, p.body_type);
  const body = composeAlertBody(fillRowTokens(p.body, first, p.body_type === 'text/html' ? escapeHtml : undefined), table, p.body_type);
  return { messageId: messageIdFor(run.ctx.sid, 'alert', to, cc), from: run.service.from, to, cc, subject: subjectLine(fillRowTokens(p.subject, first)), body, bodyType: p.body_type, importance: p.importance };
}

function perRowMessage(run: AlertRun, row: ResultRow, index: number): OutgoingMessage {
  const p = run.params;
  const to = splitAddresses(fillRowTokens(p.to, row));
  const cc = splitAddresses(fillRowTokens(p.cc, row));
  const body = fillRowTokens(p.body, row, p.body_type === 'text/html' ? escapeHtml : undefined);
  return { messageId: messageIdFor(run.ctx.sid, index, to, cc), from: run.service.from, to, cc, subject: subjectLine(fillRowTokens(p.subject, row)), body, bodyType: p.body_type, importance: p.importance };
}

/**
 * Runs one alert: results → messages → sends (bounded in flight) → one audit event per
 * outcome. A message whose addresses the service would refuse is never sent and is audited
 * as a failure; nothing here throws for one bad message.
 */
export async function runAlert(run: AlertRun): Promise<AlertSummary> {
  const s: AlertSummary = { messages: 0, sent: 0, duplicate: 0, refused: 0, failed: 0, skippedRows: 0, rows: 0 };
  const encrypted = run.service.wire.encryption !== undefined;
  const inFlight = new Set<Promise<void>>();
  // messages built ahead of the client's own concurrency cap: bounds memory for large result sets
  const window = 64;

  const dispatch = (m: OutgoingMessage, result: ResultIdentity, row?: number): Promise<void> => {
    s.messages++;
    const started = performance.now();
    let outcome: Promise<SendOutcome>;
    try {
      const req = buildRequest(m, run.service.wire);
      outcome = run.service.client.send(m.messageId, req);
    } catch (err) {
      const e = AddonError.isInstance(err) ? err : new AddonError('SEND_BUILD_FAILED', String(err));
      outcome = Promise.resolve({ status: 'failed', messageId: m.messageId, message: e.message, attempts: 0, durationMs: performance.now() - started, bytes: 0, error: e });
    }
    return outcome.then(async (o) => {
      o = await linkEarlierSend(run, o);
      s[o.status]++;
      if (o.status === 'duplicate') run.log?.info({ messageId: o.messageId, row, duplicate_of: o.duplicateOf }, `${ACTION_NAME}: already sent in an earlier run of this sid (the service answered a repeated request)`);
      else if (o.status !== 'sent') run.log?.warn({ messageId: o.messageId, row, code: o.error?.code }, `${ACTION_NAME}: message not sent: ${o.message ?? o.status}`);
      run.audit.record(auditEvent(run.ctx, m, o, { dest: run.service.dest, encrypted, row, result }));
    });
  };

  const enqueue = async (m: OutgoingMessage, result: ResultIdentity, row?: number): Promise<void> => {
    const p = dispatch(m, result, row).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= window) await Promise.race(inFlight);
  };

  try {
    if (run.params.mode === 'per_alert') {
      const shown: ResultRow[] = [];
      for await (const row of rowsOf(run.resultsFile)) {
        s.rows++;
        if (shown.length < run.params.max_rows) shown.push(row);
      }
      await enqueue(perAlertMessage(run, shown, s.rows), resultIdentity(shown[0] ?? run.firstResult, 0));
    } else {
      for await (const row of rowsOf(run.resultsFile)) {
        const index = s.rows++;
        if (s.messages >= run.params.max_messages) {
          s.skippedRows++;
          continue;
        }
        await enqueue(perRowMessage(run, row, index), resultIdentity(row, index), index);
      }
      if (s.skippedRows > 0) run.log?.warn(`${ACTION_NAME}: ${s.skippedRows} result row(s) beyond max_messages=${run.params.max_messages} were not sent`);
    }
  } catch (err) {
    // A results file that breaks part way: what was already sent must still be audited and
    // counted, so the messages in flight are awaited and the stop becomes part of the summary.
    s.aborted = describeError(err);
    run.log?.error(`${ACTION_NAME}: stopped after ${s.rows} result row(s): ${s.aborted}`);
    // The run itself is audited as failed: with an unreadable file no message may exist to carry it.
    const e = AddonError.isInstance(err) ? err : new AddonError('SEND_RESULTS_UNREADABLE', s.aborted);
    run.audit.record(runFailureEvent(run.ctx, e, { stage: 'results', dest: run.service.dest, result: resultIdentity(run.firstResult, 0) }));
  } finally {
    await Promise.all(inFlight);
  }
  return s;
}

/**
 * A sent message goes into the ledger; a -1 for a messageId the ledger holds, or a reply that
 * says "repeated request", is the service refusing a repeat of a message it already accepted:
 * a duplicate of that earlier send, not a failure.
 */
async function linkEarlierSend(run: AlertRun, o: SendOutcome): Promise<SendOutcome> {
  if (o.status === 'sent') {
    run.ledger?.record({ messageId: o.messageId, transactionId: o.transactionId, at: Date.now() });
    return o;
  }
  if (o.status !== 'refused' && o.status !== 'duplicate') return o;
  const earlier = await run.ledger?.lookup(o.messageId).catch(() => undefined);
  if (!earlier && o.status === 'refused') return o;
  return { ...o, status: 'duplicate', ...(earlier?.transactionId ? { duplicateOf: earlier.transactionId } : {}) };
}

/** The one line splunkd.log shows for the run. */
export function summaryLine(s: AlertSummary): string {
  const skipped = s.skippedRows > 0 ? `, ${s.skippedRows} row(s) over max_messages not sent` : '';
  const stopped = s.aborted ? `; stopped after ${s.rows} row(s): ${s.aborted}` : '';
  const dup = s.duplicate > 0 ? `, ${s.duplicate} already sent in an earlier run of this sid` : '';
  return `${ACTION_NAME}: ${s.sent}/${s.messages} message(s) sent${dup}, ${s.refused} refused by the service, ${s.failed} failed${skipped}${stopped}`;
}
