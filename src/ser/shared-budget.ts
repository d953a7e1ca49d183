import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AddonError } from '../core/errors.js';

/**
 * The rate budget of one SER account shared by every process of this host that uses it (the
 * input beside a `backfill`, two Splunk inputs, the service): Proofpoint counts requests per
 * account, not per process. A small file in the checkpoint directory holds the next free slot
 * (wall-clock ms); each request reserves one under an exclusive lock file, so the processes
 * together pace evenly at the account's rate, as one process would.
 *
 * The lock is held for one read and one write (well under a millisecond). A lock left by a
 * process that died inside that moment is recovered: its owner's pid no longer runs, or it is
 * older than STALE_LOCK_MS. Two processes recovering the same stale lock at the same instant
 * could both pass once — at worst one slot booked twice, absorbed by the limiter's margin and
 * the default rate below the API's limit.
 */
export const STALE_LOCK_MS = 5_000;
/** A stored slot further ahead than this is a clock that jumped back, not a queue: start afresh. */
const MAX_AHEAD_MS = 60_000;

export class SharedBudgetError extends AddonError {
  constructor(file: string, cause: unknown) {
    super('SER_BUDGET_UNAVAILABLE', `the shared SER rate budget ${file} cannot be used (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}): check that the checkpoint directory is writable`, { cause });
  }
}

/** The budget file of one account: API URL + client id, hashed (a file name, no secret). */
export function budgetFile(dir: string, apiUrl: string, clientId: string): string {
  const id = createHash('sha256').update(`${apiUrl}\u001f${clientId}`).digest('hex').slice(0, 16);
  return join(dir, `ser_rate_budget_${id}.json`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SharedBudget {
  readonly file: string;
  readonly #lock: string;
  readonly #tmp: string;

  constructor(file: string) {
    this.file = file;
    this.#lock = `${file}.lock`;
    this.#tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(file, '..'), { recursive: true });
    } catch (err) {
      throw new SharedBudgetError(file, err);
    }
  }

  /** Reserves the next slot `intervalMs` after the last one any process took; returns its wall-clock time. */
  async reserve(intervalMs: number, signal?: AbortSignal): Promise<number> {
    // Bounded by the signal and by stale-lock recovery: a holder keeps the lock for microseconds.
    for (let turn = 0; ; turn++) {
      signal?.throwIfAborted();
      const fd = this.#tryLock();
      if (fd !== undefined) {
        try {
          return this.#book(intervalMs);
        } catch (err) {
          throw new SharedBudgetError(this.file, err);
        } finally {
          closeSync(fd);
          try {
            unlinkSync(this.#lock);
          } catch {
            // Taken away as stale while held (a paused process): the next owner's problem is none.
          }
        }
      }
      if (turn % 50 === 49) this.#recoverStale();
      await sleep(turn < 10 ? 0 : 1, undefined, { signal });
    }
  }

  #tryLock(): number | undefined {
    try {
      const fd = openSync(this.#lock, 'wx');
      writeSync(fd, String(process.pid));
      return fd;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw new SharedBudgetError(this.file, err);
    }
  }

  #recoverStale(): void {
    try {
      const age = Date.now() - statSync(this.#lock).mtimeMs;
      const pid = Number(readFileSync(this.#lock, 'utf8'));
      if (age > STALE_LOCK_MS || (Number.isInteger(pid) && pid > 0 && age > 100 && !alive(pid))) unlinkSync(this.#lock);
    } catch {
      // Gone meanwhile, or half-written by its new owner: try again.
    }
  }

  #book(intervalMs: number): number {
    const now = Date.now();
    let next = now;
    try {
      const stored = (JSON.parse(readFileSync(this.file, 'utf8')) as { next?: unknown }).next;
      if (typeof stored === 'number' && stored > now && stored - now <= MAX_AHEAD_MS) next = stored;
    } catch {
      // No file yet, or a torn one after a crash: the budget starts at now.
    }
    const fd = openSync(this.#tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ v: 1, next: next + intervalMs }));
    } finally {
      closeSync(fd);
    }
    renameSync(this.#tmp, this.file);
    return next;
  }
}
