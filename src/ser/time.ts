/**
 * The one timestamp format the SER API takes: yyyy-MM-dd'T'HH:mm:ss.SSS'Z', UTC. Date's ISO
 * form is exactly that for years 0000-9999; outside them it adds a sign, which we refuse.
 */
export function formatSerTimestamp(ms: number): string {
  const s = new Date(ms).toISOString();
  if (s.length !== 24) throw new RangeError(`time ${ms} is outside the years SER accepts`);
  return s;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
