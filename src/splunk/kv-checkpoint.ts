import { CheckpointError } from '../core/errors.js';
import type { CheckpointStore } from '../core/checkpoint.js';
import type { SplunkdClient } from './splunkd-client.js';

/** The app's own KV store collection for checkpoints (created on first use). */
export const CHECKPOINT_COLLECTION = 'ta_ser_mail_checkpoints';

interface CheckpointRecord {
  _key: string;
  value: string;
  updated: string;
}

/**
 * Checkpoints in the KV store, so an input keeps its place when a search head cluster moves it
 * to another member. One record per key; the value is JSON text (the KV store would otherwise
 * reshape nested values). A 503 while the KV store starts is retried by the client.
 */
export class KvCheckpointStore implements CheckpointStore {
  readonly #client: SplunkdClient;
  readonly collection: string;
  #ready: Promise<void> | undefined;

  constructor(client: SplunkdClient, collection = CHECKPOINT_COLLECTION) {
    this.#client = client;
    this.collection = collection;
  }

  describe(key: string): string {
    return `KV store collection ${this.collection} (app ${this.#client.app}), _key "${key}"`;
  }

  #path(rest: string): string {
    return this.#client.nsPath(`storage/collections/${rest}`);
  }

  /** Creates the collection if missing; once per process. */
  ensureCollection(): Promise<void> {
    this.#ready ??= (async () => {
      const c = encodeURIComponent(this.collection);
      const exists = await this.#client.call(this.#path(`config/${c}`), { allow: [404] });
      if (exists !== undefined) return;
      // 409: another process created it between our look and our create.
      await this.#client.call(this.#path('config'), { form: { name: this.collection }, allow: [409] });
    })().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async load<T = unknown>(key: string): Promise<T | undefined> {
    await this.ensureCollection();
    const rec = await this.#client.call<CheckpointRecord>(this.#path(`data/${encodeURIComponent(this.collection)}/${encodeURIComponent(key)}`), { allow: [404] });
    if (rec === undefined) return undefined;
    try {
      return JSON.parse(rec.value) as T;
    } catch (err) {
      throw new CheckpointError(
        this.describe(key),
        `checkpoint in ${this.describe(key)} is not valid JSON; the input stopped rather than start over. Delete the record to start from the configured start date`,
        { cause: err },
      );
    }
  }

  async save(key: string, value: unknown): Promise<void> {
    await this.ensureCollection();
    // batch_save upserts by _key in one call: no read-then-write race with another member.
    const rec: CheckpointRecord = { _key: key, value: JSON.stringify(value), updated: new Date().toISOString() };
    await this.#client.call(this.#path(`data/${encodeURIComponent(this.collection)}/batch_save`), { json: [rec] });
  }

  async delete(key: string): Promise<void> {
    await this.ensureCollection();
    await this.#client.call(this.#path(`data/${encodeURIComponent(this.collection)}/${encodeURIComponent(key)}`), { method: 'DELETE', allow: [404] });
  }
}
