/**
 * A throw-away Wine prefix to run batch files in (tools/windows/check-cmd-wrappers.ts). Wine's
 * cmd.exe is a reimplementation of Windows' cmd.exe, not Windows: what passes here is evidence,
 * not proof (docs/development.md, "The Windows wrappers under Wine").
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface WinePrefix {
  wine: string;
  version: string;
  prefix: string;
  /** The Unix folder of C:\. */
  driveC: string;
  env: NodeJS.ProcessEnv;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function executable(file: string): string | undefined {
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

/** The 64-bit Wine loader: Debian ships it as /usr/lib/wine/wine64 (wine64 on PATH elsewhere). */
export function findWine(): string | undefined {
  return onPath('wine64') ?? executable('/usr/lib/wine/wine64') ?? onPath('wine');
}

function findWineserver(): string | undefined {
  return onPath('wineserver') ?? executable('/usr/lib/wine/wineserver64') ?? executable('/usr/lib/wine/wineserver');
}

/** C:\a\b → <prefix>/drive_c/a/b. */
export function unixPath(p: WinePrefix, windowsPath: string): string {
  const m = /^C:\\(.*)$/i.exec(windowsPath);
  if (!m) throw new Error(`not a C:\\ path: ${windowsPath}`);
  return join(p.driveC, ...m[1]!.split('\\').filter(Boolean));
}

export interface WineRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runWine(p: WinePrefix, args: string[], timeoutMs = 120_000): WineRun {
  const r = spawnSync(p.wine, args, { env: p.env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

/**
 * Makes a 64-bit prefix (it has C:\Program Files (x86)) reporting Windows 10: Node.js 20
 * refuses to start on the Windows 7 Wine reports by default. Only the variables Wine needs are
 * passed, so the host's OPENSSL_CONF, SPLUNK_HOME or TA_SER_MAIL_NODE cannot leak in.
 */
export function createPrefix(wine: string): WinePrefix {
  const prefix = mkdtempSync(join(tmpdir(), 'ta-ser-mail-wine-'));
  const env: NodeJS.ProcessEnv = {
    HOME: process.env.HOME ?? prefix,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    WINEPREFIX: prefix,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    // No Mono/Gecko install prompts.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
  if (process.env.USER) env.USER = process.env.USER;
  const version = spawnSync(wine, ['--version'], { env, encoding: 'utf8' }).stdout?.trim() ?? 'unknown';
  const p: WinePrefix = { wine, version, prefix, driveC: join(prefix, 'drive_c'), env };
  runWine(p, ['cmd', '/c', 'ver'], 300_000);
  runWine(p, ['winecfg', '-v', 'win10'], 300_000);
  const ver = runWine(p, ['cmd', '/c', 'ver']).stdout;
  if (!/Windows 10\./.test(ver)) throw new Error(`the Wine prefix ${prefix} does not report Windows 10 (cmd /c ver: ${ver.trim() || 'no output'})`);
  return p;
}

export function removePrefix(p: WinePrefix): void {
  const server = findWineserver();
  if (server) spawnSync(server, ['-k'], { env: p.env, timeout: 30_000 });
  rmSync(p.prefix, { recursive: true, force: true });
}
