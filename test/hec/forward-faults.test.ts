import { describe, expect, it } from 'vitest';
import { cli, expectedIds, lines, tmpFile, until } from './forward-cli.js';
import type { HecSimulator } from '../../src/sim/hec.js';
import { simulatorsPerTest } from './helpers.js';

/** `forward` (the real CLI, its own process) against HEC faults; every summary's sum is checked by cli(). */
const sim = simulatorsPerTest();

/** A flat settings file that makes faults play out in milliseconds. */
function settings(hec: HecSimulator, extra: Record<string, string | number | boolean> = {}): string {
  const all = { urls: hec.url, batch_interval: '20ms', retry_min_delay: '10ms', retry_max_delay: '50ms', health_check_interval: '30ms', ack_poll_interval: '20ms', request_timeout: '2s', ...extra };
  return tmpFile('hec.yaml', Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\n'));
}

const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('ERROR'));

describe('forward under HEC faults (CLI)', () => {
  it('SIGTERM while back-pressured (HEC down): the drain deadline starts at the signal, the summary is printed', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const cfg = settings(hec, { max_buffer_bytes: 65536 });
    const r = await cli(['forward', '--config', cfg, '--drain-timeout', '1'], { HEC_TOKEN: hec.token }, undefined, (child) => {
      child.stdin.write(`${lines(2000, 'pressure', 200).join('\n')}\n`); // far more than the 64 KiB cap: the reader waits
      void until(() => hec.requests().length >= 3).then(() => child.kill('SIGTERM'));
    });
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ delivered: 0, refused: 0, interrupted: 'SIGTERM' });
    expect(r.summary!.undelivered).toBe(r.summary!.read);
    expect(r.summary!.read).toBeGreaterThan(0);
    expect(r.summary!.read).toBeLessThan(2000); // reading stopped at the signal
    expect(errors(r.stderr).join('\n')).toMatch(/not delivered within the \d+ ms drain deadline \(last attempt: .*503 code 9/);
  });

  it('a second SIGTERM stops at once, still with the summary', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const cfg = settings(hec);
    const r = await cli(['forward', '--config', cfg, '--drain-timeout', '10m'], { HEC_TOKEN: hec.token }, undefined, (child) => {
      child.stdin.write(`${lines(50, 'twice').join('\n')}\n`);
      void (async () => {
        await until(() => hec.requests().length >= 3);
        child.kill('SIGTERM');
        await until(() => hec.requests().length >= 6);
        child.kill('SIGTERM'); // without this, the run would wait ten minutes
      })();
    });
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ read: 50, delivered: 0, undelivered: 50, interrupted: 'SIGTERM' });
    expect(r.stderr).toMatch(/stopped at once by a second SIGTERM/);
  });

  it('--give-up-after: stops when every URL has been set aside that long', async () => {
    const hec = await sim({ fault: { kind: 'busy' } });
    const r = await cli(['forward', '--config', settings(hec), '--give-up-after', '500ms'], { HEC_TOKEN: hec.token }, lines(30, 'give-up').join('\n'));
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ delivered: 0, undelivered: 30, gave_up: expect.stringMatching(/every HEC endpoint was set aside for \d+ s \(--give-up-after 500ms\)/) });
    expect(r.stderr).toMatch(/ERROR 30 event\(s\) not delivered: .*503 code 9/);
  });

  it('ack expected but the token has it off: delivered-unacknowledged, stops, says so once', async () => {
    const hec = await sim({ ack: false });
    const ls = lines(3000, 'ack-off');
    // After the stop, forward waits up to request_timeout for replies already on the wire; a
    // loaded machine answered one after 2 s once, and that batch (indexed) counted undelivered.
    const r = await cli(['forward', '--config', settings(hec, { batch_bytes: 4096, request_timeout: '10s' }), '--ack'], { HEC_TOKEN: hec.token }, ls.join('\n'));
    expect(r.code).toBe(1);
    expect(r.summary!.unacknowledged).toBeGreaterThan(0);
    expect(r.summary!.delivered).toBe(hec.eventIds().length); // counted delivered: what HEC indexed
    expect(errors(r.stderr)).toHaveLength(1);
    expect(errors(r.stderr)[0]).toMatch(/HEC_ACK_OFF_ON_TOKEN: .*Enable "Indexer acknowledgement" on the token, or set ack = false \(forward: --no-ack\)/);
    expect(hec.requests().filter((q) => q.path.endsWith('/event')).length).toBeLessThanOrEqual(8); // stopped at once
  });

  it('an index the token may not write: one ERROR naming the index and the fix, stops', async () => {
    const hec = await sim({ indexes: ['main'] });
    const r = await cli(['forward', '--config', settings(hec, { batch_bytes: 4096 }), '--index', 'mail_archive'], { HEC_TOKEN: hec.token }, lines(3000, 'index').join('\n'));
    expect(r.code).toBe(1);
    expect(errors(r.stderr)).toHaveLength(1);
    expect(errors(r.stderr)[0]).toMatch(/HEC_INDEX_NOT_ALLOWED: .*the index "mail_archive" is not allowed for this token; add it to the token's allowed indexes/);
    expect(hec.requests().filter((q) => q.path.endsWith('/event')).length).toBeLessThanOrEqual(8);
    expect(r.summary).toMatchObject({ delivered: 0 });
  });

  it('an event over batch_bytes is sent alone; one over max_content_length is refused by line and size', async () => {
    const hec = await sim({ maxContentLength: 6000 });
    const ls = [...lines(3, 'ok'), JSON.stringify({ time: 1, sourcetype: 's', event: 'b'.repeat(3000) }), JSON.stringify({ time: 2, sourcetype: 's', event: 'h'.repeat(9000) }), ...lines(2, 'tail')];
    const r = await cli(['forward', '--config', settings(hec, { gzip: false, batch_bytes: 1024 })], { HEC_TOKEN: hec.token }, ls.join('\n'));
    expect(r.code).toBe(1);
    expect(r.summary).toEqual({ read: 7, delivered: 6, undelivered: 0, refused: 1 });
    expect(r.stderr).toMatch(/^ERROR line 5: event \S+ \(\d{4} bytes\) refused by HEC: too large for HEC \(HTTP 413/m);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls.filter((_, i) => i !== 4)));
    expect(hec.eventIds()).toHaveLength(6);
  });

  it('invalid UTF-8 is refused with its line and byte offset; --replace-invalid-utf8 sends it with a WARN', async () => {
    const hec = await sim();
    const good = lines(2, 'utf8');
    const bad = Buffer.concat([Buffer.from('{"time":1,"sourcetype":"s","event":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const file = tmpFile('bad.ndjson', Buffer.concat([Buffer.from(`${good.join('\n')}\n`), bad, Buffer.from(`\n${lines(1, 'after')[0]}\n`)]));
    const offset = Buffer.byteLength(`${good.join('\n')}\n`) + 39;
    const r = await cli(['forward', '--config', settings(hec), '--file', file], { HEC_TOKEN: hec.token });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ERROR line 3: invalid UTF-8 at byte 39 of the line \\(byte ${offset} of the input\\)`, 'm'));
    expect(r.summary).toEqual({ read: 3, delivered: 2, undelivered: 0, refused: 1 });
    expect(new Set(hec.eventIds())).toEqual(expectedIds(good));

    hec.reset();
    const replaced = await cli(['forward', '--config', settings(hec), '--file', file, '--replace-invalid-utf8'], { HEC_TOKEN: hec.token });
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toMatch(/WARN .*line 3: invalid UTF-8 at byte 39 .*replaced with U\+FFFD/);
    expect(replaced.summary).toEqual({ read: 4, delivered: 4, undelivered: 0, refused: 0 });
    expect(hec.events().some((e) => e.event === 'caf\ufffd(')).toBe(true);
  });
});
