import { DAY_MS } from './time.js';

/** A report window: [start, end) in epoch milliseconds, UTC. */
export interface Window {
  start: number;
  end: number;
}

/** Start of the aligned window that contains `ms` (windows are aligned to UTC midnight). */
export function alignDown(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs) * sizeMs;
}

export function assertWindowSize(sizeMs: number): void {
  if (!Number.isInteger(sizeMs) || sizeMs < 60_000 || DAY_MS % sizeMs !== 0) {
    throw new RangeError(`window size ${sizeMs} ms does not divide a day into whole windows of at least a minute`);
  }
}

/**
 * Windows that tile [from, until) as far as whole aligned windows reach: each ends on an
 * aligned boundary ≤ until, the first starts exactly at `from` (so a cursor that is not on a
 * boundary, e.g. after the window size changed, gets one short window and then aligned ones),
 * each next one starts where the previous ended. At most `max` windows.
 */
export function planWindows(from: number, until: number, sizeMs: number, max = Number.POSITIVE_INFINITY): Window[] {
  assertWindowSize(sizeMs);
  const out: Window[] = [];
  let start = from;
  // Bounded: every turn moves `start` forward by at least a millisecond and stops at `until`.
  while (out.length < max) {
    const end = alignDown(start, sizeMs) + sizeMs;
    if (end > until) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}

export interface FirstStartOptions {
  sizeMs: number;
  nowMs: number;
  maxLookbackMs: number;
  /** The configured start date, if any. */
  startDateMs?: number;
  /** license_start from the entitlement block, if SER sent one. */
  licenseStartMs?: number;
}

/**
 * Where the first run begins: the configured start date, else the licence start, never
 * further back than the maximum look-back; aligned down so the first window is whole.
 * Without either date, the look-back bound itself is the start.
 */
export function firstWindowStart(o: FirstStartOptions): number {
  const floor = o.nowMs - o.maxLookbackMs;
  const wanted = o.startDateMs ?? o.licenseStartMs ?? floor;
  return alignDown(Math.max(wanted, floor), o.sizeMs);
}
