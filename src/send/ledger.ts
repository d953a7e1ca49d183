import { mkdir, open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from '../core/checkpoint.js';

/** One message the service accepted: enough to name the earlier send when a re-run repeats it. */
export interface AcceptedSend {
  messageId: string;
  transactionId?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Entries older than this are dropped when the file is compacted: splunkd keeps a sid's dispatch folder far shorter. */
const KEEP_MS = 30 * 24 * 3600_000;
/** The file is compacted when it grows past this many bytes. */
const COMPACT_BYTES = 4 * 1024 * 1024;

/**
 * The messageIds this search head's alert runs got accepted (JSON lines, appended as replies
 * arrive, fsync'd once at the end of the run). messageIds are derived from the sid, so when
 * splunkd runs the action again for the same sid, the service's "repeated request" refusal
 * can be recorded as a duplicate of the earlier accepted send, with its transactionId. Losing
 * this file loses only that link: the service's own reply still marks the duplicate.
 */
export class AcceptedLedger {
  readonly #file: string;
  #known?: Promise<Map<string, AcceptedSend>>;
  #fh?: Promise<FileHandle>;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  get file(): string {
    return this.#file;
  }

  /** The earlier accepted send of this messageId, if this search head recorded one. */
  async lookup(messageId: string): Promise<AcceptedSend | undefined> {
    this.#known ??= this.#load();
    return (await this.#known).get(messageId);
  }

  async #load(): Promise<Map<string, AcceptedSend>> {
    const out = new Map<string, AcceptedSend>();
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return out; // no earlier run recorded anything: every -1 is judged by the reply alone
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as AcceptedSend;
        if (typeof e.messageId === 'string' && typeof e.at === 'number') out.set(e.messageId, e);
      } catch {
        // a line torn by a crash is skipped: it can only cost the link to one earlier send
      }
    }
    return out;
  }

  /** Appends one accepted send; written in order, without waiting for the disk (see close). */
  record(e: AcceptedSend): void {
    this.#fh ??= this.#open();
    const line = `${JSON.stringify(e)}\n`;
    this.#writes = this.#writes.then(async () => (await this.#fh!).appendFile(line, 'utf8')).catch(() => undefined);
  }

  async #open(): Promise<FileHandle> {
    await mkdir(dirname(this.#file), { recursive: true });
    const size = await stat(this.#file).then((s) => s.size, () => -1);
    if (size > COMPACT_BYTES) await this.#compact();
    const fh = await open(this.#file, 'a', 0o640);
    if (size < 0) await syncDir(dirname(this.#file));
    return fh;
  }

  /** Keeps the last KEEP_MS of entries: write aside, fsync, rename over, fsync the folder. */
  async #compact(): Promise<void> {
    const cutoff = Date.now() - KEEP_MS;
    const kept = [...(await this.#load()).values()].filter((e) => e.at >= cutoff);
    const tmp = `${this.#file}.tmp`;
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.appendFile(kept.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.#file);
    await syncDir(dirname(this.#file));
  }

  /** Waits for the appends and makes them durable. Never throws: the ledger is a convenience. */
  async close(): Promise<void> {
    if (!this.#fh) return;
    try {
      await this.#writes;
      const fh = await this.#fh;
      await fh.sync();
      await fh.close();
    } catch {
      // see the class comment
    }
  }
}
