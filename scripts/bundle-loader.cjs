'use strict';
// bin/ta-ser-mail.cjs in the Splunk app (written by scripts/package.mjs from this template):
// runs bin/ta-ser-mail.bundle.cjs with a V8 code cache, because splunkd starts the program for
// every run and every validation and compiling the 3 MB bundle is most of the start-up.
// The cache lives in $SPLUNK_HOME/var/run/TA-ser-mail/ (Splunk's own, mode 700), is keyed by the
// bundle's SHA-256 (fixed at packaging), the Node version and the CPU, and is only an
// optimisation: any problem with it and the bundle is compiled as usual.
// One cache per face (--scheme, --validate-arguments, each input's run, the alert action):
// a cache holds what the run that wrote it compiled, and splunkd's first start of an input is
// its --scheme, whose cache would leave a run compiling its whole path at every start.
// Node 22+: Node's own compile cache (module.enableCompileCache) does the same job.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const BUNDLE_SHA256 = '__BUNDLE_SHA256__';
const bundle = path.join(__dirname, 'ta-ser-mail.bundle.cjs');
const home = process.env.SPLUNK_HOME;
const dir = home && !process.env.TA_SER_MAIL_NO_CODE_CACHE ? path.join(home, 'var', 'run', 'TA-ser-mail') : undefined;

// Most processes splunkd starts (runs, validations, the alert action) make a handful of HTTP
// requests and end. undici parses HTTP with a WebAssembly build of llhttp, and V8 also compiles
// that with its optimising compiler in the background: about 180 ms of CPU per run here (4 of
// every 10 CPU milliseconds of an idle run), and the exit waited for it. Baseline wasm code
// only. Long-lived inputs (interval = 0, the mail receiver) parse only replies from SER and HEC
// with it, which are small and few next to the work around them; inbound mail uses Node's own
// HTTP parser, which this does not touch.
if (process.argv[2] === 'modinput' || process.argv[2] === 'alert') {
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    // A Node whose V8 refuses the flag compiles as usual.
  }
}

function face() {
  const argv = process.argv;
  const what = `${argv[2] ?? ''}-${argv[3] ?? ''}`.replace(/[^a-z0-9_-]/gi, '').slice(0, 40);
  if (argv.includes('--scheme')) return `scheme-${what}`;
  return argv.includes('--validate-arguments') ? `validate-${what}` : what;
}

/** Caches of earlier bundles (an upgrade leaves them behind), removed when a new one is written. */
function removeStale() {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('code-') && !name.startsWith(`code-${BUNDLE_SHA256.slice(0, 24)}-`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function cached() {
  const file = path.join(dir, `code-${BUNDLE_SHA256.slice(0, 24)}-${face()}-${process.version}-${process.arch}.v8`);
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    data = undefined;
  }
  // ASCII without a #! line (scripts/package.mjs checks both): latin1 is the cheapest read.
  const source = fs.readFileSync(bundle, 'latin1');
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData: data });
  if (!data || script.cachedDataRejected) {
    // Written at exit, so the functions this run compiled lazily are in it too.
    process.once('exit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
        removeStale();
      } catch {
        // No cache this time; the next start compiles again.
      }
    });
  }
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(__dirname);
  const fn = script.runInThisContext();
  m.loaded = true;
  fn.call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, __dirname);
}

if (!dir) plain();
else if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache(dir);
  plain();
} else cached();
