import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { mails, message, sleep } from './helpers.js';

/**
 * The real thing: `mail import` as a child process (the CLI through tsx), killed with SIGKILL
 * in the middle of a folder, then started again. Each file must be imported once.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const FILES = 80;
const PER_FILE = 10;

let sim: HecSimulator | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sim?.close();
});

function startImporter(config: string, token: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'mail', 'import', '-c', config], {
    cwd: root,
    env: { ...process.env, HEC_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));

describe('mail import killed and restarted', () => {
  it('imports each file once', async () => {
    sim = await startHecSimulator({ keep: 'all' });
    const dir = mkdtempSync(join(tmpdir(), 'mail-kill-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    const old = new Date(Date.now() - 60_000);
    for (let f = 0; f < FILES; f++) {
      const file = join(data, `batch-${String(f).padStart(3, '0')}.json`);
      writeFileSync(file, JSON.stringify(mails('o@x.com', Array.from({ length: PER_FILE }, (_, i) => message(f * PER_FILE + i)))));
      utimesSync(file, old, old);
    }
    const config = join(dir, 'service.yaml');
    writeFileSync(
      config,
      [
        'service:',
        `  checkpoint_dir: ${join(dir, 'state')}`,
        'hec:',
        '  main:',
        `    urls: ${sim.url}`,
        '    token: { env: HEC_TOKEN }',
        '    batch_interval: 30ms',
        'inputs:',
        '  mail_metadata:',
        '    dp:',
        '      hec: main',
        '      receiver: false',
        `      data_path: ${data}`,
        '      import_interval: 20ms',
        '      stable_time: 0',
        '',
      ].join('\n'),
    );

    const first = startImporter(config, sim.token);
    for (let i = 0; i < 3000 && sim.stats().accepted < 200; i++) await sleep(10);
    first.kill('SIGKILL');
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    const doneDir = join(data, 'done');
    const doneBefore = existsSync(doneDir) ? readdirSync(doneDir) : [];
    expect(doneBefore.length).toBeGreaterThan(0);
    expect(doneBefore.length).toBeLessThan(FILES); // killed in the middle
    const countBefore = new Map<string, number>();
    for (const e of sim.events()) {
      const id = String((e.event as Record<string, unknown>).internal_message_id);
      countBefore.set(id, (countBefore.get(id) ?? 0) + 1);
    }

    const second = startImporter(config, sim.token);
    for (let i = 0; i < 3000 && readdirSync(data).some((f) => f.endsWith('.json')); i++) await sleep(20);
    second.kill('SIGTERM');
    await exited(second);

    expect(readdirSync(data).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(readdirSync(doneDir)).toHaveLength(FILES);
    const countAfter = new Map<string, number>();
    for (const e of sim.events()) {
      const id = String((e.event as Record<string, unknown>).internal_message_id);
      countAfter.set(id, (countAfter.get(id) ?? 0) + 1);
    }
    // every message arrived …
    expect(countAfter.size).toBe(FILES * PER_FILE);
    // … files done before the kill were not imported again …
    for (const name of doneBefore) {
      const f = Number(/batch-(\d+)/.exec(name)![1]);
      for (let i = 0; i < PER_FILE; i++) {
        const id = `AAMk-${f * PER_FILE + i}`;
        expect(countAfter.get(id), id).toBe(countBefore.get(id));
      }
    }
    // … and at most the one file in flight at the kill was delivered twice (same ids).
    expect(sim.events().length).toBeLessThanOrEqual(FILES * PER_FILE + PER_FILE);
    expect(new Set(sim.eventIds()).size).toBe(FILES * PER_FILE);
  });
});
