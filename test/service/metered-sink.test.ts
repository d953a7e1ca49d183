import { describe, expect, it } from 'vitest';
import type { SplunkEvent } from '../../src/core/event.js';
import type { CloseReport, Sink, SinkStats } from '../../src/core/sink.js';
import { MeteredSink } from '../../src/service/metered-sink.js';

/** A shared sink whose outcome and saturation the test sets. */
class ScriptedSink implements Sink {
  saturated = false;
  refuse = false;
  readonly got: SplunkEvent[] = [];
  async send(e: SplunkEvent): Promise<void> {
    if (this.refuse) throw new Error('HEC refused');
    this.got.push(e);
  }
  async sendAll(es: readonly SplunkEvent[]): Promise<void> {
    if (this.refuse) throw new Error('HEC refused');
    this.got.push(...es);
  }
  async flush(): Promise<void> {}
  async close(): Promise<CloseReport> {
    return { delivered: this.got.length, undelivered: 0 };
  }
  stats(): SinkStats {
    return { accepted: this.got.length, delivered: this.got.length, failed: 0, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}

const ev = (i: number): SplunkEvent => ({ time: i, sourcetype: 'mail:message', event: { i }, id: `id-${i}` });

describe("an input's metered view of the shared sink", () => {
  it('reports the shared sink saturated while it is, so the mail receiver in the service answers 503 at once', () => {
    const inner = new ScriptedSink();
    const metered = new MeteredSink(inner);
    expect(metered.saturated).toBe(false);
    inner.saturated = true;
    expect(metered.saturated).toBe(true);
    inner.saturated = false;
    expect(metered.saturated).toBe(false);
  });

  it("counts only this input's events, delivered and failed, and closing it leaves the shared sink open", async () => {
    const inner = new ScriptedSink();
    const a = new MeteredSink(inner);
    const b = new MeteredSink(inner);
    await a.sendAll([ev(1), ev(2), ev(3)]);
    await a.send(ev(4));
    await b.send(ev(5));
    inner.refuse = true;
    await expect(a.sendAll([ev(6), ev(7)])).rejects.toThrow('HEC refused');
    expect(a.stats()).toMatchObject({ accepted: 6, delivered: 4, failed: 2 });
    expect(b.stats()).toMatchObject({ accepted: 1, delivered: 1, failed: 0 });
    expect(a.lastDeliveredAt).toBeGreaterThan(0);
    expect(await a.close()).toEqual({ delivered: 4, undelivered: 0 });
    inner.refuse = false;
    await b.send(ev(8));
    expect(inner.got.map((e) => e.id)).toEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-8']);
  });
});
