import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, pass, type Check } from './check.js';

/** Proves a checkpoint can be saved the way FileCheckpointStore saves it: temp file, fsync, rename, delete. */
export function checkpointDirCheck(dir: string, usedBy: string): Check {
  return {
    check: 'checkpoint dir',
    target: dir,
    async run() {
      const probe = join(dir, `.doctor-${process.pid}.probe`);
      try {
        await mkdir(dir, { recursive: true });
        const fh = await open(`${probe}.tmp`, 'w', 0o600);
        try {
          await fh.writeFile('{}');
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(`${probe}.tmp`, probe);
        await rm(probe, { force: true });
        return pass(`writable (used by ${usedBy})`);
      } catch (err) {
        await rm(`${probe}.tmp`, { force: true }).catch(() => undefined);
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        return fail(`cannot write a checkpoint there (${code}: ${(err as Error).message})`, `create ${dir} and make it writable by the user the service runs as, or set service.checkpoint_dir to another directory`);
      }
    },
  };
}
