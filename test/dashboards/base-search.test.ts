import { describe, expect, it } from 'vitest';
import { checkBaseSearches } from '../../src/dashboards/base-search.js';
import type { DashboardDefinition } from '../../src/dashboards/definition.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';
import { readAppConf, readShippedViews } from './app-files.js';

describe('dashboard base searches', () => {
  it('every base search a chain extends ends in a transforming command (no 500,000-event truncation)', () => {
    const macros = macrosFromConf(readAppConf('macros.conf'));
    const problems = readShippedViews().flatMap((v) => checkBaseSearches(v.view, v.parsed.definition, (spl) => expandMacros(spl, macros)));
    expect(problems).toEqual([]);
  });

  it('the check reports an event-returning base search (it can fail)', () => {
    const def = {
      dataSources: {
        ds_base: { type: 'ds.search', options: { query: '`ta_ser_mail_ser_latest`\n| fields _time success' } },
        ds_post: { type: 'ds.chain', options: { extend: 'ds_base', query: '| stats sum(success)' } },
        ds_alone: { type: 'ds.search', options: { query: '`ta_ser_mail_index` | fields a' } },
      },
    } as unknown as DashboardDefinition;
    const problems = checkBaseSearches('probe', def);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/base search ds_base has no transforming command/);
  });
});
