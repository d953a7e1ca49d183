import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles the render page (Splunk's dashboard framework, React) into a fresh temp directory.
 * Done at test/render time only: the bundle holds Splunk-licensed code and is never committed
 * or shipped.
 */
export interface PageBundle {
  dir: string;
  /** The HTML file to open; it loads `page.js` from the same folder. */
  html: string;
}

export async function bundleRenderPage(pageEntry: string): Promise<PageBundle> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ta-ser-mail-dash-'));
  await build({
    entryPoints: [pageEntry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    outfile: path.join(dir, 'page.js'),
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.css': 'empty', '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    jsx: 'automatic',
    logLevel: 'error',
    minify: true,
  });
  const html = path.join(dir, 'index.html');
  await writeFile(
    html,
    '<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;overflow:hidden;background:#0b0c0e}</style></head>' +
      '<body><div id="root"></div><script src="page.js"></script></body></html>',
  );
  return { dir, html };
}
