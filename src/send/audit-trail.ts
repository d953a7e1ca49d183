import { mkdir, open, stat } from 'node:fs/promises';
import { syncDir } from '../core/checkpoint.js';
import { dirname } from 'node:path';
import { AddonError, describeError } from '../core/errors.js';
import type { SplunkEvent } from '../core/event.js';
import type { Logger } from '../core/logger.js';
import type { Sink } from '../core/sink.js';

export interface AuditTrailOptions {
  /** The HEC sink, when a destination is configured and could be built. */
  sink?: Sink;
  /** JSON lines appended here (fsync'd) for every event HEC did not take; app inputs.conf monitors it. */
  fallbackFile: string;
  /** How long finish() waits for HEC before falling back. */
  deadlineMs: number;
  log?: Logger;
}

export interface AuditReport {
  delivered: number;
  toFile: number;
}

/**
 * One JSON object per line, `{"timestamp":"<ISO-8601 UTC>"` first: props.conf's TIME_PREFIX
 * anchors on exactly that. Written as text, because an object literal would put integer-like
 * keys of the body before `timestamp`.
 */
export function fallbackLine(e: SplunkEvent): string {
  const { timestamp: _dropped, ...body } = (typeof e.event === 'string' ? { message: e.event } : e.event) as Record<string, unknown>;
  // time is epoch seconds with a fraction: round, since e.g. 2155118249.522 * 1000 is 2155118249521.9998
  const head = `{"timestamp":${JSON.stringify(new Date(Math.round(e.time * 1000)).toISOString())}`;
  const rest = JSON.stringify(body).slice(1);
  return `${head}${rest === '}' ? '' : ','}${rest}\n`;
}

/**
 * Appends the lines and fsyncs them; when this creates the file, its folder is fsync'd too,
 * since a new file's name is durable only once its directory is.
 */
export async function appendFallback(file: string, events: readonly SplunkEvent[]): Promise<void> {
  if (events.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  const existed = await stat(file).then(() => true, () => false);
  const fh = await open(file, 'a', 0o640);
  try {
    // appendFile writes until every byte is out (a single write() may stop short).
    await fh.appendFile(events.map(fallbackLine).join(''), 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (!existed) await syncDir(dirname(file));
}

/**
 * Audit delivery that loses nothing: each event goes to HEC as soon as it exists (so HEC can
 * batch); at the end, whatever HEC did not confirm by the deadline is appended to the local
 * file. An event may then exist twice (HEC confirmed late): `event_id` removes that duplicate.
 */
export class AuditTrail {
  readonly #o: AuditTrailOptions;
  readonly #pending: Array<{ event: SplunkEvent; delivered: boolean }> = [];

  constructor(o: AuditTrailOptions) {
    this.#o = o;
  }

  /**
   * `durable: false` (the invocation record): delivered through HEC when it can be, never
   * written to the fallback file, whose lines all take the audit sourcetype; splunkd's own
   * sendmodalert line also records each invocation.
   */
  record(event: SplunkEvent, o: { durable?: boolean } = {}): void {
    const entry = { event, delivered: false };
    if (o.durable === false) {
      this.#o.sink?.send(event).catch(() => undefined);
      return;
    }
    this.#pending.push(entry);
    this.#o.sink?.send(event).then(
      () => {
        entry.delivered = true;
      },
      () => undefined,
    );
  }

  get count(): number {
    return this.#pending.length;
  }

  async finish(): Promise<AuditReport> {
    const { sink, deadlineMs, log } = this.#o;
    if (sink) {
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      try {
        await Promise.race([sink.close(deadlineMs), deadline]);
      } catch (err) {
        log?.warn(`audit delivery to HEC failed: ${describeError(err)}; writing audit events to ${this.#o.fallbackFile}`);
      }
    }
    // let the sink's settled send() promises run their callbacks before reading the flags
    await new Promise((r) => setImmediate(r));
    const missing = this.#pending.filter((p) => !p.delivered).map((p) => p.event);
    try {
      await appendFallback(this.#o.fallbackFile, missing);
    } catch (err) {
      throw new AddonError('SEND_AUDIT_LOST', `${missing.length} audit event(s) reached neither HEC nor ${this.#o.fallbackFile}: ${describeError(err)}`, { cause: err });
    }
    if (missing.length > 0 && sink) log?.warn(`${missing.length} audit event(s) written to ${this.#o.fallbackFile} instead of HEC`);
    return { delivered: this.#pending.length - missing.length, toFile: missing.length };
  }
}
