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
 * to the repo), name, version, declared licence and the licence text to ship: its LICENSE file,
 * or for an MIT package without one MIT's text under its copyright line.
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
    const licenseText = file ? readFileSync(join(ROOT, dir, file), 'utf8') : substituteLicence(dir, pkg) ?? '';
    return { dir, name: pkg.name, version: pkg.version, license: declared ?? '', licenseText, licenseFile: file ?? '' };
  });
}

// The MIT licence text, for a package that declares MIT but ships no LICENSE file (the
// licence asks that its notice travel with every copy).
const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/**
 * The licence text to ship for a package without a LICENSE file: MIT's text under the
 * copyright line its README gives (or its author), else undefined (the licence test refuses).
 */
export function substituteLicence(dir, pkg) {
  if (pkg.license !== 'MIT') return undefined;
  const readme = readdirSync(join(ROOT, dir)).find((f) => /^readme(\.|$)/i.test(f));
  const line = readme ? /Copyright\s+(?:©|\(c\))?\s*[^\n.]+/i.exec(readFileSync(join(ROOT, dir, readme), 'utf8'))?.[0] : undefined;
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  const copyright = line ?? (author ? `Copyright (c) ${author}` : undefined);
  return copyright ? `MIT License\n\n${copyright}\n\n${MIT_TEXT}` : undefined;
}

/** THIRD-PARTY-NOTICES.txt: each bundled package with its licence text, as redistribution asks. */
function notices(packages) {
  const parts = packages.map((p) => `${p.name} ${p.version} (${p.license})\n\n${p.licenseText.trim()}\n`);
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
