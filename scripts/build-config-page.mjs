// Bundles the configuration page (src/ui, React + Splunk's design system + the shared zod
// schemas) into one browser script under the app's appserver/static/config/.
// Not committed: `npm run package` runs this first. Deterministic (no timestamps, no hashes
// in names), so two builds of the same tree are byte-identical.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUTDIR = join(ROOT, 'splunk_app/TA-ser-mail/appserver/static/config');

/**
 * The npm packages whose files esbuild put in the bundle, from its metafile: folder (relative
 * to the repo), name, version, declared licence and the text of its LICENSE file, if any.
 */
export function bundledPackages(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const declared = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type ?? (pkg.licenses ?? []).map((l) => l.type).join(' OR ');
    const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    return { dir, name: pkg.name, version: pkg.version, license: declared ?? '', licenseText: file ? readFileSync(join(ROOT, dir, file), 'utf8') : '' };
  });
}

/** THIRD-PARTY-NOTICES.txt: each bundled package with its licence text, as redistribution asks. */
function notices(packages) {
  const parts = packages.map((p) => `${p.name} ${p.version} (${p.license})\n\n${p.licenseText.trim() || `Licensed under ${p.license}; no licence file in the package.`}\n`);
  return `Third-party software in page.js (the TA-ser-mail configuration page)\n\n${parts.join('\n----------------------------------------------------------------\n\n')}`;
}

/**
 * Builds page.js (+ page.js.LEGAL.txt with the bundled @license comments and
 * THIRD-PARTY-NOTICES.txt with every bundled package's licence) into `outdir` and returns
 * esbuild's metafile, whose `inputs` list every bundled source file (the licence test reads it).
 */
export async function buildConfigPage({ outdir = DEFAULT_OUTDIR, minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { page: 'src/ui/main.tsx' },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
    jsx: 'automatic',
    minify,
    sourcemap: false,
    legalComments: 'linked',
    metafile: true,
    // React and styled-components pick their production code paths from this.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, 'THIRD-PARTY-NOTICES.txt'), notices(bundledPackages(result.metafile)));
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const meta = await buildConfigPage({ outdir: process.argv[2] ?? DEFAULT_OUTDIR });
  const out = Object.entries(meta.outputs).map(([f, o]) => `${f} ${o.bytes} bytes`);
  console.log(out.join('\n'));
}
