import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATORS, PICTURES } from '../../tools/generate/catalog.js';
import type { Generator, Pictures } from '../../tools/generate/outputs.js';
import { checkGenerated, pngSize, writeGenerated } from '../../tools/generate/run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A PNG header of the given size (signature + IHDR), enough for pngSize. */
function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ta-ser-mail-generate-'));
  dirs.push(d);
  return d;
}

const gen: Generator = {
  name: 'probe',
  files: async () => [
    { path: 'a/same.txt', content: 'same\n' },
    { path: 'a/changed.txt', content: 'new\n' },
    { path: 'a/missing.txt', content: 'x\n' },
    { path: 'bin/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
  ],
};
const pics: Pictures = {
  name: 'probe pictures',
  command: 'npm run generate',
  expected: async () => new Map<string, [number, number] | undefined>([['p/right.png', [10, 20]], ['p/wrong.png', [10, 20]], ['p/absent.png', [1, 1]], ['p/text.png', undefined]]),
  draw: async () => [],
};

describe('npm run generate -- --check', () => {
  it('names each drifted file and why: missing, content, mode, picture set and size', async () => {
    const root = scratch();
    mkdirSync(path.join(root, 'a'));
    mkdirSync(path.join(root, 'bin'));
    mkdirSync(path.join(root, 'p'));
    writeFileSync(path.join(root, 'a/same.txt'), 'same\n');
    writeFileSync(path.join(root, 'a/changed.txt'), 'old\n');
    writeFileSync(path.join(root, 'bin/run.sh'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'bin/run.sh'), 0o644);
    writeFileSync(path.join(root, 'p/right.png'), png(10, 20));
    writeFileSync(path.join(root, 'p/wrong.png'), png(10, 21));
    writeFileSync(path.join(root, 'p/text.png'), 'not a picture');
    expect(await checkGenerated(root, [gen], [pics])).toEqual([
      'a/changed.txt: content differs (probe)',
      'a/missing.txt: missing (probe)',
      'bin/run.sh: not executable (probe)',
      'p/wrong.png: 10×21, the layout needs 10×20 (probe pictures)',
      'p/absent.png: missing (probe pictures)',
      'p/text.png: not a PNG (probe pictures)',
    ]);
    // Writing fixes every text file (and only the ones that differ); then the text check is clean.
    expect(await writeGenerated(root, [gen])).toEqual(['a/changed.txt', 'a/missing.txt', 'bin/run.sh']);
    expect(readFileSync(path.join(root, 'a/changed.txt'), 'utf8')).toBe('new\n');
    expect(await checkGenerated(root, [gen], [])).toEqual([]);
  });

  it('reads a PNG size from its header and refuses other bytes', () => {
    expect(pngSize(png(1440, 1282))).toEqual([1440, 1282]);
    expect(pngSize(Buffer.from('GIF89a........................'))).toBeUndefined();
    expect(pngSize(png(1, 1).subarray(0, 20))).toBeUndefined();
  });

  it('the catalog covers every generated file once, inside the repository, and the tree is up to date', async () => {
    const paths = (await Promise.all(GENERATORS.map((g) => g.files()))).flat().map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(path.resolve(ROOT, p).startsWith(ROOT), p).toBe(true);
    for (const expected of ['default/config.yaml', 'docs/fields.md', 'splunk_app/TA-ser-mail/default/alert_actions.conf', 'splunk_app/TA-ser-mail/README/inputs.conf.spec', 'test/ser/golden/window-events.json']) {
      expect(paths).toContain(expected);
    }
    expect(paths.some((p) => /^test\/mail\/golden\/.+\.expected\.json$/.test(p))).toBe(true);
    expect(paths.some((p) => /^splunk_app\/TA-ser-mail\/default\/data\/ui\/views\/.+\.xml$/.test(p))).toBe(true);
    expect(await checkGenerated(ROOT, GENERATORS, PICTURES), 'run npm run generate').toEqual([]);
  }, 120_000);
});
