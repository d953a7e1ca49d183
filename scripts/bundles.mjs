// The two CommonJS bundles esbuild makes (CJS, not ESM: an ESM bundle containing undici fails at
// run time on a dynamic require). Shared by scripts/build.mjs and the test that proves what the
// app's bundle leaves out (test/architecture/shipped-bundle.test.ts).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  minify: false,
  legalComments: 'linked',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
};

/**
 * What the Splunk app ships (scripts/package.mjs copies it into bin/): no demo, no simulators.
 * Without whitespace and comments, and ASCII only, because splunkd starts it for every run:
 * the loader reads a third less and takes it as a one-byte string (latin1) with no UTF-8
 * decoding. Names stay as written, so an error still names its function.
 */
export const APP_BUNDLE = { ...common, entryPoints: ['src/main.ts'], outfile: 'dist/ta-ser-mail.cjs', minifyWhitespace: true, charset: 'ascii' };

/** The development CLI: the app's commands plus demo and sim (`npm start`, tests, benchmarks). */
export const DEV_BUNDLE = { ...common, entryPoints: ['src/dev-main.ts'], outfile: 'dist/ta-ser-mail-dev.cjs' };
