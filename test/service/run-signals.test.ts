import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { mailsPayload, postPayload } from '../../src/demo/connector.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOUR = 3_600_000;
let hec: HecSimulator;
let ser: SerSimulator;
let dir: string;
let configFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  hec = await startHecSimulator({ ack: true, ackDelayMs: 20 });
  ser = await startSerSimulator({});
  dir = mkdtempSync(join(tmpdir(), 'ta-run-sig-'));
  const start = new Date(Date.now() - 5 * 24 * HOUR).toISOString().slice(0, 10);
  configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    stringify({
      service: { checkpoint_dir: join(dir, 'checkpoints'), shutdown_timeout: 20 },
      hec: { main: { urls: hec.url, token: { env: 'HEC_TOKEN' }, ack: true, batch_interval: '50ms', ack_poll_interval: '50ms' } },
      accounts: { prod: { client_id: ser.clientId, client_secret: { file: 'ser.secret' }, auth_url: ser.url, api_url: ser.url } },
      inputs: {
        ser_report: { prod: { account: 'prod', hec: 'main', window: '1h', start_date: start, max_lookback: '7d', poll_interval: '1h', concurrency: 2 } },
        mail_metadata: { exchange: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'RECEIVER_TOKEN' }, listen_port: 0 } },
      },
    }),
  );
  writeFileSync(join(dir, 'ser.secret'), `${ser.clientSecret}\n`);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await hec?.close();
  await ser?.close();
});

function startService(): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'run', '--config', configFile, '--log-level', 'info'], {
    cwd: ROOT,
    env: { ...process.env, HEC_TOKEN: hec.token, RECEIVER_TOKEN: 'connector-token-2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stderr: () => err, exit };
}

function coverageStarts(): number[] {
  return hec
    .events()
    .filter((e) => e.sourcetype === SOURCETYPES.serCoverage)
    .map((e) => Date.parse(String((e.event as Record<string, unknown>).window_start)));
}

describe('run: signals', () => {
  it('SIGTERM in the middle of a catch-up drains, checkpoints and exits 0; a restart continues with no gap', async () => {
    ser.setFault({ kind: 'slow', delayMs: 150, count: 100_000 });
    const first = startService();
    const url = await waitFor('the receiver URL', () => /receiving at (http:\/\/\S+)/.exec(first.stderr())?.[1], 30_000);
    expect((await postPayload(`${url}/api/mails`, 'connector-token-2', mailsPayload('owner@example.com', 0, 10, Date.now()))).status).toBe(200);
    await waitFor('some SER windows delivered', () => coverageStarts().length >= 5, 30_000);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.stderr()).toMatch(/stopping \(SIGTERM\)/);
    expect(first.stderr()).toMatch(/stopped: \d+ event\(s\) delivered, 0 undelivered/);
    const cpFile = join(dir, 'checkpoints', readdirSync(join(dir, 'checkpoints')).find((f) => f.includes('prod'))!);
    const checkpoint = (JSON.parse(readFileSync(cpFile, 'utf8')) as { next: number }).next;
    const newest = Math.floor((Date.now() - 15 * 60_000) / HOUR) * HOUR;
    expect(checkpoint).toBeLessThan(newest); // it really was stopped mid-way
    // Every window before the checkpoint was delivered before exit.
    const delivered = new Set(coverageStarts());
    const start = Math.min(...delivered);
    for (let t = start; t < checkpoint; t += HOUR) expect(delivered.has(t), new Date(t).toISOString()).toBe(true);

    ser.clearFaults();
    const second = startService();
    await waitFor('catch-up to the newest settled hour', () => coverageStarts().includes(newest - HOUR) && second.stderr().includes('SER poll cycle done'), 60_000);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    const all = new Set(coverageStarts());
    for (let t = start; t < newest; t += HOUR) expect(all.has(t), new Date(t).toISOString()).toBe(true);
    expect(second.stderr()).not.toContain(ser.clientSecret);
    expect(second.stderr()).not.toContain(hec.token);
  });

  it('a configuration error is one line on stderr and exit 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ hec: { main: { urls: 'nope', token: 'inline-token' } } }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'run', '--config', bad], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^ERROR CONFIG_INVALID: .*hec\.main\.token: a secret is never written/);
    expect(err).not.toContain('inline-token');
  });
});
