import { copyFile, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { syncDir, type CheckpointStore } from '../core/checkpoint.js';
import { AddonError, describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Sink } from '../core/sink.js';
import { isEventTooLarge, PayloadError } from './errors.js';
import { ingest, type IngestOptions } from './ingest.js';
import { detectKind, parseJsonBytes } from './parse.js';

const gunzip = promisify(gunzipCb);

export interface ImporterOptions {
  dataPath: string;
  donePath: string;
  errorPath: string;
  /** A file is taken only when unchanged for this long (and seen unchanged by two scans). */
  stableMs: number;
  maxFileBytes: number;
  ingest: IngestOptions;
  sink: Sink;
  checkpoints: CheckpointStore;
  /** The checkpoint key of this importer's ledger (one per input). */
  checkpointKey: string;
  log: Logger;
}

/** What the ledger remembers of a delivered file until it has left data_path. */
interface LedgerEntry {
  size: number;
  mtimeMs: number;
  events: number;
}
interface Ledger {
  version: 1;
  delivered: Record<string, LedgerEntry>;
}

export interface ScanReport {
  imported: string[];
  failed: string[];
  waiting: string[];
  events: number;
  dropped: number;
  /** A delivery failed: the file stays and is tried again next scan. */
  deliveryError?: string;
}

/**
 * A connector writes a file under a temporary name first, or a sidecar we make ourselves, or
 * Windows Explorer leaves its own files on a DataPath share.
 */
const IGNORED = /^\.|\.(tmp|part|partial|crdownload|swp)$|\.error\.txt$|^(desktop\.ini|thumbs\.db)$/i;

/**
 * Imports the JSON files a connector leaves in its DataPath. Each file is delivered once:
 * delivery → ledger entry (atomic checkpoint) → move to done_path; a crash between any two
 * steps is repaired on the next scan without delivering the file again (after the ledger
 * write) or at worst delivers it again with the same event ids (before it). A bad file goes
 * to error_path with a .error.txt beside it and the scan goes on.
 */
export class FolderImporter {
  readonly #o: ImporterOptions;
  readonly #observed = new Map<string, { size: number; mtimeMs: number }>();
  #ledger: Ledger | undefined;

  constructor(options: ImporterOptions) {
    this.#o = options;
  }

  async #loadLedger(): Promise<Ledger> {
    if (!this.#ledger) {
      const stored = await this.#o.checkpoints.load<Ledger>(this.#o.checkpointKey);
      this.#ledger = stored && stored.version === 1 && typeof stored.delivered === 'object' ? stored : { version: 1, delivered: {} };
    }
    return this.#ledger;
  }

  async scanOnce(now = Date.now()): Promise<ScanReport> {
    const report: ScanReport = { imported: [], failed: [], waiting: [], events: 0, dropped: 0 };
    const ledger = await this.#loadLedger();
    const entries = await readdir(this.#o.dataPath, { withFileTypes: true });
    const present = new Set<string>();
    const ready: Array<{ name: string; size: number; mtimeMs: number }> = [];
    for (const e of entries) {
      if (!e.isFile() || IGNORED.test(e.name)) continue;
      let st;
      try {
        st = await stat(join(this.#o.dataPath, e.name));
      } catch {
        continue; // moved away between readdir and stat
      }
      present.add(e.name);
      const seen = this.#observed.get(e.name);
      this.#observed.set(e.name, { size: st.size, mtimeMs: st.mtimeMs });
      const unchanged = seen !== undefined && seen.size === st.size && seen.mtimeMs === st.mtimeMs;
      if (unchanged && now - st.mtimeMs >= this.#o.stableMs) ready.push({ name: e.name, size: st.size, mtimeMs: st.mtimeMs });
      else report.waiting.push(e.name);
    }
    for (const name of this.#observed.keys()) if (!present.has(name)) this.#observed.delete(name);

    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    for (const f of ready) {
      const known = ledger.delivered[f.name];
      if (known && known.size === f.size && known.mtimeMs === f.mtimeMs) {
        // Delivered before a crash that came before the move: finish the move only.
        await this.#moveTo(this.#o.donePath, f.name);
        report.imported.push(f.name);
        continue;
      }
      const outcome = await this.#importFile(f, report);
      if (outcome === 'delivery-failed') break;
    }

    let pruned = false;
    // A delivered file that has left data_path needs no memory: the ledger stays small.
    for (const name of Object.keys(ledger.delivered)) {
      if (!present.has(name)) {
        delete ledger.delivered[name];
        pruned = true;
      }
    }
    if (pruned) await this.#o.checkpoints.save(this.#o.checkpointKey, ledger);
    return report;
  }

  async #importFile(f: { name: string; size: number; mtimeMs: number }, report: ScanReport): Promise<'imported' | 'bad' | 'delivery-failed'> {
    const file = join(this.#o.dataPath, f.name);
    let result;
    try {
      if (f.size > this.#o.maxFileBytes) throw new PayloadError(`the file is ${f.size} bytes, more than the ${this.#o.maxFileBytes} allowed (max_request_size_mb)`);
      let raw = await readFile(file);
      if (/\.gz$/i.test(f.name)) raw = await gunzip(raw, { maxOutputLength: this.#o.maxFileBytes });
      const value = parseJsonBytes(raw);
      result = ingest(detectKind(value), value, this.#o.ingest, Date.now());
    } catch (err) {
      if (!(err instanceof PayloadError) && !isDecodeError(err)) throw err;
      await this.#setAside(f.name, err);
      report.failed.push(f.name);
      return 'bad';
    }
    try {
      await this.#o.sink.sendAll(result.events);
    } catch (err) {
      if (isEventTooLarge(err)) {
        await this.#setAside(f.name, err);
        report.failed.push(f.name);
        return 'bad';
      }
      report.deliveryError = describeError(err);
      this.#o.log.warn(`mail import: ${f.name} not delivered, will retry at the next scan: ${report.deliveryError}`);
      return 'delivery-failed';
    }
    const ledger = await this.#loadLedger();
    ledger.delivered[f.name] = { size: f.size, mtimeMs: f.mtimeMs, events: result.events.length };
    await this.#o.checkpoints.save(this.#o.checkpointKey, ledger);
    await this.#moveTo(this.#o.donePath, f.name);
    report.imported.push(f.name);
    report.events += result.events.length;
    report.dropped += result.dropped;
    this.#o.log.info(`mail import: ${f.name}: ${result.events.length} event(s) delivered${result.dropped ? `, ${result.dropped} message(s) dropped by the mailbox lists` : ''}`);
    return 'imported';
  }

  async #setAside(name: string, err: unknown): Promise<void> {
    const moved = await this.#moveTo(this.#o.errorPath, name);
    const lines = [describeError(err)];
    if (err instanceof PayloadError) for (const i of err.issues) lines.push(`${i.path}: ${i.message}`);
    await writeFile(`${moved}.error.txt`, `${lines.join('\n')}\n`);
    this.#o.log.error(`mail import: ${name} moved to ${moved}: ${describeError(err)}`);
  }

  /** Moves a file out of data_path (never overwriting) and makes the move durable. */
  async #moveTo(dir: string, name: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    let target = join(dir, name);
    for (let i = 1; i < 1000; i++) {
      try {
        await stat(target);
        target = join(dir, `${basename(name)}.${i}`);
      } catch {
        break;
      }
    }
    const from = join(this.#o.dataPath, name);
    try {
      await rename(from, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(from, target);
      await unlink(from);
    }
    await syncDir(dir);
    await syncDir(this.#o.dataPath);
    return target;
  }

  /** Scans every `intervalMs` until the signal aborts; a scan that throws is logged and retried. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.scanOnce();
      } catch (err) {
        this.#o.log.error(`mail import: scan of ${this.#o.dataPath} failed: ${describeError(err)}`);
        if (AddonError.isInstance(err) && err.code === 'CHECKPOINT_UNREADABLE') throw err;
      }
      await sleep(intervalMs, signal);
    }
  }
}

function isDecodeError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  return code.startsWith('Z_') || code === 'ERR_BUFFER_TOO_LARGE' || code === 'ERR_STRING_TOO_LONG';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
