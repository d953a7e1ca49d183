import { XMLBuilder } from 'fast-xml-parser';
import { EVENT_ID_FIELD, type SplunkEvent } from '../core/event.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';

/**
 * Splunk's XML streaming output on stdout (`output = xml`): for admins who run the input
 * inside Splunk without a HEC token. splunkd indexes what it reads, so an event counts as
 * delivered once the pipe has taken it (the write callback; waiting for it is the back-pressure).
 * XML events carry no indexed fields: an object event gets `event_id` (and `fields`) in its
 * JSON body instead, so `| dedup event_id` still works with KV_MODE=json.
 */
export interface Writable {
  write(chunk: string, cb?: (err?: Error | null) => void): boolean;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, processEntities: true, suppressEmptyNode: true });

export function eventXml(e: SplunkEvent, stanza?: string): string {
  let data: string;
  if (typeof e.event === 'string') data = e.event;
  else data = JSON.stringify({ ...e.fields, ...e.event, [EVENT_ID_FIELD]: (e.event as Record<string, unknown>)[EVENT_ID_FIELD] ?? e.id });
  const ev: Record<string, unknown> = { '@_unbroken': '1' };
  if (stanza) ev['@_stanza'] = stanza;
  ev.time = e.time.toFixed(3);
  if (e.source !== undefined) ev.source = e.source;
  ev.sourcetype = e.sourcetype;
  if (e.index !== undefined) ev.index = e.index;
  if (e.host !== undefined) ev.host = e.host;
  ev.data = data;
  ev.done = '';
  // suppressEmptyNode turns done into <done/>.
  return builder.build({ event: ev }) as string;
}

export class XmlStreamSink implements Sink {
  readonly #out: Writable;
  readonly #stanza?: string;
  #opened = false;
  #closed = false;
  #accepted = 0;
  #delivered = 0;
  #failed = 0;

  constructor(out: Writable, stanza?: string) {
    this.#out = out;
    this.#stanza = stanza;
  }

  #write(chunk: string): Promise<void> {
    // The callback fires once the pipe took the chunk; waiting for it is the back-pressure.
    return new Promise((resolve, reject) => {
      this.#out.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }

  async send(event: SplunkEvent): Promise<void> {
    await this.sendAll([event]);
  }

  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    if (this.#closed) throw new Error('XML stream sink is closed');
    if (events.length === 0) return;
    this.#accepted += events.length;
    let chunk = '';
    if (!this.#opened) {
      this.#opened = true;
      chunk = '<stream>\n';
    }
    chunk += events.map((e) => eventXml(e, this.#stanza)).join('\n') + '\n';
    try {
      await this.#write(chunk);
    } catch (err) {
      this.#failed += events.length;
      throw err;
    }
    this.#delivered += events.length;
  }

  async flush(): Promise<void> {}

  async close(): Promise<CloseReport> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#opened) await this.#write('</stream>\n');
    }
    return { delivered: this.#delivered, undelivered: this.#accepted - this.#delivered };
  }

  stats(): SinkStats {
    return { accepted: this.#accepted, delivered: this.#delivered, failed: this.#failed, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}
