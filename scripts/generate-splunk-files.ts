// Writes the files generated from the zod schemas: README/inputs.conf.spec, README/ta_ser_mail_*.conf.spec
// and the scheme XML of each input (golden copies). Run after changing a schema:
//   npx tsx scripts/generate-splunk-files.ts          (write)
//   npx tsx scripts/generate-splunk-files.ts --check  (exit 1 when a committed file differs)
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INPUT_KINDS } from '../src/splunk/inputs/index.js';
import { generatedFiles } from '../src/splunk/spec-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const inputs = await Promise.all(Object.values(INPUT_KINDS).map((load) => load()));
const check = process.argv.includes('--check');
let drift = 0;
for (const [rel, content] of generatedFiles(inputs)) {
  const file = join(root, rel);
  let old: string | undefined;
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    old = undefined;
  }
  const wantExec = rel.endsWith('.sh');
  const modeOk = old === undefined || !wantExec || (statSync(file).mode & 0o111) !== 0;
  if (old === content && modeOk) continue;
  if (check) {
    drift++;
    process.stderr.write(`out of date: ${rel}\n`);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, wantExec ? 0o755 : 0o644);
    process.stdout.write(`wrote ${rel}\n`);
  }
}
if (drift > 0) {
  process.stderr.write(`${drift} generated file(s) differ from the schemas: run npx tsx scripts/generate-splunk-files.ts\n`);
  process.exitCode = 1;
}
