import { describe, expect, it } from 'vitest';
import { checkSavedSearch, isCron } from '../../src/dashboards/saved-search-settings.js';
import { readAppConf } from './app-files.js';

describe('savedsearches.conf settings', () => {
  const saved = readAppConf('savedsearches.conf');

  it('every shipped stanza uses only known settings with valid values', () => {
    expect([...saved].flatMap(([name, st]) => checkSavedSearch(name, st))).toEqual([]);
  });

  it('the check catches misspelt keys, bad values, a bad cron and incomplete alerts', () => {
    const bad = new Map([
      ['search', '`ta_ser_mail_index` | stats count'],
      ['enableSched', '1'],
      ['cron_schedule', '*/15 * * *'],
      ['dispatch.earliest_time', '-7days'],
      ['counttype', 'number of results'],
      ['alert.supress', '1'],
      ['alert.suppress', '1'],
      ['alert.severity', '7'],
    ]);
    const text = checkSavedSearch('probe', bad).join('\n');
    expect(text).toMatch(/alert\.supress is not a setting/);
    expect(text).toMatch(/cron_schedule = \*\/15 \* \* \* is not five cron fields/);
    expect(text).toMatch(/dispatch\.earliest_time = -7days is not a valid value/);
    expect(text).toMatch(/counttype = number of results is not a valid value/);
    expect(text).toMatch(/alert\.severity = 7/);
    expect(text).toMatch(/alert without relation/);
    expect(text).toMatch(/suppression without alert\.suppress\.period/);
  });

  it('cron: five fields of numbers, ranges, steps and lists', () => {
    for (const ok of ['20 * * * *', '*/30 * * * *', '40 6 * * 1-5', '0,30 8-18 * * *']) expect(isCron(ok), ok).toBe(true);
    for (const no of ['* * * *', '@daily', '61x * * * *', '* * * * * *']) expect(isCron(no), no).toBe(false);
  });
});
