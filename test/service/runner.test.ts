import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { describeError } from '../../src/core/errors.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { serCheckpointKey } from '../../src/ser/checkpoint-state.js';
import { createLogger } from '../../src/core/logger.js';
import { mailsPayload, postPayload } from '../../src/demo/connector.js';
import { parseServiceConfig } from '../../src/service/config-load.js';
import { eventSchemas } from '../../src/service/event-schema.js';
import { ServiceRunner } from '../../src/service/runner.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { waitFor } from './helpers.js';

const HOUR = 3_600_000;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!().catch(() => undefined);
});

async function setup(): Promise<{ hec: HecSimulator; ser: SerSimulator; dir: string; yaml: (extra?: object) => string; env: NodeJS.ProcessEnv }> {
  const hec = await startHecSimulator({ ack: true, ackDelayMs: 20 });
  const ser = await startSerSimulator({});
  closers.push(() => hec.close(), () => ser.close());
  const dir = mkdtempSync(join(tmpdir(), 'ta-run-'));
  const start = new Date(Math.floor((Date.now() - 30 * HOUR) / (24 * HOUR)) * 24 * HOUR).toISOString().slice(0, 10);
  const yaml = (extra: object = {}) =>
    stringify({
      service: { checkpoint_dir: join(dir, 'checkpoints'), telemetry_interval: 60 },
      hec: { main: { urls: hec.url, token: { env: 'HEC_TOKEN' }, ack: true, batch_interval: '50ms', ack_poll_interval: '50ms' } },
      accounts: { prod: { client_id: ser.clientId, client_secret: { env: 'SER_SECRET' }, auth_url: ser.url, api_url: ser.url } },
      inputs: {
        ser_report: { prod: { account: 'prod', hec: 'main', window: '1h', start_date: start, max_lookback: '3d', poll_interval: '1h' } },
        mail_metadata: { exchange: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'RECEIVER_TOKEN' }, listen_port: 0 } },
      },
      ...extra,
    });
  return { hec, ser, dir, yaml, env: { HEC_TOKEN: hec.token, SER_SECRET: ser.clientSecret, RECEIVER_TOKEN: 'connector-token-1' } };
}

/** The first cycle is over when its summary (requests) is in: the figures then hold the final checkpoint. */
function runningCycle(runner: ServiceRunner): boolean {
  return (runner.inputFigures().find((i) => i.kind === 'ser_report')?.requests ?? 0) === 0;
}

