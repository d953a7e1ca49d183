import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenLinks, githubSlug, markdownAnchors, markdownLinks } from './markdown-links.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = path.join(ROOT, 'docs');
const documents = ['README.md', ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

describe('links between README.md and docs/*.md', () => {
  it('there are documents and links to check', () => {
    expect(documents).toContain('docs/fields.md');
    const links = documents.flatMap((d) => markdownLinks(readFileSync(path.join(ROOT, d), 'utf8')));
    expect(links.length).toBeGreaterThan(20);
  });

  for (const doc of documents) {
    it(`${doc}: every relative link points at a file that exists and a heading it has`, () => {
      const file = path.join(ROOT, doc);
      const problems = brokenLinks(file, readFileSync(file, 'utf8')).map((p) => p.replace(ROOT, ''));
      expect(problems).toEqual([]);
    });
  }
});

describe('the link reader', () => {
  const files: Record<string, string> = {
    '/r/README.md': '# Top\n\nsee [hec](docs/hec.md#settings) and [gone](docs/gone.md)\n',
    '/r/docs/hec.md': '# Delivery to Splunk (HEC)\n\n## Settings\n\n## `doctor --config <file.yaml>`\n',
  };
  const read = (f: string) => files[f];

  it('reports a missing file and a missing anchor, by line', () => {
    const md = 'intro\n\n[ok](docs/hec.md#settings) [no anchor](docs/hec.md#setings)\n[missing](docs/gone.md)\n';
    expect(brokenLinks('/r/README.md', md, read)).toEqual([
      '/r/README.md:3: docs/hec.md#setings: no heading with anchor #setings in docs/hec.md',
      '/r/README.md:4: docs/gone.md: no file docs/gone.md',
    ]);
  });

  it('checks anchors within the same file and accepts valid ones', () => {
    expect(brokenLinks('/r/docs/hec.md', '# A title\n\n[x](#a-title) [y](#b-title)\n', read)).toEqual([
      '/r/docs/hec.md:3: #b-title: no heading with anchor #b-title in this file',
    ]);
    expect(brokenLinks('/r/docs/x.md', '[d](hec.md#doctor---config-fileyaml) [h](hec.md#delivery-to-splunk-hec)', read)).toEqual([]);
  });

  it('ignores links in code and comments, and links with a scheme', () => {
    const md = '```md\n[a](nowhere.md)\n```\n`[b](nowhere.md)` <!-- [c](nowhere.md) -->\n[d](https://example.com/x) [e](mailto:a@b.c)\n';
    expect(markdownLinks(md).map((l) => l.target)).toEqual(['https://example.com/x', 'mailto:a@b.c']);
    expect(brokenLinks('/r/README.md', md, read)).toEqual([]);
  });

  it('reads images, titles and angle-bracket targets', () => {
    expect(markdownLinks('![p](config/a.png) [t](hec.md "title") [u](<my file.md>)').map((l) => l.target)).toEqual([
      'config/a.png',
      'hec.md',
      'my file.md',
    ]);
  });

  it('makes anchors the way GitHub does', () => {
    expect(githubSlug('Delivery to Splunk (HEC)')).toBe('delivery-to-splunk-hec');
    expect(githubSlug('Node.js 20 or newer on the host')).toBe('nodejs-20-or-newer-on-the-host');
    expect(githubSlug('snake_case and dash-case')).toBe('snake_case-and-dash-case');
    const anchors = markdownAnchors('# `proofpoint:ser:summary`\n## The demo (`npm start`)\n## Notes\n## Notes\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['proofpointsersummary', 'the-demo-npm-start', 'notes', 'notes-1']);
  });
});
