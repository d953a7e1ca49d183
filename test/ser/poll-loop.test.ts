import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { runPollLoop } from '../../src/core/poll-loop.js';
import { SerApiError } from '../../src/ser/errors.js';

describe('shared poll loop', () => {
  it('runs cycles until maxCycles and carries on after a retryable failure', async () => {
    const seen: number[] = [];
    const r = await runPollLoop({
      name: 't',
      intervalMs: 1,
      signal: new AbortController().signal,
      log: silentLogger,
      maxCycles: 4,
      cycle: async () => {
        seen.push(seen.length);
        if (seen.length === 2) throw new SerApiError('SER answered 503', 503, { retryable: true });
      },
    });
    expect(r).toEqual({ cycles: 4, failures: 1 });
    expect(seen).toHaveLength(4);
  });

  it('stops and rejects on a failure no later cycle can cure', async () => {
    let n = 0;
    const err = await runPollLoop({
      name: 't',
      intervalMs: 1,
      signal: new AbortController().signal,
      log: silentLogger,
      maxCycles: 10,
      cycle: async () => {
        n += 1;
        throw new CheckpointError('/x/cp.json', 'checkpoint /x/cp.json is not valid JSON');
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(n).toBe(1);
  });

  it('ends during the pause when aborted, and hands the signal to the running cycle', async () => {
    const abort = new AbortController();
    let signalSeen: AbortSignal | undefined;
    const r = await runPollLoop({
      name: 't',
      intervalMs: 3_600_000,
      signal: abort.signal,
      log: silentLogger,
      cycle: async (signal) => {
        signalSeen = signal;
        setImmediate(() => abort.abort());
      },
    });
    expect(r.cycles).toBe(1);
    expect(signalSeen?.aborted).toBe(true);
  });
});
