import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Generator, Pictures } from './outputs.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): [number, number] | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

function differs(file: string, content: string, mode: number): string | undefined {
  if (!existsSync(file)) return 'missing';
  if (readFileSync(file, 'utf8') !== content) return 'content differs';
  if ((mode & 0o111) !== 0 && (statSync(file).mode & 0o111) === 0) return 'not executable';
  return undefined;
}

/** One line per out-of-date file under `root`: text files by bytes and mode, pictures by set and size. */
export async function checkGenerated(root: string, generators: Generator[], pictures: Pictures[]): Promise<string[]> {
  const drift: string[] = [];
  for (const g of generators) {
    for (const f of await g.files()) {
      const why = differs(path.join(root, f.path), f.content, f.mode ?? 0o644);
      if (why) drift.push(`${f.path}: ${why} (${g.name})`);
    }
  }
  for (const p of pictures) {
    for (const [rel, size] of await p.expected()) {
      const file = path.join(root, rel);
      if (!existsSync(file)) {
        drift.push(`${rel}: missing (${p.name})`);
        continue;
      }
      const got = pngSize(readFileSync(file));
      if (!got) drift.push(`${rel}: not a PNG (${p.name})`);
      else if (size && (got[0] !== size[0] || got[1] !== size[1])) drift.push(`${rel}: ${got[0]}×${got[1]}, the layout needs ${size[0]}×${size[1]} (${p.name})`);
    }
  }
  return drift;
}

/** Writes every text file that differs; returns the paths written. */
export async function writeGenerated(root: string, generators: Generator[]): Promise<string[]> {
  const written: string[] = [];
  for (const g of generators) {
    for (const f of await g.files()) {
      const file = path.join(root, f.path);
      const mode = f.mode ?? 0o644;
      if (!differs(file, f.content, mode)) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.content);
      chmodSync(file, mode);
      written.push(f.path);
    }
  }
  return written;
}
