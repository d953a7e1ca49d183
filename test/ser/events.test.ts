import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { eventSchemas } from '../../src/ser/event-schema.js';
import { entitlementEvent, licenceUsedBytes, windowDigest, windowEvents } from '../../src/ser/events.js';
import { parseSummaryReply } from '../../src/ser/reply.js';
import { SER_GOLDEN, serGoldenFiles } from '../../tools/generate/golden.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const reply = parseSummaryReply(readFileSync(here('golden/summary-reply.json'), 'utf8'));
const W = SER_GOLDEN.window;
const COLLECTED = SER_GOLDEN.collectedMs;

/** Golden files are written by `npm run generate` (tools/generate/golden.ts computes them). */
async function golden(name: string): Promise<string> {
  const file = (await serGoldenFiles()).find((f) => f.path.endsWith(`/${name}`));
  expect(file, `tools/generate/golden.ts writes ${name}`).toBeDefined();
  expect(file!.content, `${name} is out of date: run npm run generate and review the diff`).toBe(readFileSync(here(`golden/${name}`), 'utf8'));
  return file!.content;
}

describe('SER reply → events', () => {
  it('maps a reply to one summary event per application user plus a coverage event (golden)', async () => {
    const events = windowEvents(SER_GOLDEN.input, W, 0, COLLECTED, reply.users);
    expect(JSON.parse(await golden('window-events.json'))).toEqual(JSON.parse(JSON.stringify(events)));
    for (const e of events) expect(eventSchemas[e.sourcetype as keyof typeof eventSchemas].safeParse(e.event).success).toBe(true);
  });

  it('licence usage is the sum of messageSizeTotal only when every application user carries it', () => {
    const sized = reply.users.filter((u) => u.message_size_total !== undefined);
    expect(sized.length).toBeGreaterThan(1);
    expect(licenceUsedBytes(sized)).toBe(sized.reduce((a, u) => a + u.message_size_total!, 0));
    // One user without a size: the sum would under-state the usage, so it is unknown.
    const { message_size_total: _dropped, ...unsized } = sized[0]!;
    expect(licenceUsedBytes([unsized, ...sized.slice(1)])).toBeUndefined();
    expect(licenceUsedBytes([])).toBeUndefined();
  });

  it('maps the entitlement block and licence usage (golden)', async () => {
    const event = entitlementEvent({ account: 'acme' }, COLLECTED, { entitlement: reply.entitlement, usedBytes: SER_GOLDEN.usedBytes, keyExpiresMs: SER_GOLDEN.keyExpiresMs });
    expect(JSON.parse(await golden('entitlement-event.json'))).toEqual(JSON.parse(JSON.stringify(event)));
  });

  it('ids are deterministic per account, window, application user and revision', () => {
    const ids = (account: string, rev: number, w = W) => windowEvents({ account }, w, rev, COLLECTED, reply.users).map((e) => e.id);
    expect(ids('acme', 0)).toEqual(windowEvents({ account: 'acme' }, W, 0, COLLECTED + 999, [...reply.users].reverse()).map((e) => e.id));
    const all = [...ids('acme', 0), ...ids('acme', 1), ...ids('globex', 0), ...ids('acme', 0, { start: W.end, end: W.end + 3_600_000 })];
    expect(new Set(all).size).toBe(all.length);
  });

  it('the digest changes with any number and ignores the order of users', () => {
    const d = windowDigest(reply.users);
    expect(windowDigest([...reply.users].reverse())).toBe(d);
    const changed = reply.users.map((u, i) => (i === 0 ? { ...u, temp_failure: u.temp_failure - 1, failure: u.failure + 1 } : u));
    expect(windowDigest(changed)).not.toBe(d);
  });

  it('two application users sharing display names but not addresses are two identities', () => {
    const a = { ...reply.users[0]!, from_envelope: 'a@example.com' };
    const b = { ...reply.users[0]!, from_envelope: 'b@example.com', success: a.success + 1 };
    const events = windowEvents({ account: 'acme' }, W, 0, COLLECTED, [a, b]).filter((e) => e.sourcetype === SOURCETYPES.serSummary);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(new Set(events.map((e) => (e.event as Record<string, unknown>).app_user_key)).size).toBe(2);
    // The same tuple twice (two UIDs behind identical names and addresses): one row, numbers summed.
    const twice = windowEvents({ account: 'acme' }, W, 0, COLLECTED, [a, a]);
    expect(twice.filter((e) => e.sourcetype === SOURCETYPES.serSummary).map((e) => (e.event as Record<string, number>).success)).toEqual([2 * a.success]);
    expect((twice.find((e) => e.sourcetype === SOURCETYPES.serCoverage)!.event as Record<string, number>).total).toBe(2 * a.total);
  });

  it('the latest-revision idiom counts a window once when an application is renamed between revisions', () => {
    const [first, second] = reply.users;
    const rev0 = windowEvents({ account: 'acme' }, W, 0, COLLECTED, [first!, second!]);
    // Restated: one more success for the first user, whose application was renamed meanwhile.
    const renamed = { ...first!, application_name: `${first!.application_name} (renamed)`, success: first!.success + 1, total: first!.total + 1 };
    const rev1 = windowEvents({ account: 'acme' }, W, 1, COLLECTED + 3_600_000, [renamed, second!]);
    const indexed = [...rev0, ...rev1].filter((e) => e.sourcetype === SOURCETYPES.serSummary).map((e) => e.event as Record<string, unknown>);
    const windowTotal = renamed.total + second!.total;

    // The documented idiom: | eventstats max(revision) as latest_revision by account, window_start
    //                       | where revision=latest_revision | stats sum(total) by app_user_key
    const latest = new Map<string, number>();
    for (const e of indexed) latest.set(`${e.account}|${e.window_start}`, Math.max(latest.get(`${e.account}|${e.window_start}`) ?? -1, e.revision as number));
    const kept = indexed.filter((e) => e.revision === latest.get(`${e.account}|${e.window_start}`));
    const byKey = new Map<string, number>();
    for (const e of kept) byKey.set(e.app_user_key as string, (byKey.get(e.app_user_key as string) ?? 0) + (e.total as number));
    expect([...byKey.values()].reduce((x, y) => x + y, 0)).toBe(windowTotal);
    expect(byKey.size).toBe(2);

    // What the idiom must not be: the latest revision per window and tuple keeps the old name's row.
    const perTuple = new Map<string, Record<string, unknown>>();
    for (const e of indexed) {
      const k = `${e.account}|${e.window_start}|${e.app_user_key}`;
      if ((perTuple.get(k)?.revision as number | undefined) === undefined || (perTuple.get(k)!.revision as number) < (e.revision as number)) perTuple.set(k, e);
    }
    expect([...perTuple.values()].reduce((x, e) => x + (e.total as number), 0)).toBeGreaterThan(windowTotal);
  });
});
