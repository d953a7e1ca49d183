import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ENV, chooseChromium, npmChromiumDir, resolveChromium, SYSTEM_CHROMIUM, unpackNpmChromium, type ChromiumProbe } from '../../tools/chromium.js';

/** A machine where exactly `executables` exist. */
const machine = (executables: string[], pathDirs: string[] = ['/usr/local/bin', '/usr/bin']): ChromiumProbe => ({
  isExecutable: (f) => executables.includes(f),
  pathDirs,
});

describe('which Chromium the browser tests and the renderer start', () => {
  it('the environment variable wins over a system Chromium', () => {
    expect(chooseChromium({ [CHROMIUM_ENV]: '/opt/c/chrome' }, machine(['/opt/c/chrome', SYSTEM_CHROMIUM]))).toEqual({ source: 'env', path: '/opt/c/chrome' });
  });

  it('"npm" in the environment variable skips the system lookup', () => {
    expect(chooseChromium({ [CHROMIUM_ENV]: 'npm' }, machine([SYSTEM_CHROMIUM]))).toEqual({ source: 'npm' });
  });

  it('a variable naming no executable is an error naming the variable, not a silent fallback', () => {
    expect(() => chooseChromium({ [CHROMIUM_ENV]: '/nowhere/chromium' }, machine([SYSTEM_CHROMIUM]))).toThrow(/TA_SER_MAIL_CHROMIUM=\/nowhere\/chromium is not an executable/);
  });

  it('without the variable, /usr/bin/chromium comes before PATH', () => {
    expect(chooseChromium({}, machine([SYSTEM_CHROMIUM, '/usr/local/bin/chromium']))).toEqual({ source: 'system', path: SYSTEM_CHROMIUM });
    expect(chooseChromium({ [CHROMIUM_ENV]: '  ' }, machine([SYSTEM_CHROMIUM]))).toEqual({ source: 'system', path: SYSTEM_CHROMIUM });
  });

  it('a chromium on PATH is used, first PATH entry first', () => {
    expect(chooseChromium({}, machine(['/b/chromium', '/a/chromium'], ['/a', '/b']))).toEqual({ source: 'system', path: '/a/chromium' });
  });

  it('with no system Chromium, the npm one', () => {
    expect(chooseChromium({}, machine([]))).toEqual({ source: 'npm' });
  });

  it('the npm Chromium is unpacked into the project, one folder per package version, and keeps the page security flags on', () => {
    const chosen = resolveChromium({ [CHROMIUM_ENV]: 'npm' });
    expect(chosen.source).toBe('npm');
    expect(path.dirname(chosen.executablePath)).toBe(npmChromiumDir());
    expect(npmChromiumDir()).toMatch(/node_modules\/\.cache\/chromium\/143\.0\.4$/);
    expect(() => accessSync(chosen.executablePath, constants.X_OK)).not.toThrow();
    expect(chosen.args).toContain("--headless='shell'");
    expect(chosen.args).not.toContain('--disable-web-security');
    expect(chosen.args).not.toContain('--single-process');
  });

  it('unpacking into a fresh folder leaves a complete binary and no scratch folders', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'ta-ser-mail-chromium-unpack-'));
    try {
      const dir = path.join(parent, 'v');
      const binary = unpackNpmChromium(dir);
      expect(binary).toBe(path.join(dir, 'chromium'));
      expect(existsSync(path.join(dir, 'libGLESv2.so'))).toBe(true);
      expect(readdirSync(parent)).toEqual(['v']);
      // A second call reuses it.
      expect(unpackNpmChromium(dir)).toBe(binary);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
