/**
 * The SER simulator's data: deterministic per-minute cells per application user, so any
 * window's numbers are exactly the sum of its hours (and of its minutes). Temporary failures
 * are reclassified as they age — a share of them every hour, all of them after 7 days — which
 * is what makes restatement observable.
 */

export interface SimAppUser {
  applicationName: string;
  applicationUserName: string;
  fromEnvelope: string;
  fromHeader: string;
  /** Most messages in one minute. */
  weight: number;
  /** UTC hours (0-23) in which this user sends nothing. */
  quietHours?: number[];
}

export const DEFAULT_SIM_USERS: SimAppUser[] = [
  { applicationName: 'Salesforce', applicationUserName: 'sf-notify', fromEnvelope: 'noreply@example.com', fromHeader: 'example.com', weight: 12 },
  { applicationName: 'Workday', applicationUserName: 'hr-mailer', fromEnvelope: 'hr@example.com', fromHeader: 'hr@example.com', weight: 4, quietHours: [0, 1, 2, 3, 4, 5, 22, 23] },
  { applicationName: 'ServiceNow', applicationUserName: 'sn-tickets', fromEnvelope: 'example.org', fromHeader: 'tickets@example.org', weight: 7, quietHours: [3] },
  { applicationName: 'Custom app', applicationUserName: 'billing', fromEnvelope: 'billing@example.net', fromHeader: 'billing@example.net', weight: 3, quietHours: [3, 12, 13] },
];

/** Hour of the day in which nobody sends: windows without traffic still get a coverage event. */
const SILENT_HOUR = 3;
const RECLASSIFY_HOURS = 168;

export interface SimCounts {
  success: number;
  failure: number;
  tempFailure: number;
  partialSuccess: number;
  inProgress: number;
  total: number;
  recipientsTotal: number;
  messageSizeTotal: number;
  deliveredSizeTotal: number;
  dsn2: number;
  dsn4: number;
  dsn5: number;
}

export function zeroCounts(): SimCounts {
  return { success: 0, failure: 0, tempFailure: 0, partialSuccess: 0, inProgress: 0, total: 0, recipientsTotal: 0, messageSizeTotal: 0, deliveredSizeTotal: 0, dsn2: 0, dsn4: 0, dsn5: 0 };
}

/** A 32-bit integer hash (murmur3 finaliser): fast, deterministic, well spread. */
function mix(a: number, b: number, c: number): number {
  let h = (a * 0x9e3779b1) ^ (b * 0x85ebca77) ^ (c * 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Adds one user's minute `minute` (minutes since the epoch), as seen at `asOfMs`, to `acc`. */
export function addMinute(acc: SimCounts, seed: number, userIndex: number, user: SimAppUser, minute: number, asOfMs: number): void {
  const startMs = minute * 60_000;
  if (startMs >= asOfMs) return;
  const hourOfDay = Math.floor(minute / 60) % 24;
  if (hourOfDay === SILENT_HOUR || user.quietHours?.includes(hourOfDay)) return;
  const h = mix(seed, userIndex + 1, minute);
  const n = h % (user.weight + 1);
  if (n === 0) return;
  const temp0 = (h >>> 8) % (Math.floor(n / 4) + 1);
  const fail0 = (h >>> 12) % (Math.floor((n - temp0) / 6) + 1);
  const partial = ((h >>> 20) & 63) === 0 && n - temp0 - fail0 > 0 ? 1 : 0;
  const ageHours = Math.floor((asOfMs - startMs) / 3_600_000);
  const reclassified = Math.floor((temp0 * Math.min(ageHours, RECLASSIFY_HOURS)) / RECLASSIFY_HOURS);
  const toFailure = Math.floor(reclassified / 3);
  const temp = temp0 - reclassified;
  const failure = fail0 + toFailure;
  const success = n - temp0 - fail0 - partial + (reclassified - toFailure);
  const size = 1500 + ((h >>> 4) % 20_000);
  acc.success += success;
  acc.failure += failure;
  acc.tempFailure += temp;
  acc.partialSuccess += partial;
  acc.total += n;
  acc.recipientsTotal += n + ((h >>> 24) % (n + 1));
  acc.messageSizeTotal += n * size;
  acc.deliveredSizeTotal += (success + partial) * size;
  acc.dsn2 += success + partial;
  acc.dsn4 += temp;
  acc.dsn5 += failure;
}

/** Per user, the numbers of [startMs, endMs) as seen at asOfMs (cells assigned by their start). */
export function windowCounts(seed: number, users: readonly SimAppUser[], startMs: number, endMs: number, asOfMs: number): SimCounts[] {
  const first = Math.ceil(startMs / 60_000);
  const last = Math.ceil(Math.min(endMs, asOfMs) / 60_000); // exclusive
  return users.map((u, i) => {
    const acc = zeroCounts();
    for (let m = first; m < last; m++) addMinute(acc, seed, i, u, m, asOfMs);
    return acc;
  });
}
