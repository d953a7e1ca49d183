import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_BUNDLE, DEV_BUNDLE } from '../../scripts/bundles.mjs';

/**
 * The app's bundle (bin/ of the Splunk package) carries no development code: no simulator, no
 * demo, nothing from tools/, and no code that runs openssl (AppInspect reviewers ask about it).
 * Built here in memory with the same options as scripts/build.mjs, so the module list is exact;
 * the built file itself is checked too when present (npm test builds it first).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEV_ONLY = /^(src\/sim\/|src\/demo\/|src\/commands\/(demo|sim|dev)\.ts$|src\/dev-main\.ts$|tools\/|test\/)/;

async function modulesOf(options: typeof APP_BUNDLE): Promise<{ inputs: string[]; text: string }> {
  const r = await build({ ...options, absWorkingDir: ROOT, write: false, metafile: true, logLevel: 'error' });
  const meta: Metafile = r.metafile!;
  const js = r.outputFiles!.find((f) => f.path.endsWith('.cjs'));
  return { inputs: Object.keys(meta.inputs), text: js?.text ?? '' };
}

let app: { inputs: string[]; text: string };
let dev: { inputs: string[]; text: string };
beforeAll(async () => {
  [app, dev] = await Promise.all([modulesOf(APP_BUNDLE), modulesOf(DEV_BUNDLE)]);
}, 120_000);

describe("the app's bundle leaves development code out", () => {
  it('no module from src/sim/, src/demo/, tools/ or test/, and no demo/sim command', () => {
    expect(app.inputs.some((i) => i.startsWith('src/splunk/'))).toBe(true);
    expect(app.inputs.filter((i) => DEV_ONLY.test(i))).toEqual([]);
  });

  it("no 'openssl' anywhere in the bundle text", () => {
    expect(app.text.length).toBeGreaterThan(100_000);
    expect(app.text).not.toMatch(/openssl/i);
    // Only the version is taken from package.json: its scripts and dev dependencies stay out.
    expect(app.text).not.toContain('tsx scripts/generate.ts');
    expect(app.text).not.toContain('@sparticuz/chromium');
    const built = join(ROOT, APP_BUNDLE.outfile);
    if (existsSync(built)) expect(readFileSync(built, 'utf8')).not.toMatch(/openssl/i);
  });

  it('the development CLI does carry them (so the check above can fail)', () => {
    expect(dev.inputs).toEqual(expect.arrayContaining(['src/sim/pki.ts', 'src/demo/run-demo.ts', 'src/commands/sim.ts']));
    expect(dev.text).toMatch(/openssl/);
  });
});
