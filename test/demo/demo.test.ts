import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'ta-ser-mail-dev.cjs');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Processes whose environment or command line mentions `marker` (the run's own output folder). */
function processesMentioning(marker: string): number[] {
  if (!existsSync('/proc')) return [];
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    for (const f of ['environ', 'cmdline']) {
      try {
        if (readFileSync(`/proc/${d}/${f}`).includes(marker)) found.push(Number(d));
      } catch {
        // the process ended, or is not ours to read
      }
    }
  }
  return [...new Set(found)];
}

describe('npm start (the demo), as a user runs it', () => {
  it('exits 0, its summary counts equal what the HEC simulator recorded, and it leaves nothing running', async () => {
    expect(existsSync(BUNDLE), 'run `npm run build` first (npm test does)').toBe(true);
    const parent = mkdtempSync(join(tmpdir(), 'ta-demo-test-'));
    const child = spawn(process.execPath, [BUNDLE, 'demo', '--out', parent], { cwd: parent, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, `stdout:\n${out}\nstderr:\n${err}`).toBe(0);

    // The summary: one line per sourcetype, then the total.
    const summary = out.slice(out.indexOf('══ Summary ══'));
    const counts: Record<string, number> = {};
    for (const m of summary.matchAll(/^ {2}(\S+)\s+(\d+)$/gm)) counts[m[1]!] = Number(m[2]);
    const file = /^Received events written to: (.+)$/m.exec(out)?.[1];
    expect(file && existsSync(file)).toBeTruthy();
    expect(file!.startsWith(parent)).toBe(true);

    // What HEC recorded, counted independently: distinct event ids per sourcetype.
    const recorded = new Map<string, Set<string>>();
    for (const line of readFileSync(file!, 'utf8').split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as { sourcetype: string; fields: { event_id: string } };
      if (!recorded.has(e.sourcetype)) recorded.set(e.sourcetype, new Set());
      recorded.get(e.sourcetype)!.add(e.fields.event_id);
    }
    const expected = Object.fromEntries([...recorded].map(([k, v]) => [k, v.size]));
    const { total, ...perSourcetype } = counts;
    expect(perSourcetype).toEqual(expected);
    expect(total).toBe(Object.values(expected).reduce((a, b) => a + b, 0));

    // Every stage reached HEC: a 7-day backfill of hourly windows is 168 coverage events.
    expect(expected[SOURCETYPES.serCoverage]).toBe(168);
    expect(expected[SOURCETYPES.serSummary]).toBeGreaterThan(0);
    expect(expected[SOURCETYPES.serEntitlement]).toBeGreaterThanOrEqual(1);
    expect(expected[SOURCETYPES.mailMessage]).toBe(50);
    expect(expected[SOURCETYPES.mailUser]).toBe(5);
    expect(expected[SOURCETYPES.sendAudit]).toBe(1);
    expect(expected[SOURCETYPES.telemetry]).toBeGreaterThanOrEqual(1);
    expect(summary).toMatch(/^SER checkpoint: \d{4}-\d\d-\d\dT\d\d:00:00\.000Z/m);
    expect(summary).toMatch(/^Audit: ser_secure_send success — code 0, .*encrypted true/m);
    expect(out).toMatch(/Demo finished in \d+\.\d s/);
    // Not a terminal: the progress is plain lines, no bar redrawn with control characters.
    expect(out).toMatch(/^ {2}SER backfill: 168\/168 hourly windows \(100%\)$/m);
    expect(out + err).not.toMatch(/[\r\x1b]/);

    // Nothing left: no process of this run, no simulator port still open.
    expect(processesMentioning(parent)).toEqual([]);
    const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(ports.length).toBeGreaterThanOrEqual(5);
    for (const p of new Set(ports)) expect(await portOpen(p), `port ${p}`).toBe(false);
  }, 90_000);
});
