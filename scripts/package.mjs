// Builds dist/TA-ser-mail-<version>.tgz, the app as Splunk installs it (run by `npm run package`
// after `npm run build`). Stages a clean copy of splunk_app/TA-ser-mail — without local/,
// local.meta, users/ or dot-files — adds the bundle (bin/ta-ser-mail.bundle.cjs, started by the
// loader bin/ta-ser-mail.cjs from scripts/bundle-loader.cjs) and the configuration
// page, normalises modes (execute bits only on bin/*.sh, nothing group/world-writable) and
// tars it with GNU tar: paths start with TA-ser-mail/ (never ./), owner 0, sorted, gzip.
// The package test (test/splunk/package.test.ts) checks every SplunkBase/AppInspect rule we know.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = 'TA-ser-mail';
const SOURCE = join(ROOT, 'splunk_app', APP);
const BUNDLE = join(ROOT, 'dist', 'ta-ser-mail.cjs');

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const appConf = readFileSync(join(SOURCE, 'default', 'app.conf'), 'utf8');
for (const m of appConf.matchAll(/^\s*version\s*=\s*(.+?)\s*$/gm)) {
  if (m[1] !== version) fail(`default/app.conf says version ${m[1]}, package.json says ${version}: make them equal`);
}
// [install] build is tied to the release, so browsers reload the app's pages after an upgrade.
const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map(Number);
const build = major * 1_000_000 + minor * 1_000 + patch;
const buildLine = /^\s*build\s*=\s*(.+?)\s*$/m.exec(appConf.slice(appConf.indexOf('[install]')))?.[1];
if (buildLine !== String(build)) fail(`default/app.conf [install] build is ${buildLine ?? 'missing'}; for version ${version} it is ${build} (major * 1000000 + minor * 1000 + patch)`);
if (!existsSync(BUNDLE)) fail('dist/ta-ser-mail.cjs is missing: run npm run build first (npm run package does)');

/** Splunk must never receive an admin's local settings or editor/OS droppings. */
function excluded(rel) {
  const parts = rel.split(/[\\/]/);
  return parts.some((p) => p.startsWith('.') || p === '__MACOSX' || p === 'local' || p === 'users' || p === 'local.meta' || p.endsWith('~'));
}

const stageRoot = mkdtempSync(join(tmpdir(), 'ta-ser-mail-package-'));
const stage = join(stageRoot, APP);
try {
  cpSync(SOURCE, stage, { recursive: true, filter: (src) => !excluded(relative(SOURCE, src)) });
  // Built artefacts are never taken from the source tree: a stale page.js must not ship.
  rmSync(join(stage, 'appserver', 'static', 'config'), { recursive: true, force: true });
  // bin/ta-ser-mail.cjs is a small loader that runs the bundle with a V8 code cache (start-up).
  // Only the loader runs the bundle, so it goes without its #! line: the loader hands it to V8
  // as it is, with no copy of 3 MB made to strip that line at every start.
  const bundle = readFileSync(BUNDLE).toString('latin1').replace(/^#![^\n]*\n/, '');
  // The loader reads it as latin1, which is only right for ASCII (esbuild's charset: 'ascii').
  if (/[^\x00-\x7f]/.test(bundle)) throw new Error(`${BUNDLE} holds non-ASCII bytes; build it with charset: 'ascii'`);
  writeFileSync(join(stage, 'bin', 'ta-ser-mail.bundle.cjs'), bundle, 'latin1');
  const sha = createHash('sha256').update(bundle, 'latin1').digest('hex');
  writeFileSync(join(stage, 'bin', 'ta-ser-mail.cjs'), readFileSync(join(ROOT, 'scripts', 'bundle-loader.cjs'), 'utf8').replace('__BUNDLE_SHA256__', sha));
  if (existsSync(`${BUNDLE}.LEGAL.txt`)) copyFileSync(`${BUNDLE}.LEGAL.txt`, join(stage, 'bin', 'ta-ser-mail.bundle.cjs.LEGAL.txt'));

  const configPage = join(ROOT, 'scripts', 'build-config-page.mjs');
  if (existsSync(configPage) && existsSync(join(ROOT, 'src', 'ui', 'main.tsx'))) {
    const { buildConfigPage } = await import(configPage);
    await buildConfigPage({ outdir: join(stage, 'appserver', 'static', 'config') });
  }

  // Modes: directories 755, files 644, the wrappers 755. Nothing writable by group or others.
  const walk = (dir) => {
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else chmodSync(p, relative(stage, p).startsWith(`bin/`) && name.endsWith('.sh') ? 0o755 : 0o644);
    }
  };
  walk(stage);

  const out = join(ROOT, 'dist', `${APP}-${version}.tgz`);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  rmSync(out, { force: true });
  const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=ustar', '-cf', '-', '-C', stageRoot, APP], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 512 * 1024 * 1024,
  });
  // Node's gzip header carries no name and mtime 0: two packages of one tree are byte-identical.
  writeFileSync(out, gzipSync(tar, { level: 9 }));
  process.stdout.write(`${relative(ROOT, out)}\n`);
} finally {
  rmSync(stageRoot, { recursive: true, force: true });
}
