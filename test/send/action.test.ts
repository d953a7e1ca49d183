import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, type Sink } from '../../src/core/sink.js';
import { silentLogger } from '../../src/core/logger.js';
import { runAlert, summaryLine } from '../../src/send/action.js';
import { AuditTrail, fallbackLine } from '../../src/send/audit-trail.js';
import { createHash } from 'node:crypto';
import { alertParamsSchema } from '../../src/send/config.js';
import { sendAuditSchema } from '../../src/send/event-schema.js';
import { readResults } from '../../src/send/results.js';
import { AcceptedLedger } from '../../src/send/ledger.js';
import { REPLY_TEXT } from '../../src/sim/send.js';
import type { SendSimulator } from '../../src/sim/send.js';
import { MAILBOX_SECRET, openService, startSim } from './fixtures.js';
import { writeResultsFile } from './results-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-send-action-'));
const ctx = (sid: string, mode: 'per_alert' | 'per_row') => ({ sid, searchName: 'Disk alerts', app: 'search', owner: 'admin', serverHost: 'sh1', mode });

/** A sink that can never deliver (HEC down), like a HecSink whose retries ran out. */
class DownSink extends MemorySink implements Sink {
  override async send(): Promise<void> {
    throw new Error('HEC unreachable');
  }
}

describe('alert run', () => {
  let sim: SendSimulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reads Splunk results: gzipped CSV, header row, multivalue via __mv_', async () => {
    const file = join(dir, 'mv.csv.gz');
    writeResultsFile(file, [{ host: 'db1', users: ['a', 'b$c'], note: 'x, "y"\nz' }]);
    const rows = [];
    for await (const r of readResults(file)) rows.push(r);
    expect(rows).toEqual([{ host: 'db1', users: ['a', 'b$c'], note: 'x, "y"\nz' }]);
  });

  it('per_alert: one message with an escaped HTML table capped at max_rows', async () => {
    const file = join(dir, 'alert.csv.gz');
    writeResultsFile(file, Array.from({ length: 30 }, (_v, i) => ({ host: `db${i}`, msg: i === 0 ? '<script>alert(1)</script>' : 'ok', _cd: 'x' })));
    const sink = new MemorySink();
    const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a1.log'), deadlineMs: 5000 });
    const params = alertParamsSchema.parse({ service: 's', to: 'soc.team@example.com', cc: 'boss@example.org', subject: 'Disk alert', body: '<h1>Disks</h1>$results_table$', max_rows: '10' });
    const svc = openService(sim.port);
    const s = await runAlert({ ctx: ctx('sid-per-alert', 'per_alert'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    await svc.close();
    await audit.finish();
    expect(s).toMatchObject({ messages: 1, sent: 1, rows: 30 });
    const m = sim.delivered().find((d) => d.subject === 'Disk alert')!;
    expect(m.body.startsWith('<h1>Disks</h1><table')).toBe(true);
    expect(m.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.body).not.toContain('<script>');
    expect(m.body.match(/<tr>/g)).toHaveLength(11); // header + 10 rows
    expect(m.body).toContain('Showing 10 of 30 results.');
    expect(m.body).not.toContain('_cd');
    expect(sink.events).toHaveLength(1);
  });

  it('per_row: 1,000 rows, one message each, tokens filled, max_messages honoured, one audit event per outcome', async () => {
    const file = join(dir, 'rows.csv.gz');
    writeResultsFile(file, Array.from({ length: 1000 }, (_v, i) => ({ user: `user${i}.name@example.com`, host: i === 999 ? 'evil\r\nBcc: thief@example.net' : `host-${i}` })));
    const sink = new MemorySink();
    const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a2.log'), deadlineMs: 5000 });
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 'Host $result.host$', body: 'Your host $result.host$ is down', body_type: 'text/plain', max_messages: '1000' });
    const before = sim.delivered().length;
    const connectionsBefore = sim.connections();
    const svc = openService(sim.port, { concurrency: '8' });
    const s = await runAlert({ ctx: ctx('sid-rows', 'per_row'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    await svc.close();
    const report = await audit.finish();
    expect(s).toMatchObject({ messages: 1000, sent: 1000, refused: 0, failed: 0, skippedRows: 0, rows: 1000 });
    const got = sim.delivered().slice(before);
    expect(got).toHaveLength(1000);
    expect(new Set(got.map((g) => g.messageId)).size).toBe(1000);
    const g = got.find((x) => x.to[0] === 'user417.name@example.com')!;
    expect(g).toMatchObject({ subject: 'Host host-417', body: 'Your host host-417 is down' });
    // a line break from a result value never reaches the subject (it could add mail headers)
    expect(got.find((x) => x.to[0] === 'user999.name@example.com')!.subject).toBe('Host evil Bcc: thief@example.net');
    expect(report).toEqual({ delivered: 1000, toFile: 0 });
    // keep-alive: 1,000 messages over at most `concurrency` connections, never more in flight
    expect(sim.connections() - connectionsBefore).toBeLessThanOrEqual(8);
    expect(sim.maxConcurrent()).toBeLessThanOrEqual(8);
    for (const e of sink.events) sendAuditSchema.parse(e.event);

    // the same file with a lower cap: the rest is counted, not sent
    const svc2 = openService(sim.port);
    const audit2 = new AuditTrail({ fallbackFile: join(dir, 'a3.log'), deadlineMs: 5000 });
    const s2 = await runAlert({ ctx: ctx('sid-rows-capped', 'per_row'), params: { ...params, max_messages: 5 }, resultsFile: file, service: svc2, audit: audit2, log: silentLogger });
    await svc2.close();
    await audit2.finish();
    expect(s2).toMatchObject({ messages: 5, sent: 5, skippedRows: 995 });
  });

  it('a retried alert (same sid) does not send twice: same messageIds; the service\'s repeated-request refusal is audited as a duplicate of the earlier send', async () => {
    const file = join(dir, 'retry.csv.gz');
    writeResultsFile(file, [{ user: 'first.user@example.com' }, { user: 'second.user@example.com' }]);
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 's', body: 'b', body_type: 'text/plain' });
    const ledgerFile = join(dir, 'ledger', 'accepted.jsonl');
    const run = async (sid = 'sid-retried', ledger: AcceptedLedger | null = new AcceptedLedger(ledgerFile)) => {
      const svc = openService(sim.port);
      const sink = new MemorySink();
      const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a4.log'), deadlineMs: 5000 });
      const s = await runAlert({ ctx: ctx(sid, 'per_row'), params, resultsFile: file, service: svc, audit, ledger: ledger ?? undefined, log: silentLogger });
      await svc.close();
      await audit.finish();
      await ledger?.close();
      return { s, events: sink.events.map((e) => sendAuditSchema.parse(e.event)) };
    };
    const before = sim.delivered().length;
    const first = await run();
    expect(first.s).toMatchObject({ sent: 2, duplicate: 0, failed: 0, refused: 0 });
    const mine = sim.delivered().slice(before);
    expect(mine).toHaveLength(2);
    // the re-run: the service answers -1 "repeated request"; nothing is delivered twice
    const again = await run();
    expect(again.s).toMatchObject({ sent: 0, duplicate: 2, failed: 0, refused: 0 });
    expect(sim.delivered().slice(before)).toHaveLength(2);
    expect(sim.repeats()).toEqual(expect.arrayContaining(mine.map((m) => m.messageId)));
    for (const e of again.events) {
      const earlier = mine.find((m) => m.messageId === e.message_id)!;
      expect(e).toMatchObject({ action_status: 'success', send_status: 'duplicate', duplicate_of: earlier.transactionId, code: -1, explanation: REPLY_TEXT.repeated });
      expect(e.error_code).toBeUndefined();
      expect(e.signature).toContain(earlier.transactionId);
    }
    // without the ledger (another search head, a lost file) the service's reply alone still marks it
    const bare = await run('sid-retried', null);
    expect(bare.s).toMatchObject({ sent: 0, duplicate: 2, failed: 0 });
    expect(bare.events.every((e) => e.send_status === 'duplicate' && e.duplicate_of === undefined)).toBe(true);
    // the next run of the saved search (a new sid) is new mail: new ids, delivered again
    expect((await run('sid-next-run')).s.sent).toBe(2);
    const next = sim.delivered().slice(before + 2);
    expect(next.map((m) => m.to[0]).sort()).toEqual(['first.user@example.com', 'second.user@example.com']);
    expect(next.some((m) => mine.some((x) => x.messageId === m.messageId))).toBe(false);
  });

  it('a -1 for a messageId this search head saw accepted is a duplicate even when the reply does not say "repeated"', async () => {
    const file = join(dir, 'ledger-only.csv.gz');
    writeResultsFile(file, [{ user: 'ledger.user@example.com' }]);
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 'ledger', body: 'b', body_type: 'text/plain' });
    const ledger = new AcceptedLedger(join(dir, 'ledger2', 'accepted.jsonl'));
    const once = async () => {
      const svc = openService(sim.port);
      const sink = new MemorySink();
      const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a4b.log'), deadlineMs: 5000 });
      const s = await runAlert({ ctx: ctx('sid-ledger', 'per_row'), params, resultsFile: file, service: svc, audit, ledger, log: silentLogger });
      await svc.close();
      await audit.finish();
      return { s, e: sendAuditSchema.parse(sink.events[0]!.event) };
    };
    const first = await once();
    sim.setFault({ kind: 'refuse', times: 1, explanation: 'Неверный запрос' });
    const second = await once();
    sim.setFault(undefined);
    await ledger.close();
    expect(second.s).toMatchObject({ duplicate: 1, refused: 0 });
    expect(second.e).toMatchObject({ send_status: 'duplicate', duplicate_of: first.e.transaction_id, action_status: 'success' });
  });

  it('an invalid address is audited as a failure and never sent; the others still go', async () => {
    const file = join(dir, 'mixed.csv.gz');
    writeResultsFile(file, [{ user: 'good.user@example.com' }, { user: 'ab@example.com' }]);
    const sink = new MemorySink();
    const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a5.log'), deadlineMs: 5000 });
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 'secret subject', body: 'secret body' });
    const reqBefore = sim.requests().length;
    const svc = openService(sim.port);
    const s = await runAlert({ ctx: ctx('sid-mixed', 'per_row'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    await svc.close();
    await audit.finish();
    expect(s).toMatchObject({ messages: 2, sent: 1, failed: 1 });
    expect(sim.requests().length - reqBefore).toBe(1);
    const bad = sink.events.map((e) => e.event as Record<string, unknown>).find((e) => e.action_status === 'failure')!;
    expect(bad).toMatchObject({ error_code: 'SEND_ADDRESS_INVALID', action: 'blocked', attempt: 0, recipient: ['ab@example.com'] });
    expect(JSON.stringify(sink.events)).not.toContain('secret body');
    expect(JSON.stringify(sink.events)).not.toContain('mailbox-token-for-tests');
  });

  it('results file breaks mid-run: sends in flight finish, each is audited, the run reports the stop', async () => {
    const whole = join(dir, 'whole.csv.gz');
    writeResultsFile(whole, Array.from({ length: 400 }, (_v, i) => ({ user: `user${i}.name@example.com`, host: `host-${i}-${(i * 7919) % 1000}` })));
    const bytes = readFileSync(whole);
    const file = join(dir, 'truncated.csv.gz');
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const sink = new MemorySink();
    const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a7.log'), deadlineMs: 5000 });
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 's', body: 'b', body_type: 'text/plain', max_messages: '1000' });
    const svc = openService(sim.port, { concurrency: '2' });
    const mine = () => sim.delivered().filter((d) => d.subject === 's' && d.to[0]!.startsWith('user')).length;
    const before = mine();
    const s = await runAlert({ ctx: ctx('sid-truncated', 'per_row'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    const auditedAtReturn = audit.count;
    await svc.close(); // lets any request still in flight finish
    await audit.finish();
    expect(s.aborted).toMatch(/results_file .*truncated\.csv\.gz/);
    expect(s.messages).toBeGreaterThan(0);
    expect(s.rows).toBeLessThan(400);
    expect(mine() - before).toBe(s.sent);
    // one event per message, and one for the run that stopped at its results file
    expect(auditedAtReturn).toBe(s.messages + 1);
    const events = sink.events.filter((e) => (e.event as Record<string, unknown>).sid === 'sid-truncated').map((e) => sendAuditSchema.parse(e.event));
    expect(events).toHaveLength(s.messages + 1);
    expect(events.filter((e) => e.stage === 'results')).toEqual([expect.objectContaining({ action_status: 'failure', error_code: 'SEND_RESULTS_UNREADABLE', signature: expect.stringMatching(/truncated\.csv\.gz/) })]);
    expect(summaryLine(s)).toMatch(/stopped after \d+ row\(s\): .*results_file .* unexpected end of file/);
  });

  it('HEC down: every audit event lands in the fallback file, none lost', async () => {
    const file = join(dir, 'down.csv.gz');
    writeResultsFile(file, [{ user: 'one.user@example.com' }, { user: 'two.user@example.com' }, { user: 'three.user@example.com' }]);
    const fallback = join(dir, 'fallback', 'audit.log');
    const audit = new AuditTrail({ sink: new DownSink(), fallbackFile: fallback, deadlineMs: 2000 });
    const params = alertParamsSchema.parse({ service: 's', mode: 'per_row', to: '$result.user$', subject: 'x', body: 'y' });
    const svc = openService(sim.port);
    await runAlert({ ctx: ctx('sid-hec-down', 'per_row'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    await svc.close();
    expect(existsSync(fallback)).toBe(false);
    const report = await audit.finish();
    expect(report).toEqual({ delivered: 0, toFile: 3 });
    const lines = readFileSync(fallback, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.to).flat().sort()).toEqual(['one.user@example.com', 'three.user@example.com', 'two.user@example.com']);
    for (const l of lines) {
      expect(l.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
      sendAuditSchema.parse(l);
    }
  });

  it('encrypted mailbox: the simulator decrypts; the audit has a sha256 of the subject, never the subject', async () => {
    const enc = await startSim({ encrypt: true, wrapMode: 'RSA/ECB/OAEPWithSHA-1AndMGF1Padding' });
    const file = join(dir, 'enc.csv.gz');
    writeResultsFile(file, [{ host: 'db1' }]);
    const sink = new MemorySink();
    const audit = new AuditTrail({ sink, fallbackFile: join(dir, 'a6.log'), deadlineMs: 5000 });
    const params = alertParamsSchema.parse({ service: 's', to: 'soc.team@example.com', subject: 'Конфиденциально: db1', body: 'Текст', body_type: 'text/plain' });
    const { testPki } = await import('./fixtures.js');
    const svc = openService(enc.port, { encrypt: '1', public_key_file: testPki().wrapCertFile, wrap_mode: 'RSA/ECB/OAEPWithSHA-1AndMGF1Padding' });
    const s = await runAlert({ ctx: ctx('sid-enc', 'per_alert'), params, resultsFile: file, service: svc, audit, log: silentLogger });
    await svc.close();
    await enc.close();
    await audit.finish();
    expect(s.sent).toBe(1);
    expect(enc.delivered()[0]).toMatchObject({ encrypted: true, subject: 'Конфиденциально: db1' });
    expect(enc.delivered()[0]!.body.startsWith('Текст')).toBe(true);
    const ev = sink.events[0]!.event as Record<string, unknown>;
    expect(ev.subject).toBeUndefined();
    expect(ev.subject_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.subject_sha256).toBe(createHash('sha256').update('Конфиденциально: db1', 'utf8').digest('hex'));
    const seen = JSON.stringify(sink.events) + sink.events.map(fallbackLine).join('');
    expect(seen).not.toContain('Конфиденциально');
    expect(seen).not.toContain('Текст');
    expect(seen).not.toContain(MAILBOX_SECRET);
  });
});
