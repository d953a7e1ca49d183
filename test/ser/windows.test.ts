import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSerTimestamp } from '../../src/ser/time.js';
import { alignDown, firstWindowStart, planWindows } from '../../src/ser/windows.js';

const DAY = 86_400_000;
/** Every window size (ms) that divides a day into whole minutes. */
const SIZES = Array.from({ length: 1440 }, (_, i) => i + 1).filter((m) => 1440 % m === 0).map((m) => m * 60_000);
const size = fc.constantFrom(...SIZES);
const instant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') });

function assertTiling(windows: Array<{ start: number; end: number }>, from: number, until: number, sizeMs: number): void {
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    expect(w.end).toBeGreaterThan(w.start);
    expect(w.end % sizeMs).toBe(0); // every window ends on an aligned boundary
    expect(w.end).toBeLessThanOrEqual(until);
    if (i === 0) expect(w.start).toBe(from);
    else expect(w.start).toBe(windows[i - 1]!.end); // no gap, no overlap
  }
  // Nothing left out: the next window would not fit before `until`.
  const next = windows.length ? windows[windows.length - 1]!.end : from;
  expect(alignDown(next, sizeMs) + sizeMs).toBeGreaterThan(until);
}

describe('window planner', () => {
  it('tiles [from, until) with aligned windows that never overlap and never leave a gap', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 3 * DAY }), size, (from, span, sizeMs) => {
        const until = from + span;
        assertTiling(planWindows(from, until, sizeMs), from, until, sizeMs);
      }),
      { numRuns: 300 },
    );
  });

  it('stays gap-free across runs that stop anywhere and change the window size in between', () => {
    fc.assert(
      fc.property(instant, fc.array(fc.tuple(fc.integer({ min: 0, max: DAY }), size), { minLength: 1, maxLength: 6 }), (from, runs) => {
        const all: Array<{ start: number; end: number }> = [];
        let cursor = from;
        let until = from;
        for (const [advance, sizeMs] of runs) {
          until += advance;
          const ws = planWindows(cursor, until, sizeMs);
          all.push(...ws);
          if (ws.length) cursor = ws[ws.length - 1]!.end;
        }
        for (let i = 1; i < all.length; i++) expect(all[i]!.start).toBe(all[i - 1]!.end);
        if (all.length) expect(all[0]!.start).toBe(from);
      }),
      { numRuns: 200 },
    );
  });

  it('caps the number of windows and refuses sizes that do not divide a day', () => {
    expect(planWindows(0, DAY, 3_600_000, 5)).toHaveLength(5);
    expect(() => planWindows(0, DAY, 7 * 60_000)).toThrow(/divide a day/);
    expect(() => planWindows(0, DAY, 30_000)).toThrow(/divide a day/);
  });

  it('first run: start date, else licence start, never before the look-back bound, aligned down', () => {
    fc.assert(
      fc.property(instant, size, fc.option(instant, { nil: undefined }), fc.option(instant, { nil: undefined }), fc.integer({ min: 1, max: 400 }), (now, sizeMs, startDate, licenseStart, days) => {
        const lookback = days * DAY;
        const s = firstWindowStart({ sizeMs, nowMs: now, maxLookbackMs: lookback, startDateMs: startDate, licenseStartMs: licenseStart });
        expect(s % sizeMs).toBe(0);
        expect(s).toBeGreaterThan(now - lookback - sizeMs);
        const wanted = startDate ?? licenseStart ?? now - lookback;
        expect(s).toBe(alignDown(Math.max(wanted, now - lookback), sizeMs));
      }),
    );
  });
});

describe('SER timestamps', () => {
  it("are exactly yyyy-MM-dd'T'HH:mm:ss.SSS'Z' in UTC and read back to the same instant", () => {
    expect(formatSerTimestamp(Date.parse('2020-06-01T00:00:00Z'))).toBe('2020-06-01T00:00:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.parse('9999-12-31T23:59:59.999Z') }), (ms) => {
        const s = formatSerTimestamp(ms);
        expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(Date.parse(s)).toBe(ms);
      }),
    );
  });
});
