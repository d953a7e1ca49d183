import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layering rule of docs/ARCHITECTURE.md, checked over the import graph:
 * - a source (ser, mail, send) or the sink (hec) never imports another of those four folders;
 * - core imports nothing of the program outside core;
 * - nothing in src/ imports outside src/ (tools/ and test/ never ship), except package.json (the version).
 * Imports are read by the TypeScript compiler's own pre-processor (static imports, re-exports,
 * `import()` and `import type` alike), not by a regular expression.
 */
export const PEERS = ['ser', 'mail', 'send', 'hec'] as const;

export interface ImportEdge {
  /** Importing file, relative to src/ with forward slashes, e.g. `ser/client.ts`. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Resolved target relative to src/ (may start with `../` when it leaves src/); undefined for packages. */
  to: string | undefined;
}

export interface Violation {
  edge: ImportEdge;
  rule: string;
}

const topFolder = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : '');

/** Every relative import of one file's text. */
export function importsOf(from: string, text: string): ImportEdge[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.')) return { from, specifier, to: undefined };
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return { from, specifier, to };
  });
}

export function violations(edges: ImportEdge[]): Violation[] {
  const out: Violation[] = [];
  for (const edge of edges) {
    const fromTop = topFolder(edge.from);
    if (edge.to === undefined) continue;
    if (edge.to.startsWith('../')) {
      // The version number is data; tools/ and test/ never ship, so the program never reaches them.
      if (edge.to !== '../package.json') out.push({ edge, rule: `src/ must not import outside src/ (${edge.to.slice(3)})` });
      continue;
    }
    const toTop = topFolder(edge.to) || edge.to;
    if (fromTop === toTop) continue;
    if ((PEERS as readonly string[]).includes(fromTop) && (PEERS as readonly string[]).includes(toTop)) {
      out.push({ edge, rule: `${fromTop}/ must not import ${toTop}/: sources and the sink only meet in the wiring (splunk, service, commands) and share core/` });
    } else if (fromTop === 'core') {
      out.push({ edge, rule: `core/ imports only core/ (this import reaches ${toTop})` });
    }
  }
  return out;
}

/** All .ts/.tsx files under `dir`, relative to it. */
export function sourceFiles(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) return sourceFiles(dir, rel);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

export function importGraph(srcDir: string): ImportEdge[] {
  return sourceFiles(srcDir).flatMap((rel) => importsOf(rel, readFileSync(path.join(srcDir, rel), 'utf8')));
}

export const describeViolation = (v: Violation): string => `src/${v.edge.from} imports '${v.edge.specifier}': ${v.rule}`;
