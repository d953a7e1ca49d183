import fc from 'fast-check';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { createLogger, silentLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { addonHealthDashboard } from '../../src/dashboards/definitions/addon-health.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { startMailInput, type RunningMailInput } from '../../src/mail/input.js';
import { ReceiverFigures, type FiguresLine, type FiguresTiming } from '../../src/mail/receiver-figures.js';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { mailInputSchema } from './config-input.js';
import { mails, message, post, sleep, TOKEN } from './helpers.js';

/**
 * The receiver's figures line, end to end: a real receiver on 127.0.0.1, the real HecSink, the
 * HEC simulator, real posts. The line is what the health dashboard (and an admin searching
 * splunkd.log) reads to see that a receiver input is alive and what it answered.
 */
const NAME = 'figs';
const PREFIX = `[mail_metadata://${NAME}] `;
const LINE = new RegExp(`^INFO \\[mail_metadata://${NAME}\\] mail receiver figures (\\{.*\\})\\n$`);

let sim: HecSimulator | undefined;
let sink: HecSink | undefined;
let input: RunningMailInput | undefined;
afterEach(async () => {
  await input?.stop();
  await sink?.close(2_000);
  await sim?.close();
  input = sink = sim = undefined;
});

/** Starts HEC, the sink and a receiver whose log lines (formatted as splunkd.log gets them) are collected. */
async function startAll(figures: FiguresTiming, settings: Record<string, unknown> = {}) {
  sim = await startHecSimulator({ ack: true, ackDelayMs: 5, indexes: ['main'] });
  sink = new HecSink(
    hecSinkConfig({ urls: sim.url, token: sim.token, ack: true, batch_interval: '10ms', ack_poll_interval: '20ms', retries: 1, retry_min_delay: '20ms', retry_max_delay: '50ms', health_check_interval: '50ms' }),
    { log: silentLogger },
  );
  const lines: string[] = [];
  // As the modular input's logger: splunkd's level word, the stanza as prefix.
  const log = createLogger({ write: (l) => lines.push(l) }).child({}, { msgPrefix: PREFIX });
  const { auth_secret: _none, ...config } = mailInputSchema.parse({ auth_mode: 'static', listen_port: 0, listen_host: '127.0.0.1', ...settings });
  input = await startMailInput({ name: NAME, config, secret: new Secret(TOKEN), sink, checkpoints: new FileCheckpointStore('/tmp'), log, figures });
  const base = input.receiver!.url;
  const figureLines = (): FiguresLine[] =>
    lines.flatMap((l) => {
      const m = LINE.exec(l);
      return m ? [JSON.parse(m[1]!) as FiguresLine] : [];
    });
  return { base, mailsUrl: `${base}/api/mails`, lines, figureLines, hecToken: sim.token };
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Adds up lines (a period boundary may fall between two posts). */
function total(lines: FiguresLine[]) {
  const sum = { requests: 0, delivered: 0, events: 0, dropped: 0, refused: 0, rejected_auth: 0, unavailable: 0, errors: 0, health_checks: 0, reasons: {} as Record<string, number> };
  for (const l of lines) {
    for (const k of ['requests', 'delivered', 'events', 'dropped', 'refused', 'rejected_auth', 'unavailable', 'errors', 'health_checks'] as const) sum[k] += l[k];
    for (const [code, n] of Object.entries(l.reasons)) sum.reasons[code] = (sum.reasons[code] ?? 0) + n;
  }
  return sum;
}

describe('mail receiver figures line', () => {
  it('counts delivered, refused, unauthorised and 503 requests after real traffic, then writes the shutdown line', async () => {
    const { base, mailsUrl, lines, figureLines, hecToken } = await startAll({ intervalMs: 100, quietMs: 60_000 }, { delivery_timeout: 0.5, retry_after: 1 });
    const t0 = Date.now();

    // A load balancer's probe: counted, but not traffic that makes a line of its own.
    const health = await request(`${base}/health`);
    await health.body.dump();
    const ok1 = await post(mailsUrl, mails('ann@example.com', [message(1), message(2), message(3)]));
    const ok2 = await post(`${base}/api/users`, { users: [{ id: 'g1', loginEmail: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', identities: null }] });
    const bad = await post(mailsUrl, { ownerIdentity: { type: 'email', value: 'ann@example.com' }, mailMessages: [{ sentAt: 'yesterday' }] });
    const unauthorised = await post(mailsUrl, mails('ann@example.com', [message(4)]), { token: 'not-the-connector-token' });
    // HEC answers busy: the request waits delivery_timeout (0.5 s) and gets 503; the connector keeps the data.
    sim!.setFault({ kind: 'busy', count: 1_000 });
    const away = await post(mailsUrl, mails('ann@example.com', [message(5)]));
    sim!.setFault(null);
    expect([ok1.status, ok2.status, bad.status, unauthorised.status, away.status]).toEqual([200, 200, 400, 401, 503]);

    // Periodic lines report the traffic; the interval may have cut it into several lines.
    await waitFor('figures lines counting all 5 requests', () => (total(figureLines()).requests >= 5 ? true : undefined));
    const periodic = figureLines();
    expect(periodic.every((l) => l.final === undefined)).toBe(true);
    expect(total(periodic)).toEqual({
      requests: 5,
      delivered: 2,
      events: 4, // 3 messages + 1 user
      dropped: 0,
      refused: 1,
      rejected_auth: 1,
      unavailable: 1,
      errors: 0,
      health_checks: 1,
      reasons: { [String(bad.json.error)]: 1, [String(unauthorised.json.error)]: 1, [String(away.json.error)]: 1 },
    });
    expect(Object.keys(total(periodic).reasons).sort()).toEqual(['MAIL_AUTH_REFUSED', 'MAIL_DELIVERY_UNAVAILABLE', 'MAIL_PAYLOAD_INVALID'].sort());
    // Each line's period starts where the previous one ended, the first at the receiver's start.
    expect(Date.parse(periodic[0]!.since)).toBeLessThanOrEqual(t0);
    for (let i = 1; i < periodic.length; i++) expect(Date.parse(periodic[i]!.since)).toBeGreaterThan(Date.parse(periodic[i - 1]!.since));

    // Nothing happens: no line per interval (the hourly one is far off).
    const quietFrom = figureLines().length;
    await sleep(450);
    expect(figureLines().length).toBe(quietFrom);

    // One more delivery, then stop: the shutdown line carries it, marked final, and is the last line.
    expect((await post(mailsUrl, mails('bob@example.com', [message(6), message(7)]))).status).toBe(200);
    await input!.stop();
    input = undefined;
    const all = figureLines();
    const last = all.at(-1)!;
    expect(last.final).toBe(true);
    expect(all.filter((l) => l.final)).toHaveLength(1);
    expect(total(all)).toMatchObject({ requests: 6, delivered: 3, events: 6 });

    // No secret in any line the receiver wrote: not the connector token, not the HEC token.
    const text = lines.join('');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('not-the-connector-token');
    expect(text).not.toContain(hecToken);
  }, 30_000);

  it('writes a line with zero counts when the quiet period passes, so an idle receiver shows as alive', async () => {
    const { figureLines } = await startAll({ intervalMs: 40, quietMs: 300 });
    const started = Date.now();
    const first = await waitFor('the quiet line', () => figureLines()[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // not at the first tick: only after the quiet period
    expect(first).toMatchObject({ requests: 0, delivered: 0, events: 0, refused: 0, rejected_auth: 0, unavailable: 0, reasons: {} });
    await sleep(400);
    // About one line per quiet period, not one per 40 ms tick.
    const n = figureLines().length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
  }, 15_000);

  it('with the defaults writes no periodic line in a short run, only the shutdown line', async () => {
    const { mailsUrl, figureLines } = await startAll({});
    expect((await post(mailsUrl, mails('ann@example.com', [message(1)]))).status).toBe(200);
    await sleep(200);
    expect(figureLines()).toEqual([]);
    await input!.stop();
    input = undefined;
    expect(figureLines()).toEqual([expect.objectContaining({ requests: 1, delivered: 1, events: 1, final: true })]);
  });

  it('is read by the health dashboard: its ds_figures rex finds the input and the figures in the splunkd.log form of the line', async () => {
    const { mailsUrl, lines } = await startAll({});
    expect((await post(mailsUrl, mails('ann@example.com', [message(1), message(2)]))).status).toBe(200);
    expect((await post(mailsUrl, {}, { token: 'wrong' })).status).toBe(401);
    await input!.stop();
    input = undefined;
    const line = lines.find((l) => LINE.test(l))!;
    // splunkd.log: ExecProcessor's own prefix before the program's stderr line.
    const raw = `12-07-2026 02:30:00.000 +0000 INFO  ExecProcessor [1234 ExecProcessorSchedulerThread] - message from "/opt/splunk/etc/apps/TA-ser-mail/bin/mail_metadata.sh" ${line.trimEnd()}`;
    const query = String(addonHealthDashboard.definition.dataSources.ds_figures!.options.query);
    const rexes = [...query.matchAll(/\| rex "((?:[^"\\]|\\.)*)"/g)].map((m) => new RegExp(m[1]!));
    const hit = rexes.map((r) => r.exec(raw)).find((m) => m?.groups?.input);
    expect(hit?.groups?.input).toBe(`mail_metadata://${NAME}`);
    const figures = JSON.parse(hit!.groups!.figures!) as FiguresLine;
    expect(figures).toMatchObject({ events: 2, delivered: 1, rejected_auth: 1, final: true });
    // The search's own filter terms are in the line (Splunk finds it before the rex runs).
    const search = query.split('\n').find((l) => l.includes('append [search'))!;
    const terms = [...search.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    expect(terms).toContain('TA-ser-mail');
    expect(terms.filter((t) => t !== 'TA-ser-mail').some((t) => raw.includes(t))).toBe(true);
  });
});

describe('ReceiverFigures counts', () => {
  type Step = { kind: 'ok'; events: number; dropped: number } | { kind: 'refused'; status: number; code: string } | { kind: 'health' } | { kind: 'take' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('ok' as const), events: fc.nat(500), dropped: fc.nat(20) }),
    fc.record({ kind: fc.constant('refused' as const), status: fc.constantFrom(400, 401, 404, 405, 408, 413, 415, 500, 503), code: fc.constantFrom('MAIL_PAYLOAD_INVALID', 'MAIL_AUTH_REFUSED', 'MAIL_AT_CAPACITY', 'MAIL_BODY_TIMEOUT') }),
    fc.constant({ kind: 'health' as const }),
    fc.constant({ kind: 'take' as const }),
  );

  it('loses and doubles nothing across lines, and every request lands in exactly one outcome', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const f = new ReceiverFigures(0);
        const lines: FiguresLine[] = [];
        let t = 0;
        for (const s of steps) {
          if (s.kind === 'ok') f.delivered(s.events, s.dropped);
          else if (s.kind === 'refused') f.refused(s.status, s.code);
          else if (s.kind === 'health') f.health();
          else lines.push(f.take(++t));
        }
        lines.push(f.take(++t, true));
        for (const l of lines) {
          expect(l.requests).toBe(l.delivered + l.refused + l.rejected_auth + l.unavailable + l.errors);
          expect(Object.values(l.reasons).reduce((a, b) => a + b, 0)).toBe(l.requests - l.delivered);
        }
        const sum = total(lines);
        const refusals = steps.filter((s): s is Extract<Step, { kind: 'refused' }> => s.kind === 'refused');
        expect(sum.requests).toBe(steps.filter((s) => s.kind !== 'health' && s.kind !== 'take').length);
        expect(sum.events).toBe(steps.reduce((a, s) => a + (s.kind === 'ok' ? s.events : 0), 0));
        expect(sum.rejected_auth).toBe(refusals.filter((s) => s.status === 401).length);
        expect(sum.unavailable).toBe(refusals.filter((s) => s.status === 503).length);
        expect(sum.health_checks).toBe(steps.filter((s) => s.kind === 'health').length);
        // Periods follow each other: each line starts where the previous one was taken.
        lines.forEach((l, i) => expect(Date.parse(l.since)).toBe(i));
        expect(lines.filter((l) => l.final)).toHaveLength(1);
      }),
    );
  });
});