describe('the standalone service runner', () => {
  it('runs the SER input and the mail receiver through one sink, reports telemetry, and drains on stop', async () => {
    const { hec, dir, yaml, env } = await setup();
    const cfg = parseServiceConfig(yaml(), join(dir, 'config.yaml'), env);
    // The newest settled hour as of now; the runner's own clock reads later, so it reaches at least this.
    const newestBefore = Math.floor((Date.now() - 15 * 60_000) / HOUR) * HOUR;
    const runner = new ServiceRunner(cfg, createLogger({ level: 'warn' }), { telemetryIntervalMs: 300 });
    const urls = await runner.start();
    closers.push(() => runner.stop());
    const receiver = urls.exchange!;

    // Connector-like client: three calls of 10 messages.
    for (let b = 0; b < 3; b++) expect((await postPayload(`${receiver}/api/mails`, 'connector-token-1', mailsPayload('owner@example.com', b, 10, Date.now()))).status).toBe(200);
    expect((await postPayload(`${receiver}/api/mails`, 'wrong-token', mailsPayload('owner@example.com', 0, 1, Date.now()))).status).toBe(401);

    // The SER catch-up reaches the newest settled hour, and telemetry shows it.
    const ser = await waitFor('SER catch-up', () =>
      runner.inputFigures().find((i) => i.kind === 'ser_report' && i.last_window_end !== undefined && Date.parse(i.last_window_end) >= newestBefore && i.cycles === 1 && !runningCycle(runner)),
    );
    const newest = Date.parse(ser.last_window_end!);
    expect(ser.events_delivered).toBeGreaterThan(0);
    const tele = await waitFor('a telemetry event naming the SER window', () =>
      hec.events().find((e) => e.sourcetype === SOURCETYPES.telemetry && JSON.stringify(e.event).includes(new Date(newest).toISOString())),
    );
    const body = eventSchemas[SOURCETYPES.telemetry].parse(tele.event);
    expect(body.inputs.map((i) => i.name).sort()).toEqual(['mail_metadata://exchange', 'ser_report://prod']);
    expect(body.inputs.find((i) => i.kind === 'mail_metadata')!.events_delivered).toBe(30);

    const report = await runner.stop('test');
    expect(report.undelivered).toBe(0);
    // Everything the service says it delivered is what HEC accepted (distinct ids), including the final telemetry event.
    const ids = new Set(hec.eventIds());
    expect(report.delivered).toBe(hec.eventIds().length);
    expect(ids.size).toBe(hec.eventIds().length);
    const final = hec.events().filter((e) => e.sourcetype === SOURCETYPES.telemetry).map((e) => eventSchemas[SOURCETYPES.telemetry].parse(e.event));
    expect(final.at(-1)!.kind).toBe('final');
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.mailMessage)).toHaveLength(30);
    // Coverage: one coverage event per hour from the start date to the newest settled hour, no gap.
    const cover = hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage).map((e) => Date.parse(String((e.event as Record<string, unknown>).window_start ?? (e.event as Record<string, unknown>).start)));
    expect(cover.length).toBeGreaterThan(24);
    const sorted = [...new Set(cover)].sort((a, b) => a - b);
    expect(sorted.length).toBe(cover.length);
    expect(sorted.at(-1)).toBe(newest - HOUR);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBe(HOUR);
    // The checkpoint is on disk and the receiver no longer accepts.
    const files = readdirSync(join(dir, 'checkpoints'));
    expect(files.some((f) => f.includes('prod'))).toBe(true);
    const cp = JSON.parse(readFileSync(join(dir, 'checkpoints', files.find((f) => f.includes('prod'))!), 'utf8')) as { next: number };
    expect(cp.next).toBe(newest);
    await expect(request(`${receiver}/health`)).rejects.toThrow();
    expect(existsSync(join(dir, 'checkpoints'))).toBe(true);
  });

  it('keeps running when a SER cycle fails: telemetry shows the failure, the next cycle retries from the checkpoint', async () => {
    const { hec, ser, dir, yaml, env } = await setup();
    const base = parseServiceConfig(yaml(), join(dir, 'config.yaml'), env);
    const cfg = { ...base, accounts: { prod: { ...base.accounts.prod!, retries: 0 } }, inputs: { ...base.inputs, ser_report: { prod: { ...base.inputs.ser_report.prod!, poll_interval: 0.2 } } } };
    ser.setFault({ kind: 'token-status', status: 401, count: 1_000_000 });
    const runner = new ServiceRunner(cfg, createLogger({ level: 'fatal' }), { telemetryIntervalMs: 0 });
    await runner.start();
    closers.push(() => runner.stop());
    const failing = await waitFor('two failed cycles', () => runner.inputFigures().find((i) => i.kind === 'ser_report' && (i.cycle_failures ?? 0) >= 2));
    expect(failing.last_error).toMatch(/401|token/i);
    expect(failing.last_error).not.toContain(ser.clientSecret);
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage)).toEqual([]);
    ser.clearFaults();
    const ok = await waitFor('a cycle that delivers', () => runner.inputFigures().find((i) => i.kind === 'ser_report' && i.last_error === undefined && i.events_delivered > 0 && (i.requests ?? 0) > 0));
    expect(ok.cycle_failures).toBeGreaterThanOrEqual(2);
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage).length).toBeGreaterThan(24);
    const settled = await Promise.race([runner.fatal, new Promise((r) => setTimeout(() => r('still running'), 50))]);
    expect(settled).toBe('still running');
    expect((await runner.stop('test')).undelivered).toBe(0);
    // telemetry_interval 0 turns telemetry off: not even the final event.
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.telemetry)).toEqual([]);
  });

  it('telemetry counts the report requests of failed SER cycles too', async () => {
    const { ser, dir, yaml, env } = await setup();
    const base = parseServiceConfig(yaml(), join(dir, 'config.yaml'), env);
    const cfg = { ...base, accounts: { prod: { ...base.accounts.prod!, retries: 1 } }, inputs: { ...base.inputs, ser_report: { prod: { ...base.inputs.ser_report.prod!, poll_interval: 0.2 } } } };
    ser.setFault({ kind: 'status', status: 503, count: 1_000_000 });
    const runner = new ServiceRunner(cfg, createLogger({ level: 'fatal' }), { telemetryIntervalMs: 0 });
    await runner.start();
    closers.push(() => runner.stop());
    const failing = await waitFor('two failed cycles', () => runner.inputFigures().find((i) => i.kind === 'ser_report' && (i.cycle_failures ?? 0) >= 2));
    // Each failed cycle made its first attempt and one retry; none of them is lost from the figure.
    expect(failing.requests).toBeGreaterThanOrEqual(2 * failing.cycle_failures!);
    expect(failing.events_delivered).toBe(0);
  });

  it('a receiver that cannot start names its input, the address and what to change', async () => {
    const { dir, yaml, env } = await setup();
    const base = parseServiceConfig(yaml(), join(dir, 'config.yaml'), env);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => busy.close(r)));
    const port = (busy.address() as AddressInfo).port;
    const attempts: Array<[Partial<typeof base.inputs.mail_metadata.exchange>, RegExp]> = [
      [{ listen_port: port }, new RegExp(`^LISTEN_FAILED: inputs\\.mail_metadata\\.exchange: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\): another process uses this port`)],
    ];
    for (const [over, expected] of attempts) {
      const cfg = { ...base, inputs: { ser_report: {}, mail_metadata: { exchange: { ...base.inputs.mail_metadata.exchange!, ...over } } } };
      const runner = new ServiceRunner(cfg, createLogger({ level: 'fatal' }), { telemetryIntervalMs: 0 });
      const err = await runner.start().then(() => undefined, (e: unknown) => e);
      await runner.stop('start failed');
      expect(describeError(err), describeError(err)).toMatch(expected);
    }
  });

  it('stops for good, naming the file, when a checkpoint is unreadable (never a silent restart from zero)', async () => {
    const { hec, dir, yaml, env } = await setup();
    const cfg = parseServiceConfig(yaml(), join(dir, 'config.yaml'), env);
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    const file = new FileCheckpointStore(join(dir, 'checkpoints')).describe(serCheckpointKey('prod', 'prod'));
    writeFileSync(file, '{"v":1,"next":');
    const runner = new ServiceRunner(cfg, createLogger({ level: 'fatal' }), { telemetryIntervalMs: 0 });
    await runner.start();
    closers.push(() => runner.stop());
    const reason = await runner.fatal;
    expect(reason).toMatch(/^ser_report:\/\/prod stopped: CHECKPOINT_UNREADABLE: /);
    expect(reason).toContain(file);
    const report = await runner.stop(reason);
    expect(report.undelivered).toBe(0);
    expect(hec.events().filter((e) => e.sourcetype === SOURCETYPES.serCoverage)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('{"v":1,"next":');
  });
});
