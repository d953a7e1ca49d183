import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM build script without types
import { buildConfigPage, bundledPackages } from '../../scripts/build-config-page.mjs';

/**
 * Only packages whose licence allows redistribution go into the page bundle the app ships, and
 * no bundled file carries a "confidential" notice (some @splunk packages do: those stay out).
 * Decided from esbuild's own list of bundled files, not from a list kept by hand.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALLOWED = new Set(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD', 'CC0-1.0', 'Unlicense', 'BlueOak-1.0.0']);
// What each allowed licence's text says; a LICENSE file must read like one of them.
const TEXTS = [/Permission is hereby granted, free of charge/i, /Apache License[\s\S]*Version 2\.0/i, /Redistribution and use (of this software )?in source and binary forms/i, /Permission to use, copy, modify, and\/or distribute/i];

interface Bundled {
  dir: string;
  name: string;
  version: string;
  license: string;
  licenseText: string;
  licenseFile: string;
}
interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** An SPDX expression is acceptable when every AND-ed part, and one OR-ed part, is allowed. */
export function redistributable(expression: string): boolean {
  const e = expression.replace(/[()]/g, ' ').trim();
  if (e === '') return false;
  if (/\sAND\s/.test(e)) return e.split(/\s+AND\s+/).every(redistributable);
  return e.split(/\s+OR\s+/).some((id) => ALLOWED.has(id.trim()));
}

let outdir: string;
let metafile: Metafile;
let packages: Bundled[];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-bundle-'));
  metafile = (await buildConfigPage({ outdir })) as Metafile;
  packages = bundledPackages(metafile) as Bundled[];
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('configuration page bundle licences', () => {
  it('knows the SPDX rules it applies', () => {
    expect(redistributable('MIT')).toBe(true);
    expect(redistributable('(MIT OR GPL-3.0)')).toBe(true);
    expect(redistributable('MIT AND GPL-3.0')).toBe(false);
    expect(redistributable('SEE LICENSE IN LICENSE')).toBe(false);
    expect(redistributable('UNLICENSED')).toBe(false);
    expect(redistributable('')).toBe(false);
  });

  it('bundles React, Splunk\'s design system and the shared zod schemas', () => {
    const names = new Set(packages.map((p) => p.name));
    for (const n of ['react', 'react-dom', '@splunk/react-ui', '@splunk/themes', '@splunk/splunk-utils', 'zod']) expect(names).toContain(n);
    const own = Object.keys(metafile.inputs).filter((f) => !f.includes('node_modules/'));
    for (const f of ['src/ser/config.ts', 'src/hec/config.ts', 'src/send/config.ts', 'src/core/proxy-config.ts', 'src/core/logging-config.ts']) expect(own).toContain(f);
    // Browser-safe by agreement: nothing of Node's runtime clients may come along.
    expect(packages.map((p) => p.name).filter((n) => ['undici', 'pino', 'commander'].includes(n))).toEqual([]);
  });

  it('bundles only packages whose licence allows redistribution', () => {
    const refused = packages.filter((p) => !redistributable(p.license)).map((p) => `${p.name}@${p.version}: ${p.license || 'no licence declared'}`);
    expect(refused).toEqual([]);
    // Every package's notice ships with it: a licence text for each, and one that reads like
    // an allowed licence.
    expect(packages.filter((p) => p.licenseText.trim() === '').map((p) => p.name)).toEqual([]);
    const unlike = packages.filter((p) => !TEXTS.some((t) => t.test(p.licenseText))).map((p) => p.name);
    expect(unlike).toEqual([]);
  });

  it('ships MIT\'s text under the package\'s own copyright line when a package has no LICENSE file', () => {
    const missing = packages.filter((p) => p.licenseFile === '');
    for (const p of missing) {
      expect(p.license, p.name).toBe('MIT');
      expect(p.licenseText, p.name).toMatch(/^MIT License\n\nCopyright .+\n\nPermission is hereby granted/);
    }
    // styled-components 5 ships none; its README names the holders.
    const sc = packages.find((p) => p.name === 'styled-components');
    if (sc?.licenseFile === '') expect(sc.licenseText).toContain('Glen Maddern and Maximilian Stoiber');
  });

  it('bundles no file that calls itself confidential', () => {
    const files = [...Object.keys(metafile.inputs).map((f) => join(ROOT, f)), join(outdir, 'page.js')];
    expect(files.length).toBeGreaterThan(100);
    const marked = files.filter((f) => /confidential/i.test(readFileSync(f, 'utf8')));
    expect(marked).toEqual([]);
  });

  it('ships every bundled package\'s licence in THIRD-PARTY-NOTICES.txt', () => {
    const notices = readFileSync(join(outdir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const p of packages) expect(notices).toContain(`${p.name} ${p.version} (${p.license})`);
  });
});
