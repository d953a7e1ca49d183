/**
 * The savedsearches.conf settings the app's stanzas may use, and what each accepts (from
 * savedsearches.conf.spec). A misspelt key or value is ignored by Splunk without a word, and
 * the alert then never fires or fires on every run: this makes it a test failure instead.
 */
const bool01 = /^[01]$/;
const relativeTime = /^(now|0|[+-]\d*(s|m|h|d|w|mon|q|y)(@(s|m|h|d|w[0-7]?|mon|q|y))?|@(s|m|h|d|w[0-7]?|mon|q|y))$/;
const period = /^\d+[smhd]$/;
const cronField = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const anything = /[\s\S]*/;

export const SAVED_SEARCH_SETTINGS: Record<string, RegExp> = {
  search: anything,
  description: anything,
  disabled: bool01,
  enableSched: bool01,
  cron_schedule: anything, // checked by isCron
  'dispatch.earliest_time': relativeTime,
  'dispatch.latest_time': relativeTime,
  counttype: /^(number of events|number of hosts|number of sources|custom|always)$/,
  relation: /^(greater than|less than|equal to|not equal to|drops by|rises by)$/,
  quantity: /^\d+$/,
  'alert.track': /^(0|1|auto|true|false)$/,
  'alert.severity': /^[1-6]$/,
  'alert.digest_mode': bool01,
  'alert.suppress': bool01,
  'alert.suppress.fields': /^[A-Za-z_][\w.]*(,[A-Za-z_][\w.]*)*$/,
  'alert.suppress.period': period,
  'alert.expires': period,
};

/** Five cron fields, each `*`, a number, a range, a step or a list of those. */
export function isCron(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => cronField.test(f));
}

/** Problems with one stanza's settings: unknown keys, bad values, alert settings without a schedule. */
export function checkSavedSearch(name: string, stanza: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, value] of stanza) {
    const rule = SAVED_SEARCH_SETTINGS[key];
    if (!rule) problems.push(`[${name}] ${key} is not a setting this app's saved searches use (misspelt?)`);
    else if (!rule.test(value)) problems.push(`[${name}] ${key} = ${value} is not a valid value`);
  }
  const cron = stanza.get('cron_schedule');
  if (cron !== undefined && !isCron(cron)) problems.push(`[${name}] cron_schedule = ${cron} is not five cron fields`);
  if (stanza.get('enableSched') === '1' && cron === undefined) problems.push(`[${name}] is scheduled but has no cron_schedule`);
  const alerting = [...stanza.keys()].some((k) => k.startsWith('alert.') || k === 'counttype');
  if (alerting) {
    for (const k of ['counttype', 'relation', 'quantity']) if (!stanza.has(k)) problems.push(`[${name}] alert without ${k}`);
    if (stanza.get('alert.suppress') === '1' && !stanza.has('alert.suppress.period')) problems.push(`[${name}] suppression without alert.suppress.period`);
  }
  return problems;
}
