import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * splunkd starts the program for every run, so what a run loads is part of its cost. undici's
 * index reads `globalThis.Headers` while it loads, which makes Node 20 compile its own bundled
 * undici (50–85 ms); the run path takes undici's dispatchers from src/core/undici.ts instead.
 * Each case loads modules in a fresh Node process and reports whether Node's undici came in.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const resolvePackage = createRequire(join(ROOT, 'package.json')).resolve;
const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadsNodesUndici(specifiers: string[]): boolean {
  const file = join(dir, `probe-${specifiers.length}-${Math.random().toString(36).slice(2)}.mts`);
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s.startsWith('src/') ? pathToFileURL(join(ROOT, s)).href : pathToFileURL(resolvePackage(s)).href)});`).join('\n');
  writeFileSync(file, `${imports}\nprocess.stdout.write(String(process.moduleLoadList.includes('NativeModule internal/deps/undici/undici')));\n`);
  return execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' }) === 'true';
}

describe('what a modular input run loads', () => {
  it("the ser_report and mail_metadata run paths never make Node load its own undici", () => {
    const runPath = ['src/splunk/modinput-cli.ts', 'src/splunk/inputs/ser-report.ts', 'src/splunk/inputs/mail-metadata.ts', 'src/splunk/input-runner.ts', 'src/core/http.ts', 'src/hec/sink.ts', 'src/ser/client.ts', 'src/ser/token.ts', 'src/splunk/splunkd-client.ts'];
    expect(loadsNodesUndici(runPath)).toBe(false);
  }, 60_000);

  it('the alert action path does not either', () => {
    expect(loadsNodesUndici(['src/commands/alert.ts', 'src/send/client.ts'])).toBe(false);
  }, 60_000);

  it("undici's index does, which is what the check is for", () => {
    expect(loadsNodesUndici(['undici'])).toBe(true);
  }, 60_000);
});
