import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from './errors.js';

/**
 * Where a source remembers how far it got. Values are JSON. A store never turns an unreadable
 * value into "no checkpoint": that would silently restart from zero.
 */
export interface CheckpointStore {
  load<T = unknown>(key: string): Promise<T | undefined>;
  save(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** A human-readable location of a key, for messages that tell an admin how to reset it. */
  describe(key: string): string;
}

/** Keys become file names: keep them readable but safe on every filesystem. */
export function checkpointFileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

/** A JSON file per key in a directory; written as temp file + fsync + rename + fsync(dir). */
export class FileCheckpointStore implements CheckpointStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  describe(key: string): string {
    return join(this.dir, checkpointFileName(key));
  }

  async load<T = unknown>(key: string): Promise<T | undefined> {
    const file = this.describe(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(file, `checkpoint ${file} cannot be read: ${(err as Error).message}`, { cause: err });
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new CheckpointError(
        file,
        `checkpoint ${file} is not valid JSON; the input stopped rather than start over. Fix the file, or delete it to start from the configured start date`,
        { cause: err },
      );
    }
  }

  async save(key: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.describe(key);
    const tmp = `${file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(value));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await syncDir(this.dir);
  }

  async delete(key: string): Promise<void> {
    await rm(this.describe(key), { force: true });
    await syncDir(this.dir);
  }
}

/** fsyncs a directory so a rename or a new file in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  // A rename is durable only once its directory is; Windows cannot open a directory, so skip there.
  if (process.platform === 'win32') return;
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
