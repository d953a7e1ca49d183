import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { DAY, HOUR, tempDir, writeServiceConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM = Date.parse('2026-10-01T00:00:00Z');
const TO = FROM + 30 * DAY;
const NOW = Date.parse('2026-11-20T00:00:00Z');
const LIMIT = 1000; // the API's limit; the client is configured at it
const KILLS = 20;

/** Mulberry32: the kill moments are random but reproducible from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startBackfill(configFile: string): { child: ChildProcess; done: Promise<RunResult> } {
  // `node --import tsx` keeps one process, so SIGKILL hits the program itself (the tsx CLI would fork).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'backfill', '--config', configFile, '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--now', new Date(NOW).toISOString(), '--no-progress'], {
    cwd: ROOT,
    env: { ...process.env, SER_SECRET: secretValue, HEC_TOKEN: tokenValue },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<RunResult>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

let ser: SerSimulator;
let hec: HecSimulator;
let secretValue = '';
let tokenValue = '';

describe('backfill survives SIGKILL at random moments', () => {
  beforeAll(async () => {
    ser = await startSerSimulator({ rateLimitPerMinute: LIMIT, now: () => NOW, seed: 7 });
    hec = await startHecSimulator({ keep: 'all' });
    secretValue = ser.clientSecret;
    tokenValue = hec.token;
  });
  afterAll(async () => {
    await ser?.close();
    await hec?.close();
  });

  it(`covers every hour of 30 days exactly once after de-dup, with ${KILLS} kills and no 429`, { timeout: 240_000 }, async () => {
    const dir = tempDir('ser-crash-');
    const config = writeServiceConfig(dir, ser, hec.url, { rate: LIMIT, concurrency: 8 });
    const seed = Number(process.env.SER_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    let kills = 0;
    let final: RunResult | undefined;
    // Bounded: KILLS killed runs, then at most a few runs to completion.
    for (let run = 0; run < KILLS + 5 && !final; run++) {
      const { child, done } = startBackfill(config);
      if (kills < KILLS) {
        const delay = 400 + Math.floor(random() * 2200);
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        const r = await done;
        clearTimeout(timer);
        if (r.signal === 'SIGKILL') kills += 1;
        else if (r.code === 0) final = r;
        else throw new Error(`seed ${seed}: run ${run} failed with exit ${r.code}: ${r.stderr.slice(-2000)}`);
      } else {
        const r = await done;
        if (r.code !== 0) throw new Error(`seed ${seed}: final run failed with exit ${r.code}: ${r.stderr.slice(-2000)}`);
        final = r;
      }
    }
    expect(kills, `seed ${seed}`).toBe(KILLS);
    expect(final?.stdout).toMatch(/backfill done/);
    // The kills fell while work remained: the final run still had windows to read.
    expect(Number(/(\d+) window\(s\) read/.exec(final?.stdout ?? '')?.[1])).toBeGreaterThan(0);

    const events = hec.events();
    const byId = new Map<string, Record<string, unknown>>();
    // A window sent again after a kill carries the same id and the same numbers (only collected_at may differ).
    const comparable = (e: Record<string, unknown>) => JSON.stringify({ ...(e.event as Record<string, unknown>), collected_at: undefined });
    for (const e of events) {
      const id = String((e.fields as Record<string, string>).event_id);
      const seen = byId.get(id);
      if (seen) expect(comparable(e), id).toBe(comparable(seen));
      else byId.set(id, e);
    }
    const unique = [...byId.values()];
    const coverage = unique.filter((e) => e.sourcetype === 'proofpoint:ser:coverage').map((e) => e.event as Record<string, unknown>);
    const starts = coverage.map((c) => Date.parse(String(c.window_start))).sort((a, b) => a - b);
    // Exactly one coverage event per hour, and the hours tile [FROM, TO) with no gap.
    expect(starts.length).toBe(720);
    starts.forEach((s, i) => expect(s).toBe(FROM + i * HOUR));
    for (const c of coverage) expect(Date.parse(String(c.window_end)) - Date.parse(String(c.window_start))).toBe(HOUR);

    // The summaries after de-dup are exactly the simulator's numbers: nothing lost, nothing counted twice.
    const summaries = unique.filter((e) => e.sourcetype === 'proofpoint:ser:summary').map((e) => e.event as Record<string, number | string>);
    let expectedRows = 0;
    let expectedTotal = 0;
    for (let h = FROM; h < TO; h += HOUR) {
      for (const c of ser.counts(h, h + HOUR)) {
        if (c.total > 0) {
          expectedRows += 1;
          expectedTotal += c.total;
        }
      }
    }
    expect(summaries.length).toBe(expectedRows);
    expect(summaries.reduce((a, s) => a + Number(s.total), 0)).toBe(expectedTotal);

    // Never above the limit: the simulator counted every request of every run in its sliding minute.
    expect(ser.stats().tooMany).toBe(0);
    // Nothing else reached HEC: every event after de-dup is one of those above, or a run's entitlement event.
    expect(unique.filter((e) => e.sourcetype !== 'proofpoint:ser:entitlement').length).toBe(720 + expectedRows);
  });
});
