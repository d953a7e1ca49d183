import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SOURCETYPES } from '../core/sourcetypes.js';

export interface ReceivedEvents {
  /** Distinct event ids per sourcetype, as recorded by the HEC simulator. */
  perSourcetype: Record<string, number>;
  /** Lines in the file (duplicates included: at-least-once delivery may repeat an event). */
  lines: number;
  distinct: number;
  /** The send audit events (there is one per send outcome). */
  audits: Array<Record<string, unknown>>;
}

/** Reads what HEC accepted: the simulator's JSONL record, one accepted event per line. */
export async function readReceived(file: string): Promise<ReceivedEvents> {
  const ids = new Map<string, Set<string>>();
  const audits: Array<Record<string, unknown>> = [];
  let lines = 0;
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    lines++;
    const e = JSON.parse(line) as { sourcetype?: string; fields?: { event_id?: string }; event?: unknown };
    const st = e.sourcetype ?? '(none)';
    const id = e.fields?.event_id ?? `line-${lines}`;
    if (!ids.has(st)) ids.set(st, new Set());
    const seen = ids.get(st)!;
    if (st === SOURCETYPES.sendAudit && !seen.has(id)) audits.push(e.event as Record<string, unknown>);
    seen.add(id);
  }
  const perSourcetype: Record<string, number> = {};
  // Known sourcetypes first, in their documented order, then anything else.
  for (const st of [...Object.values(SOURCETYPES), ...ids.keys()]) if (ids.has(st) && !(st in perSourcetype)) perSourcetype[st] = ids.get(st)!.size;
  return { perSourcetype, lines, distinct: Object.values(perSourcetype).reduce((a, b) => a + b, 0), audits };
}

/** The summary table's rows: `  <sourcetype padded>  <count>`; the demo test parses these lines. */
export function formatCounts(r: ReceivedEvents): string[] {
  const width = Math.max(...Object.keys(r.perSourcetype).map((k) => k.length), 'total'.length);
  return [...Object.entries(r.perSourcetype).map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(6)}`), `  ${'total'.padEnd(width)}  ${String(r.distinct).padStart(6)}`];
}
