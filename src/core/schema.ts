import { z } from 'zod';

/**
 * Shared zod helpers for configuration that arrives as strings (Splunk .conf values,
 * modular-input params, alert parameters) as well as typed YAML. Browser-safe: zod only.
 */

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on', 't']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'off', 'f', '']);

/** A boolean that also accepts Splunk's spellings: 1/0, true/false, yes/no, on/off. */
export const boolish = z.union([z.boolean(), z.number(), z.string()]).transform((v, ctx): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const w = v.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  ctx.addIssue({ code: 'custom', message: `expected a boolean (1/0, true/false, yes/no), got "${v}"` });
  return z.NEVER;
});

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration in seconds: a number, or a string like "30", "30s", "5m", "2h", "1d", "250ms". */
export const durationSeconds = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v >= 0) return v;
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(v);
    if (m) return Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's').toLowerCase()]!;
  }
  ctx.addIssue({ code: 'custom', message: `expected a duration such as 30, 30s, 5m, 2h or 1d, got "${String(v)}"` });
  return z.NEVER;
});
