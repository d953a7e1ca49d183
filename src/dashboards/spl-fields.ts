/**
 * A pragmatic reader of the SPL the app ships: not a parser of the language, but enough to
 * list which sourcetypes, macros and fields a search reads and which names it creates
 * (`as`, `eval x=`, `rename … as`), in pipeline order. The consistency test uses it to prove
 * every name a dashboard or saved search relies on is one the code emits or a .conf defines.
 * Commands it does not know are reported, so a new command cannot slip past unread.
 */
export interface FieldUse {
  /** A field the search reads, with the index of the pipeline stage that reads it. */
  reads: Array<{ field: string; stage: number; command: string }>;
  /** Names the search creates, with the stage that creates them. */
  creates: Array<{ field: string; stage: number }>;
  sourcetypes: string[];
  macros: string[];
  unknownCommands: string[];
  /** Subsearches, read in their own scope; `stage` is where they sit in this pipeline. */
  subsearches: Array<FieldUse & { stage: number }>;
}

/** Search keys that are not event fields (time modifiers, index selectors, data model names). */
const SEARCH_KEYWORDS = new Set(['index', 'earliest', 'latest', 'eventtype', 'tag', 'sourcetype', 'source', 'host', 'splunk_server']);
const EXPR_WORDS = new Set(['AND', 'OR', 'NOT', 'XOR', 'LIKE', 'IN', 'true', 'false', 'null', 'TRUE', 'FALSE', 'NULL', 'as', 'AS', 'by', 'BY']);
/** Options of transforming commands, written `key=value`, that are not fields. */
const OPTION_KEYS = new Set([
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
function liftSubsearches(stage: string): { text: string; subs: string[] } {
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

const stripDoubleQuoted = (s: string): string => s.replace(/"(?:[^"\\]|\\.)*"/g, '""');
const IDENT = /^[A-Za-z_][\w.{}:]*$/;

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
function splitTopLevel(s: string, sep = ','): string[] {
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
function fieldList(s: string): string[] {
  return s
    .replace(/\b\w+\s*=\s*("[^"]*"|\S+)/g, ' ')
    .split(/[\s,]+/)
    .map((w) => w.replace(/^[-+]/, ''))
    .map((w) => w.replace(/^(num|str|ip|auto)\((.+)\)$/, '$2'))
    .filter((w) => w !== '' && w !== '__subsearch__' && IDENT.test(w) && !w.includes('*') && !EXPR_WORDS.has(w));
}

export function readFields(spl: string): FieldUse {
  const use: FieldUse = { reads: [], creates: [], sourcetypes: [], macros: [], unknownCommands: [], subsearches: [] };
  for (const m of spl.matchAll(/`([^`(]+)(?:\(([^`]*)\))?`/g)) {
    const args = m[2] === undefined ? 0 : splitTopLevel(m[2]).length;
    use.macros.push(args ? `${m[1]}(${args})` : (m[1] as string));
  }
  const stages = splitPipeline(spl);
  stages.forEach((raw, stage) => {
    const { text, subs } = liftSubsearches(raw);
    for (const sub of subs) use.subsearches.push({ ...readFields(sub), stage });
    const read = (field: string, command: string) => use.reads.push({ field, stage, command });
    const create = (field: string) => use.creates.push({ field, stage });
    const m = /^\s*([A-Za-z_]\w*)\b([\s\S]*)$/.exec(text);
    let command = m?.[1] ?? '';
    let args = m?.[2] ?? '';
    const isFirst = stage === 0;
    if (isFirst && command !== 'search' && command !== 'tstats' && command !== 'makeresults' && command !== 'inputlookup') {
      command = 'search';
      args = text;
    }
    switch (command) {
      case 'search':
        readSearchTerms(args, (f) => read(f, command), (st) => use.sourcetypes.push(st));
        break;
      case 'where':
        for (const f of exprFields(args)) read(f, command);
        break;
      case 'eval':
      case 'fieldformat':
        for (const part of splitTopLevel(args)) {
          const eq = /^\s*("[^"]+"|'[^']+'|[A-Za-z_][\w.{}]*)\s*=(?!=)([\s\S]*)$/.exec(part);
          if (!eq) continue;
          for (const f of exprFields(eq[2] as string)) read(f, command);
          create((eq[1] as string).replace(/^["']|["']$/g, ''));
        }
        break;
      case 'stats':
      case 'eventstats':
      case 'streamstats':
      case 'chart':
      case 'timechart':
      case 'tstats':
        readStats(command, args, (f) => read(f, command), create, (st) => use.sourcetypes.push(st));
        break;
      case 'top':
      case 'rare': {
        const [fieldsPart, byPart] = args.split(/\bby\b/i);
        for (const f of fieldList(fieldsPart ?? '')) read(f, command);
        for (const f of fieldList(byPart ?? '')) read(f, command);
        const cf = /countfield\s*=\s*(\w+)/.exec(args)?.[1] ?? 'count';
        create(cf);
        create('percent');
        break;
      }
      case 'table':
      case 'fields':
      case 'dedup':
      case 'sort':
      case 'mvexpand':
      case 'fillnull':
      case 'makemv':
      case 'nomv':
      case 'mvcombine':
      case 'xyseries':
        for (const f of fieldList(args.replace(/\bsortby\b/, ' '))) read(f, command);
        break;
      case 'bin':
      case 'bucket': {
        const as = /\bas\s+(\w+)/i.exec(args);
        for (const f of fieldList(args.replace(/\bas\s+\w+/i, ''))) read(f, command);
        if (as) create(as[1] as string);
        break;
      }
      case 'rename':
        for (const part of splitTopLevel(args)) {
          const r = /^\s*("[^"]+"|\S+)\s+as\s+("[^"]+"|\S+)\s*$/i.exec(part);
          if (!r) continue;
          const from = (r[1] as string).replace(/"/g, '');
          if (!from.includes('*')) read(from, command);
          create((r[2] as string).replace(/"/g, ''));
        }
        break;
      case 'untable': {
        const [x, name, value] = fieldList(args);
        if (x) read(x, command);
        if (name) create(name);
        if (value) create(value);
        break;
      }
      case 'addtotals':
        create(/fieldname\s*=\s*(\w+)/.exec(args)?.[1] ?? 'Total');
        break;
      case 'addinfo':
        for (const f of ['info_min_time', 'info_max_time', 'info_search_time', 'info_sid']) create(f);
        break;
      case 'makeresults':
        create('_time');
        break;
      case 'return':
        for (const f of fieldList(args.replace(/\$/g, ''))) read(f, command);
        break;
      case 'join':
      case 'append':
      case 'appendcols':
        for (const f of fieldList(args.replace(/__subsearch__/g, ' '))) read(f, command);
        break;
      case 'spath': {
        const input = /\binput\s*=\s*([\w.{}]+)/.exec(args)?.[1];
        const output = /\boutput\s*=\s*([\w.{}]+)/.exec(args)?.[1];
        const path = /\bpath\s*=\s*("[^"]+"|[\w.{}]+)/.exec(args)?.[1]?.replace(/"/g, '');
        if (input) read(input, command);
        else if (path) read(path, command);
        if (output) create(output);
        break;
      }
      case 'head':
      case 'tail':
      case 'reverse':
      case 'format':
      case 'outputlookup':
        break;
      default:
        use.unknownCommands.push(command);
    }
  });
  return use;
}

/** `fn(arg) as name`, `count`, … with balanced parentheses, in order. */
function aggregations(s: string): Array<{ fn: string; arg?: string; as?: string }> {
  const out: Array<{ fn: string; arg?: string; as?: string }> = [];
  let i = 0;
  while (i < s.length) {
    const m = /[A-Za-z_]\w*/y;
    m.lastIndex = i;
    const word = m.exec(s);
    if (!word) {
      i++;
      continue;
    }
    i = m.lastIndex;
    const item: { fn: string; arg?: string; as?: string } = { fn: word[0] };
    let j = i;
    while (s[j] === ' ') j++;
    if (s[j] === '(') {
      let depth = 0;
      let k = j;
      let quote = false;
      for (; k < s.length; k++) {
        const c = s[k];
        if (c === '"') quote = !quote;
        if (quote) continue;
        if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      item.arg = s.slice(j + 1, k);
      i = k + 1;
    }
    const as = /\s+as\s+("[^"]+"|[\w.{}]+)/iy;
    as.lastIndex = i;
    const asM = as.exec(s);
    if (asM) {
      item.as = (asM[1] as string).replace(/"/g, '');
      i = as.lastIndex;
    }
    out.push(item);
  }
  return out;
}

function readSearchTerms(args: string, read: (f: string) => void, sourcetype: (st: string) => void): void {
  const s = args.replace(/__subsearch__/g, ' ');
  for (const m of s.matchAll(/(?:^|[\s(])([A-Za-z_][\w.{}:]*)\s*(!=|<=|>=|=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s)]+)/g)) {
    const key = m[1] as string;
    if (key === 'sourcetype') sourcetype((m[3] as string).replace(/^"|"$/g, ''));
    if (!SEARCH_KEYWORDS.has(key)) read(key);
  }
  for (const m of stripDoubleQuoted(s).matchAll(/(?:^|[\s(])([A-Za-z_][\w.{}]*)\s+IN\s*\(/g)) {
    if (!SEARCH_KEYWORDS.has(m[1] as string)) read(m[1] as string);
  }
}

function readStats(
  command: string,
  args: string,
  read: (f: string) => void,
  create: (f: string) => void,
  sourcetype: (st: string) => void,
): void {
  let body = args;
  if (command === 'tstats') {
    const where = /\bwhere\b([\s\S]*?)(?=\bby\b|$)/i.exec(body);
    if (where) readSearchTerms(where[1] as string, read, sourcetype);
    body = body.replace(/\bwhere\b[\s\S]*?(?=\bby\b|$)/i, ' ');
  }
  const byIdx = body.search(/\b(by|over)\b/i);
  const aggPart = byIdx >= 0 ? body.slice(0, byIdx) : body;
  const groupPart = byIdx >= 0 ? body.slice(byIdx) : '';
  const agg = aggPart.replace(new RegExp(`\\b(${[...OPTION_KEYS].join('|')})\\s*=\\s*("[^"]*"|\\S+)`, 'g'), ' ');
  // Each aggregation: fn(arg) [as name] | count [as name]; arguments may nest (sum(eval(if(…)))).
  for (const a of aggregations(agg)) {
    if (EXPR_WORDS.has(a.fn)) continue;
    const inner = a.arg?.trim();
    if (inner !== undefined) {
      if (/^eval\s*\(/.test(inner)) for (const f of exprFields(inner.replace(/^eval\s*\(/, '').slice(0, -1))) read(f);
      else if (inner !== '' && IDENT.test(inner)) read(inner);
    }
    create(a.as ?? (inner !== undefined ? `${a.fn}(${inner})` : a.fn));
  }
  for (const f of fieldList(groupPart.replace(/\b(by|over)\b/gi, ' '))) read(f);
}

