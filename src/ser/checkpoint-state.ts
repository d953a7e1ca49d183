import { z } from 'zod';
import type { CheckpointStore } from '../core/checkpoint.js';
import { CheckpointError } from '../core/errors.js';

/**
 * What one SER input remembers between runs. `next` is the end of the last window whose
 * events were all delivered (everything before it is in Splunk); `recent` holds, for windows
 * inside the restatement horizon, the revision sent and a digest of its numbers — bounded by
 * horizon / window size entries.
 */
const recentSchema = z.tuple([
  z.number().describe('window start, epoch ms'),
  z.number().describe('window end, epoch ms'),
  z.number().int().nonnegative().describe('revision last delivered'),
  z.string().describe('digest of the numbers of that revision'),
  z.number().describe('when the window was last read, epoch ms'),
]);

export const serCheckpointSchema = z.object({
  v: z.literal(1),
  account: z.string(),
  input: z.string(),
  next: z.number().describe('end of the last delivered window, epoch ms'),
  recent: z.array(recentSchema).default([]),
});

export type SerCheckpoint = z.infer<typeof serCheckpointSchema>;
export type RecentWindow = z.infer<typeof recentSchema>;

/** Checkpoint key: one per input and account, so two inputs never share state. */
export function serCheckpointKey(inputName: string, account: string): string {
  return `ser_${inputName}__${account}`;
}

/** Key of an explicit backfill range: re-running the same command resumes it. */
export function serBackfillKey(inputName: string, account: string, fromMs: number, toMs: number): string {
  const d = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '');
  return `ser_backfill_${inputName}__${account}__${d(fromMs)}__${d(toMs)}`;
}

/**
 * Loads and checks the stored state; a value of the wrong shape stops the input, naming the
 * file. So does a state written by another input or account: names that differ only in
 * characters a file name cannot hold map to the same file, and sharing it would skip windows.
 */
export async function loadSerCheckpoint(store: CheckpointStore, key: string, owner: { input: string; account: string }): Promise<SerCheckpoint | undefined> {
  const raw = await store.load(key);
  if (raw === undefined) return undefined;
  const r = serCheckpointSchema.safeParse(raw);
  if (!r.success) {
    const where = store.describe(key);
    const issue = r.error.issues[0];
    throw new CheckpointError(
      where,
      `checkpoint ${where} is not a SER checkpoint (${issue?.path.join('.') || 'root'}: ${issue?.message}); the input stopped rather than start over. Fix it, or delete it to start again from the configured start date (events already sent would be sent again with the same ids)`,
    );
  }
  if (r.data.input !== owner.input || r.data.account !== owner.account) {
    const where = store.describe(key);
    throw new CheckpointError(
      where,
      `checkpoint ${where} belongs to input "${r.data.input}" of account "${r.data.account}", not to input "${owner.input}" of account "${owner.account}"; the input stopped rather than share it. Rename one of the two inputs (or accounts) so their names differ in letters, digits, '.', '_' or '-'`,
    );
  }
  return r.data;
}
