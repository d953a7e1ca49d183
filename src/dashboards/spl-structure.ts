import { liftSubsearches, splitPipeline, splitTopLevel } from './spl-text.js';

/**
 * The shape of a search, as a person checks it against a scenario worked out by hand: which
 * commands run in which order, what each transforming command groups by, which columns come
 * out at the end, and which time bounds it names. No Splunk runs here, so this is how a test
 * holds a shipped search to the rows a scenario expects. Input: macro-expanded SPL.
 */
export interface Stage {
  command: string;
  /** The text after the command name, subsearches replaced by `__subsearch__`. */
  args: string;
  /** stats/eventstats/streamstats/chart/timechart/top: the by (or over … by) fields, in order. */
  by: string[];
  /** Aggregations with their output names: `max(revision) as latest_revision` → {fn, arg, as}. */
  aggs: Array<{ fn: string; arg?: string; as: string }>;
  subsearches: Stage[][];
}

export interface Columns {
  /** Columns every row has, in order. */
  fixed: string[];
  /** A chart/timechart split: one more column per value of this field (`agg: value` with several aggregations). */
  splitBy?: string;
  /** False when the search ends in raw events (their columns are the events' fields). */
  known: boolean;
}

const GROUPING = new Set(['stats', 'eventstats', 'streamstats', 'chart', 'timechart', 'tstats', 'top', 'rare']);

export function parseStages(spl: string): Stage[] {
  return splitPipeline(spl).map((raw, i) => {
    const { text, subs } = liftSubsearches(raw);
    const m = /^\s*([A-Za-z_]\w*)\b([\s\S]*)$/.exec(text);
    let command = m?.[1] ?? '';
    let args = (m?.[2] ?? '').trim();
    if (i === 0 && !['search', 'tstats', 'makeresults', 'inputlookup'].includes(command)) {
      command = 'search';
      args = text.trim();
    }
    const stage: Stage = { command, args, by: [], aggs: [], subsearches: subs.map((s) => parseStages(s)) };
    if (GROUPING.has(command)) readGrouping(stage);
    return stage;
  });
}

function unquote(s: string): string {
  return s.trim().replace(/^"(.*)"$/, '$1');
}

