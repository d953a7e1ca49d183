import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Writes a YAML config into a fresh temp dir and returns its path. */
export function writeConfig(config: unknown, dir = mkdtempSync(join(tmpdir(), 'ta-doctor-'))): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
