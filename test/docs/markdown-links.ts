import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Just enough Markdown to check the links between README.md and docs/*.md: the links and
 * headings outside code (fenced blocks, code spans, HTML comments), and the anchors GitHub
 * gives headings. No Markdown library is a declared dependency, and these documents use only
 * ATX headings and inline links, so a small reader suffices; its unit tests pin each rule.
 */

export interface Link {
  line: number;
  target: string;
}

/** Lines of prose: fenced code blocks and HTML comments are blanked (line numbers kept). */
function proseLines(markdown: string): string[] {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  let comment = false;
  return lines.map((line) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (open && open[1]!.startsWith(fence)) fence = undefined;
      return '';
    }
    if (open) {
      fence = open[1]!;
      return '';
    }
    let out = '';
    let rest = line;
    while (rest) {
      if (comment) {
        const end = rest.indexOf('-->');
        if (end < 0) return out;
        comment = false;
        rest = rest.slice(end + 3);
      } else {
        const start = rest.indexOf('<!--');
        if (start < 0) return out + rest;
        out += rest.slice(0, start);
        comment = true;
        rest = rest.slice(start + 4);
      }
    }
    return out;
  });
}

/** A line without its code spans (a run of n backticks closes at the next run of exactly n). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (m) => ' '.repeat(m.length));
}

/** Inline links and images: `[text](target)`, `![alt](target "title")`, `[t](<target>)`. */
export function markdownLinks(markdown: string): Link[] {
  const out: Link[] = [];
  proseLines(markdown).forEach((raw, i) => {
    const line = withoutCodeSpans(raw);
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!.startsWith('<') ? m[1]!.slice(1, -1) : m[1]!;
      out.push({ line: i + 1, target });
    }
  });
  return out;
}

/** The text a heading renders to: code spans kept as text, emphasis and link syntax dropped. */
function headingText(source: string): string {
  return source
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__|\*)(\S[\s\S]*?)\1/g, '$2')
    .replace(/<[^>]+>/g, (tag) => (/^<[a-z/!]/i.test(tag) && !tag.includes(' ') && !tag.includes('.') ? '' : tag))
    .trim();
}

/** GitHub's anchor for a heading text: lower case, punctuation other than - and _ removed, spaces to -. */
export function githubSlug(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** Every anchor a document offers: its headings' slugs, repeats numbered -1, -2 … as GitHub does. */
export function markdownAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(markdown)) {
    const m = /^ {0,3}#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const slug = githubSlug(headingText(m[1]!));
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/**
 * The broken relative links of one document: a target file that does not exist, or an
 * `#anchor` that is no heading of the Markdown file it points at. Links with a scheme
 * (https:, mailto:) are not followed. `read` is injectable so a unit test can use strings.
 */
export function brokenLinks(
  file: string,
  markdown: string,
  read: (file: string) => string | undefined = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined),
): string[] {
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const hash = target.indexOf('#');
    const filePart = decodeURI(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${file}:${line}: ${target}`;
    const resolved = filePart === '' ? file : path.join(path.dirname(file), filePart);
    const text = filePart === '' ? markdown : read(resolved);
    if (text === undefined && !existsSync(resolved)) {
      problems.push(`${where}: no file ${filePart}`);
      continue;
    }
    if (anchor === undefined || !resolved.endsWith('.md')) continue;
    if (!markdownAnchors(text ?? '').has(anchor)) problems.push(`${where}: no heading with anchor #${anchor} in ${filePart || 'this file'}`);
  }
  return problems;
}
