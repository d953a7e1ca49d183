import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ForwardSummary } from '../../src/commands/forward.js';
import { eventFromLine } from '../../src/hec/ndjson-event.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The summary line, when forward printed one; its sum is already asserted. */
  summary: ForwardSummary | undefined;
}

/**
 * `read = delivered + undelivered + refused` — asserted on every summary any forward test
 * sees, since `cli` runs this on every run: no event may vanish from the count.
 */
export function checkSummary(stdout: string): ForwardSummary | undefined {
  const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!last) return undefined;
  const s = JSON.parse(last) as ForwardSummary;
  expect(s.read, `summary ${last}`).toBe(s.delivered + s.undelivered + s.refused);
  return s;
}

/** Runs the real CLI (source through tsx) in a child process; `during` may feed stdin and signal. */
export function cli(args: string[], env: Record<string, string>, stdin?: string, during?: (child: ChildProcessWithoutNullStreams) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // a child that stopped reading early
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        resolve({ code, signal, stdout, stderr, summary: checkSummary(stdout) });
      } catch (err) {
        reject(new Error(`${(err as Error).message}\nstderr:\n${stderr}`));
      }
    });
    if (during) during(child);
    else child.stdin.end(stdin ?? '');
  });
}

export const lines = (n: number, tag: string, pad = 0) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ time: 1_795_000_000 + i / 1000, sourcetype: 'mail:message', event: pad ? { n: i, tag, pad: 'p'.repeat(pad) } : { n: i, tag } }));
export const expectedIds = (ls: string[]) => new Set(ls.map((l, i) => eventFromLine(l, i + 1)!.id));

export function tmpFile(name: string, text: string | Buffer): string {
  const f = join(mkdtempSync(join(tmpdir(), 'forward-')), name);
  writeFileSync(f, text);
  return f;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms for up to `ms` (generous: a CLI child under load starts slowly). */
export async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  for (let t = 0; t < ms && !cond(); t += 10) await sleep(10);
}
