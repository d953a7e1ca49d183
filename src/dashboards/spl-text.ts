/**
 * Text-level pieces of the SPL reader: splitting a search into pipeline stages and
 * subsearches, top-level comma lists, field lists and the identifiers of an eval expression.
 */

/** Search keys that are not event fields (time modifiers, index selectors, data model names). */
export const SEARCH_KEYWORDS = new Set(['index', 'earliest', 'latest', 'eventtype', 'tag', 'sourcetype', 'source', 'host', 'splunk_server']);
export const EXPR_WORDS = new Set(['AND', 'OR', 'NOT', 'XOR', 'LIKE', 'IN', 'true', 'false', 'null', 'TRUE', 'FALSE', 'NULL', 'as', 'AS', 'by', 'BY']);
/** Options of transforming commands, written `key=value`, that are not fields. */
export const OPTION_KEYS = new Set([
  'span', 'limit', 'useother', 'usenull', 'otherstr', 'nullstr', 'current', 'window', 'global', 'allnum', 'reset_on_change',
  'time_window', 'partial', 'bins', 'minspan', 'start', 'end', 'aligntime', 'cont', 'fixedrange', 'showcount', 'showperc',
  'countfield', 'percentfield', 'keepempty', 'consecutive', 'value', 'delim', 'allowempty', 'max', 'summariesonly',
  'prestats', 'local', 'append', 'format', 'sep', 'agg', 'where', 'labelfield', 'label', 'fieldname', 'row', 'col',
  'timeformat', 'count', 'maxsearches', 'type', 'max_match', 'datamodel', 'allow_old_summaries', 'chunk_size',
]);

export function splitPipeline(spl: string): string[] {
  const stages: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i] as string;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < spl.length) cur += spl[++i];
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) {
      stages.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  stages.push(cur.trim());
  return stages.filter((s, i) => s !== '' || i === 0);
}

/** Replaces every `[ … ]` subsearch at top level with a placeholder and returns their bodies. */
export function liftSubsearches(stage: string): { text: string; subs: string[] } {
  const subs: string[] = [];
  let text = '';
  let depth = 0;
  let quote: string | null = null;
  let body = '';
  for (let i = 0; i < stage.length; i++) {
    const c = stage[i] as string;
    if (quote) {
      if (depth > 0) body += c;
      else text += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"') quote = c;
    if (c === '[') {
      if (depth > 0) body += c;
      depth++;
      continue;
    }
    if (c === ']' && depth > 0) {
      depth--;
      if (depth === 0) {
        subs.push(body.trim());
        body = '';
        text += ' __subsearch__ ';
      } else body += c;
      continue;
    }
    if (depth > 0) body += c;
    else text += c;
  }
  return { text, subs };
}

export const stripDoubleQuoted = (s: string): string => s.replace(/"(?:[^"\\]|\\.)*"/g, '""');
export const IDENT = /^[A-Za-z_][\w.{}:]*$/;

/** Fields read by an eval/where expression: single-quoted names and bare identifiers. */
export function exprFields(expr: string): string[] {
  const out: string[] = [];
  let s = stripDoubleQuoted(expr);
  s = s.replace(/'([^']+)'/g, (_m, name: string) => {
    out.push(name);
    return ' ';
  });
  const re = /[A-Za-z_][\w.{}]*(\s*\()?/g;
  for (const m of s.matchAll(re)) {
    const word = m[0].replace(/\s*\($/, '');
    if (m[1]) continue; // a function call
    const before = s[(m.index ?? 0) - 1];
    if (before !== undefined && /[\w.]/.test(before)) continue; // part of a number like 1e6 or 0.5
    if (EXPR_WORDS.has(word) || /^\d/.test(word)) continue;
    out.push(word);
  }
  return out;
}

/** Splits `a=1, b=if(x,1,2)` at top-level commas. */
export function splitTopLevel(s: string, sep = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const c of s) {
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Field list words: `a, b c` → [a, b, c], without wildcards, options or sort signs. */
export function fieldList(s: string): string[] {
  return s
    .replace(/\b\w+\s*=\s*("[^"]*"|\S+)/g, ' ')
    .split(/[\s,]+/)
    .map((w) => w.replace(/^[-+]/, ''))
    .map((w) => w.replace(/^(num|str|ip|auto)\((.+)\)$/, '$2'))
    .filter((w) => w !== '' && w !== '__subsearch__' && IDENT.test(w) && !w.includes('*') && !EXPR_WORDS.has(w));
}

