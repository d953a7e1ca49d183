import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/ser/rate-limiter.js';
import { budgetFile, SharedBudget, STALE_LOCK_MS } from '../../src/ser/shared-budget.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { DAY, HOUR, tempDir, writeServiceConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('shared SER rate budget (one account, several processes)', () => {
  it('two budgets on one file hand out slots one interval apart, in turn', async () => {
    const file = budgetFile(tempDir('ser-budget-'), 'https://ser.example', 'key');
    const a = new SharedBudget(file);
    const b = new SharedBudget(file);
    const slots: number[] = [];
    for (let i = 0; i < 10; i++) slots.push(await (i % 2 ? a : b).reserve(50));
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(50);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('recovers a lock left by a process that died holding it, and one too old to be held', async () => {
    const dir = tempDir('ser-budget-');
    const file = budgetFile(dir, 'https://ser.example', 'key');
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.on('exit', () => resolve(c.pid!));
    });
    writeFileSync(`${file}.lock`, String(dead));
    const old = (Date.now() - 1000) / 1000;
    utimesSync(`${file}.lock`, old, old);
    expect(typeof (await new SharedBudget(file).reserve(10))).toBe('number');
    // A lock of a live process (this one) that is older than STALE_LOCK_MS is taken over too.
    writeFileSync(`${file}.lock`, String(process.pid));
    const older = (Date.now() - STALE_LOCK_MS - 1000) / 1000;
    utimesSync(`${file}.lock`, older, older);
    expect(typeof (await new SharedBudget(file).reserve(10))).toBe('number');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a clock that jumped back does not stall the account: a slot far ahead is forgotten', async () => {
    const file = budgetFile(tempDir('ser-budget-'), 'https://ser.example', 'key');
    writeFileSync(file, JSON.stringify({ v: 1, next: Date.now() + 3_600_000 }));
    const limiter = new RateLimiter({ perMinute: 600, shared: new SharedBudget(file) });
    const t = Date.now();
    await limiter.acquire();
    expect(Date.now() - t).toBeLessThan(1000);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { next: number }).next).toBeLessThan(Date.now() + 1000);
  });
});

/*
 * Two real `backfill` processes on one account, each configured at the account's rate, against
 * a simulator that counts the same limit in a sliding window scaled down to 10 s (100 requests
 * per 10 s = 600/min) so the test is quick. Sharing the budget, they pace together: no 429, and
 * the two together reach at least 0.9 of the limit while both run.
 */
describe('two processes at the limit', () => {
  const LIMIT_PER_MIN = 600;
  const RATE_WINDOW_MS = 10_000;
  const CONFIGURED = 570; // the account's rate_limit_per_minute: 0.95 of the limit
  const NOW = Date.parse('2026-11-20T00:00:00Z');
  const FROM_A = Date.parse('2026-10-01T00:00:00Z');
  const FROM_B = Date.parse('2026-10-10T00:00:00Z');
  const SPAN = 3 * DAY; // 72 hourly windows each: about 15 s for the two together
  let ser: SerSimulator;
  let hec: HecSimulator;

  beforeAll(async () => {
    ser = await startSerSimulator({ rateLimitPerMinute: (LIMIT_PER_MIN * RATE_WINDOW_MS) / 60_000, rateWindowMs: RATE_WINDOW_MS, now: () => NOW });
    hec = await startHecSimulator({ keep: 'ids' });
  });
  afterAll(async () => {
    await ser?.close();
    await hec?.close();
  });

  function backfill(config: string, from: number): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'backfill', '--config', config, '--from', new Date(from).toISOString(), '--to', new Date(from + SPAN).toISOString(), '--now', new Date(NOW).toISOString(), '--no-progress'], {
      cwd: ROOT,
      env: { ...process.env, SER_SECRET: ser.clientSecret, HEC_TOKEN: hec.token },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  }

  it('share one budget: zero 429s and a combined rate of at least 0.9 of the limit', { timeout: 120_000 }, async () => {
    const dir = tempDir('ser-budget-run-');
    const config = writeServiceConfig(dir, ser, hec.url, { rate: CONFIGURED, concurrency: 8 });
    const [a, b] = await Promise.all([backfill(config, FROM_A), backfill(config, FROM_B)]);
    expect(a.code, a.stderr.slice(-2000)).toBe(0);
    expect(b.code, b.stderr.slice(-2000)).toBe(0);
    expect(ser.stats().tooMany).toBe(0);

    // Which process sent a request: its window lies in that process's range.
    const reports = ser.requests().filter((r) => r.path.endsWith('/summary') && r.status === 200 && r.startTimeStamp);
    const ofA = reports.filter((r) => Date.parse(r.startTimeStamp!) < FROM_B).map((r) => r.at);
    const ofB = reports.filter((r) => Date.parse(r.startTimeStamp!) >= FROM_B).map((r) => r.at);
    expect(ofA).toHaveLength(SPAN / HOUR);
    expect(ofB).toHaveLength(SPAN / HOUR);
    // While both ran (tolerant: a second trimmed at each end for start-up and the last replies).
    const from = Math.max(ofA[0]!, ofB[0]!) + 1000;
    const to = Math.min(ofA.at(-1)!, ofB.at(-1)!) - 1000;
    expect(to - from).toBeGreaterThan(5000);
    const inside = (t: number) => t >= from && t < to;
    const both = reports.filter((r) => inside(r.at)).length;
    const fraction = both / (((to - from) / 60_000) * LIMIT_PER_MIN);
    expect(fraction).toBeGreaterThanOrEqual(0.9);
    expect(fraction).toBeLessThanOrEqual(1);
    // Each process had a real share of it: they ran side by side, not one after the other.
    expect(ofA.filter(inside).length).toBeGreaterThan(both * 0.25);
    expect(ofB.filter(inside).length).toBeGreaterThan(both * 0.25);
  });
});
