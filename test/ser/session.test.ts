import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { MemorySink } from '../../src/core/sink.js';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { runSerInput } from '../../src/ser/input.js';
import { serSessionFor } from '../../src/ser/session.js';
import { startSerSimulator, type SerSimulator } from '../../src/sim/ser.js';
import { accountFor, runOptions } from './helpers.js';

let sim: SerSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('per-account session', () => {
  it('inputs on one account share its token and limiter; another account shares nothing', async () => {
    sim = await startSerSimulator({ rateLimitPerMinute: 0 });
    const a1 = serSessionFor(accountFor(sim, {}, 'acme'));
    const a2 = serSessionFor(accountFor(sim, {}, 'acme-again'));
    const b = serSessionFor(accountFor(sim, { client_id: 'other-client' }, 'globex'));
    expect(a2).toBe(a1);
    expect(a2.limiter).toBe(a1.limiter);
    expect(a2.tokens).toBe(a1.tokens);
    expect(b.limiter).not.toBe(a1.limiter);
    expect(b.tokens).not.toBe(a1.tokens);
    await Promise.all([a1.tokens.get(), a2.tokens.get()]);
    expect(sim.stats().tokens).toBe(1);
  });

  it('warns 30 days before the key expires and puts the expiry in the entitlement event', async () => {
    const now = Date.parse('2026-11-20T10:20:00Z');
    sim = await startSerSimulator({ rateLimitPerMinute: 0, now: () => now });
    const lines: string[] = [];
    const { run, sink } = runOptions(sim, { now: () => now, input: { start_date: '2026-11-20' }, account: { key_activation_date: '2025-12-01' } });
    await runSerInput({ ...run, log: createLogger({ write: (l) => lines.push(l) }) });
    expect(lines.some((l) => l.startsWith('WARN') && /expire within 30 days/.test(l))).toBe(true);
    const ent = (sink as MemorySink).events.find((e) => e.sourcetype === SOURCETYPES.serEntitlement)!;
    expect((ent.event as Record<string, unknown>).key_expires).toBe('2026-12-01T00:00:00.000Z');
  });
});
