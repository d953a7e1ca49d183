import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardSinkConfig } from '../../src/commands/forward.js';
import { eventFromLine } from '../../src/hec/ndjson-event.js';
import { startHecSimulator, type HecSimulator, type HecSimulatorOptions } from '../../src/sim/hec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sims: HecSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});
async function sim(o: HecSimulatorOptions = {}) {
  const s = await startHecSimulator(o);
  sims.push(s);
  return s;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (source through tsx) in a child process. */
function cli(args: string[], env: Record<string, string>, stdin?: string, during?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (during) during(child);
    else child.stdin.end(stdin ?? '');
  });
}

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => JSON.stringify({ time: 1_795_000_000 + i / 1000, sourcetype: 'mail:message', event: { n: i, tag } }));
const expectedIds = (ls: string[]) => new Set(ls.map((l, i) => eventFromLine(l, i + 1)!.id));

function tmpFile(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'forward-')), name);
  writeFileSync(f, text);
  return f;
}

describe('forward (CLI)', () => {
  it('delivers every line of a file and exits 0', async () => {
    const hec = await sim({ ack: true });
    const ls = lines(300, 'file');
    const file = tmpFile('events.ndjson', `${ls.join('\n')}\n\n`);
    const r = await cli(['forward', '--file', file, '--url', hec.url, '--ack'], { HEC_TOKEN: hec.token });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ read: 300, delivered: 300, undelivered: 0 });
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
    expect(hec.eventIds()).toHaveLength(300);
  });

  it('names the bad line, delivers the lines before it, exits non-zero', async () => {
    const hec = await sim();
    const ls = lines(2, 'bad');
    const r = await cli(['forward', '--url', hec.url], { HEC_TOKEN: hec.token }, `${ls.join('\n')}\n{"time":1,"sourcetype":"x"}\n${lines(1, 'after')[0]}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR line 3: field "event"/m);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('ERROR'))).toHaveLength(1);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });

  it('a refused token: clear error, non-zero exit, token not printed, nothing accepted', async () => {
    const hec = await sim();
    const r = await cli(['forward', '--url', hec.url, '--drain-timeout', '5'], { HEC_TOKEN: 'definitely-wrong-token' }, lines(5, 'tok').join('\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HEC_TOKEN_INVALID/);
    expect(r.stderr + r.stdout).not.toContain('definitely-wrong-token');
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ read: 5, delivered: 0, undelivered: 5 });
    expect(hec.eventIds()).toEqual([]);
  });

  it('reads HEC settings from a YAML file with the token from an environment variable', async () => {
    const hec = await sim({ indexes: ['mail'] });
    const yaml = tmpFile('hec.yaml', `urls: ${hec.url}\nindex: mail\ngzip: false\nbatch_interval: 50ms\ntoken:\n  env: MY_HEC_TOKEN\n`);
    const ls = lines(20, 'yaml');
    const r = await cli(['forward', '--config', yaml], { MY_HEC_TOKEN: hec.token, HEC_TOKEN: '' }, ls.join('\n'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(hec.events().every((e) => e.index === 'mail')).toBe(true);
    expect(hec.requests().every((q) => !q.gzip)).toBe(true);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });

  it('refuses a token written inline in the YAML file', async () => {
    const hec = await sim();
    const yaml = tmpFile('hec.yaml', `urls: ${hec.url}\ntoken: inline-secret-value\n`);
    const r = await cli(['forward', '--config', yaml], {}, lines(1, 'x')[0]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/never written in the file/);
    expect(r.stderr).not.toContain('inline-secret-value');
  });

  it('refuses a drain timeout that is not a positive duration before sending anything', async () => {
    const hec = await sim();
    for (const bad of ['abc', '-5', '0']) {
      const r = await cli(['forward', '--url', hec.url, '--drain-timeout', bad], { HEC_TOKEN: hec.token }, lines(3, 'drain').join('\n'));
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toMatch(new RegExp(`^ERROR CONFIG_INVALID: --drain-timeout: expected a positive duration .*got "${bad}"`, 'm'));
    }
    expect(hec.eventIds()).toEqual([]);
  });

  it('accepts a drain timeout with a unit and delivers', async () => {
    const hec = await sim();
    const ls = lines(3, 'unit');
    const r = await cli(['forward', '--url', hec.url, '--drain-timeout', '90s'], { HEC_TOKEN: hec.token }, ls.join('\n'));
    expect(r.code).toBe(0);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });

  it('on SIGTERM stops reading, drains what it read, and reports', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 600 });
    const ls = lines(40, 'term');
    const r = await cli(['forward', '--url', hec.url, '--ack'], { HEC_TOKEN: hec.token }, undefined, (child) => {
      child.stdin!.write(`${ls.join('\n')}\n`); // stdin stays open: only the signal ends the run
      void (async () => {
        // Wait until HEC holds the events but has not acknowledged them, then signal.
        for (let i = 0; i < 400 && hec.eventIds().length < 40; i++) await new Promise((res) => setTimeout(res, 10));
        child.kill('SIGTERM');
      })();
    });
    expect(JSON.parse(r.stdout.trim())).toEqual({ read: 40, delivered: 40, undelivered: 0, interrupted: 'SIGTERM' });
    expect(r.code).toBe(1); // the input was not finished
    expect(r.stderr).toMatch(/interrupted by SIGTERM/);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });
});

describe('forward settings', () => {
  const base = { drainTimeout: '30', url: 'https://hec:8088' };
  const env = { HEC_TOKEN: 'token-value' };

  it('a bad flag value is named by the flag the admin typed, with the value', () => {
    expect(() => forwardSinkConfig({ ...base, batchBytes: '12x' }, env)).toThrow(/^--batch-bytes "12x" \(HEC setting batch_bytes\): /);
    expect(() => forwardSinkConfig({ ...base, url: 'ftp://hec' }, env)).toThrow(/^--url "ftp:\/\/hec" \(HEC setting urls(\.0)?\): each HEC URL must start with https:\/\//);
  });

  it('a bad setting from the file is named as the setting', () => {
    const yaml = tmpFile('hec.yaml', 'urls: https://hec:8088\nbatch_bytes: lots\n');
    expect(() => forwardSinkConfig({ drainTimeout: '30', config: yaml }, env)).toThrow(/^HEC setting batch_bytes: /);
  });

  it('flags win over the file', () => {
    const yaml = tmpFile('hec.yaml', 'urls: https://hec:8088\nbatch_bytes: 4096\ngzip: false\n');
    const { config } = forwardSinkConfig({ drainTimeout: '30', config: yaml, batchBytes: '8192' }, env);
    expect(config.batch_bytes).toBe(8192);
    expect(config.gzip).toBe(false);
    expect(config.token.reveal()).toBe('token-value');
  });
});
