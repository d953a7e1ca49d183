import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * Builds the package once for the test files that need it (npm run package, under a lock so
 * two vitest workers do not build over each other) and unpacks it into a temp folder.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VERSION: string = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const TGZ = join(ROOT, 'dist', `TA-ser-mail-${VERSION}.tgz`);
const LOCK = join(ROOT, 'dist', '.package-lock');
const started = Date.now();

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function ensurePackage(): string {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than 5 minutes belongs to a run that died.
      if (i > 600 || Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      sleep(500);
    }
  }
  try {
    if (!existsSync(TGZ) || statSync(TGZ).mtimeMs < started) execFileSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    return TGZ;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export function unpack(tgz = ensurePackage()): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-unpacked-'));
  execFileSync('tar', ['-xzf', tgz, '-C', dir]);
  return join(dir, 'TA-ser-mail');
}

export interface TarEntry {
  path: string;
  mode: number;
  type: 'file' | 'dir' | 'other';
  size: number;
}

/** Reads a ustar archive's headers (the format scripts/package.mjs writes). */
export function listTgz(tgz: string): TarEntry[] {
  const tar = gunzipSync(readFileSync(tgz));
  const out: TarEntry[] = [];
  const str = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = str(h.subarray(0, 100));
    const prefix = str(h.subarray(345, 500));
    const mode = parseInt(str(h.subarray(100, 108)).trim() || '0', 8);
    const size = parseInt(str(h.subarray(124, 136)).trim() || '0', 8);
    const flag = String.fromCharCode(h[156] ?? 0);
    out.push({ path: prefix ? `${prefix}/${name}` : name, mode, size, type: flag === '5' ? 'dir' : flag === '0' || flag === '\0' ? 'file' : 'other' });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
