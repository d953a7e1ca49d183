import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkpointFileName, FileCheckpointStore } from '../../src/core/checkpoint.js';
import { CheckpointError } from '../../src/core/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ckpt-'));

describe('FileCheckpointStore', () => {
  it('saves and loads JSON values; a missing key is undefined', async () => {
    const store = new FileCheckpointStore(join(tmp(), 'nested', 'dir'));
    expect(await store.load('ser_report://acme')).toBeUndefined();
    await store.save('ser_report://acme', { window_end: '2026-11-27T12:00:00Z', revision: 3 });
    expect(await store.load('ser_report://acme')).toEqual({ window_end: '2026-11-27T12:00:00Z', revision: 3 });
    await store.save('ser_report://acme', { window_end: '2026-11-27T12:05:00Z', revision: 4 });
    expect(await store.load('ser_report://acme')).toEqual({ window_end: '2026-11-27T12:05:00Z', revision: 4 });
    await store.delete('ser_report://acme');
    expect(await store.load('ser_report://acme')).toBeUndefined();
  });

  it('maps keys to safe file names and leaves no temp file behind', async () => {
    const dir = tmp();
    const store = new FileCheckpointStore(dir);
    await store.save('mail_metadata://a/b c', 1);
    expect(checkpointFileName('mail_metadata://a/b c')).toBe('mail_metadata___a_b_c.json');
    expect(readdirSync(dir)).toEqual(['mail_metadata___a_b_c.json']);
    expect(store.describe('x')).toBe(join(dir, 'x.json'));
  });

  it('a torn file is an error naming the file, never a silent restart', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.json'), '{"window_end": "2026-11-');
    const err = await new FileCheckpointStore(dir).load('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('CHECKPOINT_UNREADABLE');
    expect((err as CheckpointError).file).toBe(join(dir, 'k.json'));
    expect((err as Error).message).toContain(join(dir, 'k.json'));
    expect((err as Error).message).toMatch(/delete it/);
  });

  it('an unreadable file is an error naming the file', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'k.json')); // a directory where the file should be: EISDIR even for root
    const err = await new FileCheckpointStore(dir).load('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toContain(join(dir, 'k.json'));
  });

  it('a stale temp file from a crash does not disturb the committed value', async () => {
    const dir = tmp();
    const store = new FileCheckpointStore(dir);
    await store.save('k', { n: 1 });
    writeFileSync(join(dir, 'k.json.99999.tmp'), '{"n": 2, "torn');
    expect(await store.load('k')).toEqual({ n: 1 });
    await store.save('k', { n: 3 });
    expect(await store.load('k')).toEqual({ n: 3 });
  });

  it('a process killed mid-save leaves the old or the new value, never a torn one', async () => {
    const dir = tmp();
    const src = fileURLToPath(new URL('../../src/core/checkpoint.ts', import.meta.url));
    const script = join(dir, 'writer.mts'); // .mts: ESM with top-level await outside the project
    // Writes ever larger values as fast as it can until killed.
    writeFileSync(
      script,
      `import { FileCheckpointStore } from ${JSON.stringify(src)};\n` +
        `const s = new FileCheckpointStore(${JSON.stringify(join(dir, 'store'))});\n` +
        `for (let i = 0; i < 1_000_000; i++) { await s.save('k', { i, pad: 'x'.repeat(i % 5000) }); if (i === 5) process.stdout.write('go\\n'); }\n`,
    );
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, 30 + round * 40));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      const text = readFileSync(join(dir, 'store', 'k.json'), 'utf8');
      const v = JSON.parse(text) as { i: number; pad: string };
      expect(v.pad).toBe('x'.repeat(v.i % 5000));
      expect(await new FileCheckpointStore(join(dir, 'store')).load('k')).toEqual(v);
    }
  });
});
