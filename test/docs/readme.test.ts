import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The commands of the README's "## Quick start" shell block, without their comments. */
function quickStartCommands(text: string): string[] {
  const start = text.indexOf('\n## Quick start\n');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

describe('README.md, the page people read first', () => {
  it('stays short: at most 20 KB (the rest lives in docs/)', () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(20 * 1024);
  });

  it('its quick start is npm ci, then the test command .ci/run runs', () => {
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    const testCommand = /^(npm test)\b/m.exec(ci)?.[1];
    expect(testCommand, '.ci/run runs no `npm test` line').toBe('npm test');
    const commands = quickStartCommands(readme);
    expect(commands.slice(0, 2)).toEqual(['npm ci', testCommand]);
  });

  it('the quick-start reader finds nothing in a README without one', () => {
    expect(quickStartCommands('# x\n\n## Other\n\n```sh\nnpm ci\n```\n')).toEqual([]);
  });

  it('links every document of docs/, so none is an orphan', () => {
    const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    expect(docs.length).toBeGreaterThanOrEqual(11);
    for (const doc of docs) expect(readme, doc).toContain(`](docs/${doc}`);
  });
});
