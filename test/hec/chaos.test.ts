import { afterEach, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { cli, expectedIds, tmpFile, until } from './forward-cli.js';

/**
 * `forward` on 100 000 events with every retryable HEC fault on at random (seeded) and one
 * restart of HEC mid-run. Nothing here depends on timing: faults are drawn per request, the
 * restart is triggered by progress (half the events indexed), and the only claim is the end
 * state — exit 0, and HEC holds every event id exactly once after dedup by event_id.
 * (A data refusal, partial code 6, would rightly make forward exit 1; it has its own tests.)
 */
const sims: HecSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

const N = 100_000;

describe('chaos: forward through every fault and a restart', () => {
  it('delivers all 100k events: exit 0, every id at HEC after dedup', { timeout: 300_000 }, async () => {
    const hec = await startHecSimulator({ ack: true, ackDelayMs: 20, keep: 'ids' });
    sims.push(hec);
    hec.setChaos({
      seed: 13,
      probability: 0.08,
      faults: [
        { kind: 'html', status: 502 },
        { kind: 'html', status: 503, retryAfterSeconds: 0 },
        { kind: 'html', status: 504 },
        { kind: 'html500' },
        { kind: 'non-json-ok' },
        { kind: 'busy' },
        { kind: 'throttle', retryAfterSeconds: 0 },
        { kind: 'reset' },
        { kind: 'partial', code: 9, status: 503 },
        { kind: 'lose-acks' },
        { kind: 'invalid-channel' },
        { kind: 'unhealthy' },
      ],
    });
    const ls = Array.from({ length: N }, (_, i) => `{"time":${1_795_000_000 + i / 1000},"sourcetype":"mail:message","event":{"n":${i},"tag":"chaos"}}`);
    const file = tmpFile('chaos.ndjson', `${ls.join('\n')}\n`);
    const cfg = tmpFile(
      'hec.yaml',
      [
        `urls: ${hec.url}`,
        'ack: true',
        'batch_bytes: 16384',
        'batch_interval: 20ms',
        'retries: 30',
        'retry_min_delay: 5ms',
        'retry_max_delay: 40ms',
        'health_check_interval: 20ms',
        'ack_poll_interval: 40ms',
        'ack_timeout: 3s',
        'request_timeout: 10s',
      ].join('\n'),
    );
    let lost = -1;
    const run = cli(['--log-level', 'error', 'forward', '--config', cfg, '--file', file], { HEC_TOKEN: hec.token });
    // One restart once half the events are indexed (by progress, not by the clock).
    await until(() => hec.stats().accepted >= N / 2, 240_000);
    // Hold acks back until at least 2000 more events are in: the restart then surely loses some.
    hec.setAckDelay(600_000);
    await until(() => hec.stats().accepted >= N / 2 + 2000, 240_000);
    lost = await hec.restart({ downMs: 100 });
    hec.setAckDelay(20);
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.summary).toEqual({ read: N, delivered: N, undelivered: 0, refused: 0 });
    expect(lost).toBeGreaterThanOrEqual(2000); // the restart lost unacknowledged events: they had to be resent
    const got = new Set(hec.eventIds()); // dedup by event_id
    const want = expectedIds(ls);
    expect(got.size).toBe(N);
    for (const id of want) if (!got.has(id)) expect.fail(`event ${id} missing at HEC`);
    // The faults really played (a chaos run that met none proves nothing).
    // Draws depend on how requests interleave, so no single kind is promised; many faults and many kinds are.
    const failed = hec.requests().filter((q) => q.path.endsWith('/event') && q.status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(20);
    expect(new Set(failed.map((q) => q.status)).size).toBeGreaterThanOrEqual(4);
  });
});
