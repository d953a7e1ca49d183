import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pictures } from './outputs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DIR = 'docs/config';

/**
 * docs/config/*.png, the configuration page's pictures: taken by the browser test itself
 * (test/ui/config-page.test.ts writes them into docs/config/ when CONFIG_PAGE_SCREENSHOTS=1), so
 * drawing runs that test. The set is whatever that test takes; --check only finds the pictures
 * there and reads them as PNGs (their size follows the page, which the test drives).
 */
export const configPagePictures: Pictures = {
  name: 'configuration page pictures',
  command: 'npm run generate',
  async expected() {
    return new Map(readdirSync(path.join(root, DIR)).filter((f) => f.endsWith('.png')).map((f) => [`${DIR}/${f}`, undefined]));
  },
  async draw() {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/ui/config-page.test.ts'], {
      cwd: root,
      env: { ...process.env, CONFIG_PAGE_SCREENSHOTS: '1' },
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`test/ui/config-page.test.ts failed (exit ${r.status}): its pictures may be incomplete`);
    return [...(await this.expected()).keys()];
  },
};
