import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { AddonError } from '../core/errors.js';

/** One search result: single values as strings, multivalue fields as arrays. */
export type ResultRow = Record<string, string | string[]>;

/**
 * Splunk's results.csv.gz keeps multivalue fields twice: the field joined by newlines and a
 * `__mv_<field>` column of `$v1$;$v2$` with `$$` for a literal `$`. Returns the values, or
 * undefined when the column is empty (single value).
 */
export function parseMultivalue(mv: string): string[] | undefined {
  if (!mv) return undefined;
  const out: string[] = [];
  let i = 0;
  while (i < mv.length) {
    if (mv[i] !== '$') return undefined;
    let v = '';
    i++;
    for (;;) {
      if (i >= mv.length) return undefined;
      if (mv[i] === '$' && mv[i + 1] === '$') {
        v += '$';
        i += 2;
      } else if (mv[i] === '$') {
        i++;
        break;
      } else v += mv[i++];
    }
    out.push(v);
    if (i < mv.length) {
      if (mv[i] !== ';') return undefined;
      i++;
    }
  }
  return out;
}

function toRow(record: Record<string, string>): ResultRow {
  const row: ResultRow = {};
  for (const [k, v] of Object.entries(record)) {
    if (k.startsWith('__mv_')) continue;
    row[k] = parseMultivalue(record[`__mv_${k}`] ?? '') ?? v;
  }
  return row;
}

function readError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message;
}

/** Streams the rows of a (gzipped) results CSV with a header row; memory stays one row deep. */
export async function* readResults(file: string): AsyncGenerator<ResultRow> {
  const source = createReadStream(file);
  const parser = parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true });
  const onError = (err: Error | null) => {
    if (err) parser.destroy(err);
  };
  if (file.endsWith('.gz')) pipeline(source, createGunzip(), parser, onError);
  else pipeline(source, parser, onError);
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) yield toRow(record);
  } catch (err) {
    throw new AddonError('SEND_RESULTS_UNREADABLE', `results_file ${file} cannot be read as gzipped CSV: ${readError(err)}`, { cause: err });
  } finally {
    source.destroy();
  }
}
