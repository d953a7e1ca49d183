import {
  EXPR_WORDS,
  exprFields,
  fieldList,
  IDENT,
  liftSubsearches,
  OPTION_KEYS,
  SEARCH_KEYWORDS,
  splitPipeline,
  splitTopLevel,
  stripDoubleQuoted,
} from './spl-text.js';

export { exprFields, splitPipeline };

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
      case 'rex': {
        const field = /\bfield\s*=\s*([\w.{}]+)/.exec(args)?.[1];
        if (field) read(field, command);
        for (const g of args.matchAll(/\(\?<([A-Za-z_]\w*)>/g)) create(g[1] as string);
        break;
      }
      case 'filldown':
        for (const f of fieldList(args)) read(f, command);
        break;
      case 'head':
      case 'tail':
      case 'reverse':
      case 'format':
      case 'outputlookup':
      case 'collect':
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
    const value = (m[3] as string).replace(/^"|"$/g, '');
    // A summary index's rows are told apart by source (ta_ser_mail:…): a scope like a sourcetype.
    if (key === 'sourcetype' || (key === 'source' && value.startsWith('ta_ser_mail:'))) sourcetype(value);
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
    body = body.replace(/\bfrom\s+datamodel\s*=\s*\S+/i, ' ');
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

