import { stripDoubleQuoted } from './spl-text.js';

/**
 * Function names Splunk knows (Search Reference: evaluation functions and statistical and
 * charting functions). A misspelt or invented function fails only when the search runs in
 * Splunk; this list lets a test catch it here. Extend it when a search needs another one.
 */
export const EVAL_FUNCTIONS = new Set([
  'abs', 'acos', 'asin', 'atan', 'atan2', 'case', 'ceiling', 'cidrmatch', 'coalesce', 'cos', 'exact', 'exp', 'false', 'floor',
  'if', 'in', 'isbool', 'isint', 'isnotnull', 'isnull', 'isnum', 'isstr', 'json_extract', 'json_object', 'len', 'like', 'ln',
  'log', 'lower', 'ltrim', 'match', 'max', 'md5', 'min', 'mvappend', 'mvcount', 'mvdedup', 'mvfilter', 'mvfind', 'mvindex',
  'mvjoin', 'mvmap', 'mvrange', 'mvsort', 'mvzip', 'now', 'null', 'nullif', 'pi', 'pow', 'printf', 'random', 'relative_time',
  'replace', 'round', 'rtrim', 'searchmatch', 'sha1', 'sha256', 'sigfig', 'spath', 'split', 'sqrt', 'strftime', 'strptime',
  'substr', 'time', 'tonumber', 'tostring', 'trim', 'true', 'typeof', 'upper', 'urldecode', 'validate',
]);

export const STATS_FUNCTIONS = new Set([
  'avg', 'count', 'dc', 'distinct_count', 'earliest', 'earliest_time', 'estdc', 'first', 'last', 'latest', 'latest_time',
  'list', 'max', 'mean', 'median', 'min', 'mode', 'per_day', 'per_hour', 'per_minute', 'per_second', 'perc', 'range',
  'rate', 'stdev', 'sum', 'sumsq', 'values', 'var',
  // sum(eval(...)) and count(eval(...)): eval( inside a statistical function
  'eval',
]);

/** Names called as functions in an SPL text (quoted strings and macro names skipped) that Splunk does not know. */
export function unknownFunctions(spl: string): string[] {
  const text = stripDoubleQuoted(spl).replace(/`[^`]*`/g, '');
  const unknown = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.$'{])([A-Za-z_]\w*)\s*\(/g)) {
    const name = m[1]!;
    const lower = name.toLowerCase();
    if (/^(AND|OR|NOT|XOR|IN|by|BY|as|AS)$/.test(name)) continue;
    if (/^perc\d+$|^p\d+$|^exactperc\d+$|^upperperc\d+$/.test(lower)) continue;
    if (!EVAL_FUNCTIONS.has(lower) && !STATS_FUNCTIONS.has(lower)) unknown.add(name);
  }
  return [...unknown];
}