function readGrouping(stage: Stage): void {
  let body = stage.args.replace(/\bwhere\b[\s\S]*?(?=\bby\b|$)/i, ' ').replace(/\bfrom\s+datamodel\s*=\s*\S+/i, ' ');
  body = body.replace(/\b(span|limit|useother|usenull|current|window|global|countfield|percentfield|showperc|summariesonly|allow_old_summaries|max|bins|cont)\s*=\s*\S+/gi, ' ');
  const over = /\bover\s+([\w.{}]+)/i.exec(body);
  const byIdx = body.search(/\bby\b/i);
  const aggPart = body.slice(0, over ? over.index : byIdx >= 0 ? byIdx : body.length);
  const byPart = byIdx >= 0 ? body.slice(byIdx).replace(/^by\b/i, '') : '';
  if (over) stage.by.push(over[1] as string);
  stage.by.push(...byPart.split(/[\s,]+/).map(unquote).filter((w) => w !== ''));
  if (stage.command === 'top' || stage.command === 'rare') {
    stage.by.unshift(...aggPart.split(/[\s,]+/).filter((w) => w !== ''));
    stage.aggs.push({ fn: 'count', as: /countfield\s*=\s*(\w+)/.exec(stage.args)?.[1] ?? 'count' }, { fn: 'percent', as: 'percent' });
    return;
  }
  for (const part of splitTopLevel(aggPart.replace(/\)\s+(?=[A-Za-z_]\w*\s*\()/g, '), '))) {
    const a = /^([A-Za-z_]\w*)\s*(?:\(([\s\S]*)\))?\s*(?:as\s+("[^"]+"|[\w.{}]+))?$/i.exec(part.trim());
    if (!a) continue;
    const fn = a[1] as string;
    const arg = a[2];
    stage.aggs.push({ fn, arg, as: a[3] ? unquote(a[3]) : arg !== undefined ? `${fn}(${arg})` : fn });
  }
}

/** The grouping steps in order, as `command(aggs) by a, b` strings: what a scenario states. */
export function groupings(stages: Stage[]): string[] {
  const out: string[] = [];
  for (const s of stages) {
    // An appended or joined subsearch runs where it stands in the pipeline.
    for (const sub of s.subsearches) out.push(...groupings(sub));
    if (GROUPING.has(s.command)) out.push(s.by.length ? `${s.command} by ${s.by.join(', ')}` : s.command);
  }
  return out;
}

/** `relative_time`-style bounds named inside the search (`earliest=-7d@d`). */
export function inlineTimeBounds(stages: Stage[]): { earliest?: string; latest?: string } {
  const out: { earliest?: string; latest?: string } = {};
  for (const s of stages.filter((x) => x.command === 'search')) {
    const e = /\bearliest\s*=\s*(\S+)/.exec(s.args)?.[1];
    const l = /\blatest\s*=\s*(\S+)/.exec(s.args)?.[1];
    if (e) out.earliest = e;
    if (l) out.latest = l;
  }
  return out;
}

const fieldWords = (s: string): string[] =>
  s
    .split(/[\s,]+/)
    .map(unquote)
    .filter((w) => w !== '' && w !== '-' && w !== '+');

/** The columns the search returns, followed through every stage. */
export function outputColumns(stages: Stage[]): Columns {
  let cols: string[] | null = null;
  let splitBy: string | undefined;
  const add = (names: string[]) => {
    if (!cols) return;
    for (const n of names) if (!cols.includes(n)) cols.push(n);
  };
  for (const s of stages) {
    switch (s.command) {
      case 'stats':
      case 'tstats':
      case 'top':
      case 'rare':
        cols = [...s.by, ...s.aggs.map((a) => a.as)];
        splitBy = undefined;
        break;
      case 'chart':
      case 'timechart': {
        const [overField, splitField] = s.command === 'timechart' ? ['_time', s.by[0]] : [s.by[0] as string, s.by[1]];
        cols = [overField as string];
        splitBy = splitField;
        if (!splitBy) cols.push(...s.aggs.map((a) => a.as));
        break;
      }
      case 'eventstats':
      case 'streamstats':
        add(s.aggs.map((a) => a.as));
        break;
      case 'eval':
        add(splitTopLevel(s.args).flatMap((p) => {
          const m = /^\s*("[^"]+"|[A-Za-z_][\w.{}]*)\s*=(?!=)/.exec(p);
          return m ? [unquote(m[1] as string)] : [];
        }));
        break;
      case 'rename':
        for (const p of splitTopLevel(s.args)) {
          const m = /^\s*("[^"]+"|\S+)\s+as\s+("[^"]+"|\S+)\s*$/i.exec(p);
          if (!m || !cols) continue;
          const from = unquote(m[1] as string);
          const to = unquote(m[2] as string);
          cols = cols.map((c) => (c === from ? to : c));
        }
        break;
      case 'fields': {
        const minus = /^-\s/.test(s.args);
        const names = fieldWords(s.args.replace(/^[-+]\s/, ''));
        if (minus) cols = cols ? cols.filter((c) => !names.includes(c)) : cols;
        else {
          cols = names;
          splitBy = undefined;
        }
        break;
      }
      case 'table':
        cols = fieldWords(s.args);
        splitBy = undefined;
        break;
      case 'untable': {
        const [x, name, value] = fieldWords(s.args);
        cols = [x as string, name as string, value as string];
        splitBy = undefined;
        break;
      }
      case 'append':
      case 'join': {
        const sub = s.subsearches[0];
        if (sub) add(outputColumns(sub).fixed);
        break;
      }
      case 'rex':
        add([...s.args.matchAll(/\(\?<([A-Za-z_]\w*)>/g)].map((m) => m[1] as string));
        break;
      case 'spath': {
        const out = /\boutput\s*=\s*([\w.{}]+)/.exec(s.args)?.[1];
        if (out) add([out]);
        break;
      }
      default:
        break; // search, where, sort, head, dedup, mvexpand, fillnull, bin, collect, …: same columns
    }
  }
  return { fixed: cols ?? [], splitBy, known: cols !== null };
}
