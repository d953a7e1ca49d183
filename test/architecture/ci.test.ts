import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The fresh-machine promise: `.ci/run` needs nothing that `npm ci` does not install. */
const ci = readFileSync(fileURLToPath(new URL('../../.ci/run', import.meta.url)), 'utf8');
const commands = ci
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('.ci/run', () => {
  it('installs nothing beside npm ci (no system packages, no browser download)', () => {
    const installers = /\b(apt-get|apt|dpkg|yum|dnf|apk|brew|snap|curl|wget|pip3?)\b|playwright install|npm (i|install)\b/;
    expect(commands.filter((l) => installers.test(l))).toEqual([]);
    expect(commands).toContain('npm ci --no-audit --no-fund');
  });

  it("runs the README's test command and fails on a skipped or todo test", () => {
    expect(commands.some((l) => /^npm test\b/.test(l))).toBe(true);
    expect(ci).toMatch(/numPendingTests === 0/);
    expect(ci).toMatch(/numTodoTests === 0/);
  });
});
