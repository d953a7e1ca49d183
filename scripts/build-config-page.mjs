// Bundles the configuration page (src/ui, React + Splunk's design system + the shared zod
// schemas) into one browser script under the app's appserver/static/config/.
// Not committed: `npm run package` runs this first. Deterministic (no timestamps, no hashes
// in names), so two builds of the same tree are byte-identical.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUTDIR = join(ROOT, 'splunk_app/TA-ser-mail/appserver/static/config');

/**
 * Builds page.js (+ page.js.LEGAL.txt with every bundled licence notice) into `outdir` and
 * returns esbuild's metafile, whose `inputs` list every bundled source file (the licence test
 * reads it).
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
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const meta = await buildConfigPage({ outdir: process.argv[2] ?? DEFAULT_OUTDIR });
  const out = Object.entries(meta.outputs).map(([f, o]) => `${f} ${o.bytes} bytes`);
  console.log(out.join('\n'));
}
