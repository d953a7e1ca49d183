import { describeError } from '../core/errors.js';
import type { Batch } from './batch.js';
import { HecEventRefusedError } from './errors.js';

/** Undelivered events grouped by error code, the first message of each kept: the closing report names every real cause. */
export class UndeliveredCauses {
  readonly #byCode = new Map<string, { events: number; message: string }>();

  note(err: unknown, events: number): void {
    if (events === 0) return;
    const code = (err as { code?: string }).code ?? 'ERROR';
    const c = this.#byCode.get(code);
    if (c) c.events += events;
    else this.#byCode.set(code, { events, message: describeError(err) });
  }

  list(): Array<{ events: number; message: string }> {
    return [...this.#byCode.values()];
  }
}

/** Event `i` of the batch as a refusal report: its id (from its JSON), its tag (line) and size. */
export function refusalOf(b: Batch, i: number, reason: string): HecEventRefusedError {
  const ev = b.event(i);
  let id = '(unknown id)';
  try {
    const o = JSON.parse(ev.json) as { fields?: { event_id?: unknown } };
    if (typeof o.fields?.event_id === 'string') id = o.fields.event_id;
  } catch {
    // the id only names the event in the report
  }
  return new HecEventRefusedError({ id, ...(ev.tag === undefined ? {} : { tag: ev.tag }), bytes: ev.bytes, reason });
}
