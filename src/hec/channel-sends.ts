/**
 * Sends on the wire per channel whose reply is not yet handled. An ack poll that may meet an
 * ack id HEC handed out again after a restart waits for them (see AckTracker): the reply that
 * carries the reused id is read first, so a "true" never answers for the wrong batch.
 */
export class ChannelSends {
  readonly #sending = new Map<string, Set<Promise<void>>>();

  /** Registers one send on `channel`; call the returned function once its reply is handled. */
  track(channel: string): () => void {
    let done!: () => void;
    const p = new Promise<void>((resolve) => (done = resolve));
    let set = this.#sending.get(channel);
    if (!set) this.#sending.set(channel, (set = new Set()));
    set.add(p);
    return () => {
      done();
      set.delete(p);
      if (set.size === 0) this.#sending.delete(channel);
    };
  }

  /** Resolves when every send on `channel` registered now has been handled. */
  async settled(channel: string): Promise<void> {
    await Promise.allSettled([...(this.#sending.get(channel) ?? [])]);
  }
}
