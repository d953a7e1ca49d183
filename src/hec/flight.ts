import type { Batch } from './batch.js';

/**
 * What the sink has in flight: batches whose request(s) are under way (their count is capped
 * by max_in_flight), and batches HEC accepted whose ack is pending. The bytes of both count as
 * in flight (the rest of the memory gate's bytes are queued).
 */
export class Flight {
  /** Batches whose request(s) are under way (the sink's delivery of them is running). */
  readonly flying = new Set<Batch>();
  /** Batches HEC accepted whose ack is pending (their bytes count as in flight). */
  readonly awaitingAck = new Set<Batch>();
  /** Batches on the wire now, held under max_in_flight. */
  count = 0;
  /** Bytes of the batches on the wire and of those awaiting their ack. */
  bytes = 0;

  /** A batch takes off: its requests start. */
  start(b: Batch): void {
    this.flying.add(b);
    this.count++;
    this.bytes += b.bytes;
  }

  /** A batch's requests are over (settled, failed, or now awaiting its ack). */
  land(b: Batch): void {
    this.flying.delete(b);
    this.count--;
    this.bytes -= b.bytes;
  }

  /** HEC accepted the batch with an ack id: awaiting its ack, it is still in flight. */
  awaitAck(b: Batch): void {
    this.bytes += b.bytes;
    this.awaitingAck.add(b);
  }

  /** Drops the batch from the ack bookkeeping; false when it had already left it. */
  ackDone(b: Batch): boolean {
    if (!this.awaitingAck.delete(b)) return false;
    this.bytes -= b.bytes;
    return true;
  }
}
