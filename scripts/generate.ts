/**
 * `npm run generate`: writes every generated file (tools/generate/catalog.ts lists them: Splunk
 * spec files, scheme copies and wrappers, the alert action's files, default/config.yaml, the
 * mappers' golden files, the dashboard view files, docs/fields.md) and redraws the pictures
 * (docs/dashboards/*.png, docs/config/*.png; a browser, see tools/chromium.ts).
 *   --check           write nothing; exit 1 naming each file that differs (npm test runs this)
 *   --skip-pictures   write the text files only (no browser)
 * Pictures are checked by set and size, not bytes: their pixels depend on the Chromium build and
 * fonts (docs/development.md).
 */
import { fileURLToPath } from 'node:url';
import { GENERATORS, PICTURES } from '../tools/generate/catalog.js';
import { checkGenerated, writeGenerated } from '../tools/generate/run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIX = 'npm run generate';

async function main(): Promise<number> {
  if (process.argv.includes('--check')) {
    const drift = await checkGenerated(root, GENERATORS, PICTURES);
    if (drift.length) {
      console.error(`${drift.length} generated file(s) out of date:\n  ${drift.join('\n  ')}\nRun \`${FIX}\` and review the diff.`);
      return 1;
    }
    console.log('generated files are up to date (npm run generate -- --check)');
    return 0;
  }
  for (const rel of await writeGenerated(root, GENERATORS)) console.log(`wrote ${rel}`);
  if (!process.argv.includes('--skip-pictures')) {
    for (const p of PICTURES) {
      console.log(`drawing ${p.name}…`);
      for (const rel of await p.draw()) console.log(`wrote ${rel}`);
    }
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`generate failed: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
