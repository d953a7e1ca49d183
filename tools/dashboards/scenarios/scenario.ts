/**
 * A scenario: input events a person wrote down, and for each search the rows that person
 * worked out BY HAND from them (never computed by code). No Splunk runs here, so the test
 * (test/dashboards/scenarios.test.ts) holds each shipped search's structure to these
 * expectations — the columns it returns, what it groups by, its time bounds and the filters
 * the hand computation relied on — and the dashboards are rendered from these rows.
 */
export interface ExpectedRows {
  fields: string[];
  rows: unknown[][];
}

export interface SearchExpectation {
  /** What the panel or search answers, in one sentence (docs/dashboards.md repeats it). */
  question?: string;
  /** Grouping steps that must appear in this order (`stats by account, window_start, …`). */
  groupings: string[];
  /** Fragments of the (macro-expanded) SPL the hand computation relied on, e.g. the period filter. */
  requires?: string[];
  /** The search's own range: the data source's fixed range or the saved search's dispatch times. */
  range?: { earliest: string; latest: string };
  /** For a chart split by a field: the split values the rows have (columns beyond the fixed ones). */
  splitValues?: string[];
  expect: ExpectedRows;
}

export interface Scenario {
  /** View name (a dashboard) or "savedsearches" for scheduled searches. */
  target: string;
  story: string;
  /** The instant the searches run at (now()). */
  now: string;
  /** Input events by sourcetype (or summary source), as Splunk would hold them. */
  events: Record<string, Array<Record<string, unknown>>>;
  /** By data source id (dashboards) or saved search name. */
  searches: Record<string, SearchExpectation>;
}

/** Epoch seconds of an ISO-8601 UTC time (for fields stored as epoch numbers). */
export const epoch = (iso: string): number => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`) / 1000;
/** The form a rendered chart takes a _time value in. */
export const t = (isoDay: string): string => `${isoDay.length === 10 ? `${isoDay}T00:00:00` : isoDay}.000+00:00`;
