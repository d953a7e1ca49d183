import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sparticuz from '@sparticuz/chromium';

/**
 * The one place that says which Chromium the browser tests and the dashboard renderer start.
 * Order: the `TA_SER_MAIL_CHROMIUM` environment variable (a path, or `npm` to skip the system
 * lookup), else a system Chromium (/usr/bin/chromium, or `chromium` on PATH), else the binary
 * that `@sparticuz/chromium` carries inside its npm package, so `npm ci && npm test` needs
 * nothing installed by hand.
 */
export const CHROMIUM_ENV = 'TA_SER_MAIL_CHROMIUM';

export type ChromiumSource = 'env' | 'system' | 'npm';

export interface ChromiumChoice {
  source: ChromiumSource;
  /** Absent for `npm`: the binary is unpacked on first use. */
  path?: string;
}

export interface ChromiumProbe {
  isExecutable(file: string): boolean;
  /** PATH entries, in order. */
  pathDirs: string[];
}

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Which browser the environment asks for; pure, so the order is testable. */
export function chooseChromium(env: Record<string, string | undefined>, probe: ChromiumProbe): ChromiumChoice {
  const wanted = env[CHROMIUM_ENV]?.trim();
  if (wanted === 'npm') return { source: 'npm' };
  if (wanted) {
    if (!probe.isExecutable(wanted)) {
      throw new Error(`${CHROMIUM_ENV}=${wanted} is not an executable file: give the path of a Chromium binary, "npm" for the one from @sparticuz/chromium, or unset it`);
    }
    return { source: 'env', path: wanted };
  }
  const candidates = [SYSTEM_CHROMIUM, ...probe.pathDirs.filter((d) => d !== '').map((d) => path.join(d, 'chromium'))];
  const system = candidates.find((c) => probe.isExecutable(c));
  if (system) return { source: 'system', path: system };
  return { source: 'npm' };
}

export const hostProbe: ChromiumProbe = {
  isExecutable(file) {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  pathDirs: (process.env.PATH ?? '').split(path.delimiter),
};

/** The flags every launch uses: no network of its own, no first-run or sync chatter. */
const COMMON_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Flags from `chromium.args` the tests must not inherit: the config page tests check the page's
 * own security behaviour, which the first three would switch off; `--single-process` (needed on
 * Lambda only) closes the browser when a test opens a second context.
 */
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--single-process']);

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the npm Chromium is unpacked: a folder of the project's own, one per package version. */
export function npmChromiumDir(): string {
  const manifest = path.join(root, 'node_modules/@sparticuz/chromium/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return path.join(root, 'node_modules/.cache/chromium', version);
}

/**
 * Unpacks the npm Chromium once. `executablePath()` unpacks into os.tmpdir() and reuses whatever
 * it finds there, so files left by another version break the launch: it runs in a child process
 * whose TMPDIR is a fresh folder, renamed into place when complete (two test workers may race;
 * the rename is atomic and the loser's copy is dropped).
 */
export function unpackNpmChromium(dir = npmChromiumDir()): string {
  const binary = path.join(dir, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(path.dirname(dir), { recursive: true });
  const scratch = `${dir}.unpack-${process.pid}-${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  try {
    let unpacked: string;
    try {
      unpacked = execFileSync(process.execPath, ['--input-type=module', '-e', "import c from '@sparticuz/chromium'; process.stdout.write(await c.executablePath())"], {
        cwd: root,
        env: { ...process.env, TMPDIR: scratch },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const why = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').slice(-3).join(' ');
      throw new Error(`cannot unpack the Chromium of @sparticuz/chromium into ${dir} (${why}): run npm ci, check free disk space, or set ${CHROMIUM_ENV} to a Chromium binary`);
    }
    if (path.resolve(unpacked) !== path.join(scratch, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${scratch}`);
    try {
      renameSync(scratch, dir);
    } catch (err) {
      if (!existsSync(binary)) throw err;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}

export interface ResolvedChromium {
  source: ChromiumSource;
  executablePath: string;
  args: string[];
}

/** The browser to launch, with its flags. */
export function resolveChromium(env: Record<string, string | undefined> = process.env, probe: ChromiumProbe = hostProbe): ResolvedChromium {
  const choice = chooseChromium(env, probe);
  if (choice.source !== 'npm') return { source: choice.source, executablePath: choice.path!, args: COMMON_ARGS };
  const npmArgs = sparticuz.args.filter((a) => !DROPPED.has(a));
  return { source: 'npm', executablePath: unpackNpmChromium(), args: [...new Set([...npmArgs, ...COMMON_ARGS])] };
}
