import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { appendFileSync } from 'node:fs';
import { startConnectProxy } from '../support/connect-proxy.js';
import { tempDir, writeServiceConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let ser: SerSimulator;
let hec: HecSimulator;

function cli(args: string[], o: { interruptAfterMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, SER_SECRET: ser.clientSecret, HEC_TOKEN: hec.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    // Interrupt once work is under way (the first progress line), as an admin's Ctrl-C would.
    if (o.interruptAfterMs !== undefined && /backfill progress/.test(stderr) && !child.killed) setTimeout(() => child.kill('SIGINT'), o.interruptAfterMs);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The same command on a terminal: `script` gives it a pseudo-terminal (stdout and stderr merged). */
function cliOnTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', 'src/main.ts', ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, SER_SECRET: ser.clientSecret, HEC_TOKEN: hec.token, COLUMNS: '120' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('backfill command', () => {
  beforeAll(async () => {
    ser = await startSerSimulator({ rateLimitPerMinute: 1000 });
    hec = await startHecSimulator({ keep: 'ids' });
  });
  afterAll(async () => {
    await ser?.close();
    await hec?.close();
  });

  it('bad input: one readable line naming the option, exit 1', async () => {
    const dir = tempDir('ser-cli-');
    const config = writeServiceConfig(dir, ser, hec.url);
    const r = await cli(['backfill', '--config', config, '--from', 'yesterday', '--to', '2026-11-01']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--from yesterday/);
    const r2 = await cli(['backfill', '--config', config, '--input', 'nope']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/inputs\.ser_report\.nope/);
  });

  it('on a terminal: a progress bar with ETA, and no plain progress lines', async () => {
    const dir = tempDir('ser-cli-');
    const config = writeServiceConfig(dir, ser, hec.url);
    const r = await cliOnTerminal(['backfill', '--config', config, '--from', '2026-10-01T00:00:00Z', '--to', '2026-10-01T12:00:00Z', '--now', '2026-11-20']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/backfill \[=+\] 100% \| 12\/12 windows \| ETA \d+s/);
    expect(r.output).not.toMatch(/backfill progress:/);
    expect(r.output).toMatch(/backfill done: 12 window\(s\) read/);
  });

  it('Ctrl-C stops with exit 130 and a hint; the same command then finishes the range', async () => {
    const dir = tempDir('ser-cli-');
    const config = writeServiceConfig(dir, ser, hec.url, { rate: 300 });
    const args = ['backfill', '--config', config, '--from', '2026-10-01', '--to', '2026-10-02', '--now', '2026-11-20'];
    const first = await cli(args, { interruptAfterMs: 0 });
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/interrupted.*run the same command again to resume/);
    const second = await cli(args);
    expect(second.code).toBe(0);
    const read = (s: string) => Number(/(\d+) window\(s\) read/.exec(s)?.[1]);
    // At least every window once; a window that finished after an unfinished one is read again (same ids).
    expect(read(first.stdout) + read(second.stdout)).toBeGreaterThanOrEqual(24);
    expect(read(first.stdout) + read(second.stdout)).toBeLessThanOrEqual(24 + 8);
    expect(second.stdout).toMatch(/checkpoint at 2026-10-02T00:00:00\.000Z/);
    expect(read(second.stdout)).toBeGreaterThan(0);
    expect(second.stderr).toMatch(/backfill progress: \d+\/\d+ windows/);
  });

  it('reads SER through the configured [proxy], as the service and the modular input do', async () => {
    const proxy = await startConnectProxy();
    try {
      const dir = tempDir('ser-cli-');
      const config = writeServiceConfig(dir, ser, hec.url);
      appendFileSync(config, `proxy:\n  url: ${proxy.url}\n  use_env: false\n`);
      const r = await cli(['backfill', '--config', config, '--from', '2026-10-01T00:00:00Z', '--to', '2026-10-01T02:00:00Z', '--now', '2026-11-20']);
      expect(r.code, r.stderr).toBe(0);
      const serHost = new URL(ser.url).host;
      expect(proxy.tunnels).toContain(serHost);
    } finally {
      await proxy.close();
    }
  });
});
