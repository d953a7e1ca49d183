import { describe, expect, it } from 'vitest';
import { checkBaseSearches } from '../../src/dashboards/base-search.js';
import { dashboardSearches } from '../../src/dashboards/consistency.js';
import type { DashboardDefinition } from '../../src/dashboards/definition.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';
import { unknownFunctions } from '../../src/dashboards/spl-functions.js';
import { readAppConf, readShippedViews } from './app-files.js';

describe('dashboard base searches', () => {
  it('every base search a chain extends ends in a transforming command (no 500,000-event truncation)', () => {
    const macros = macrosFromConf(readAppConf('macros.conf'));
    const saved = new Map([...readAppConf('savedsearches.conf')].map(([name, st]) => [name, st.get('search') ?? '']));
    const problems = readShippedViews().flatMap((v) => checkBaseSearches(v.view, v.parsed.definition, (spl) => expandMacros(spl, macros), saved));
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

describe('functions in shipped SPL', () => {
  const macros = macrosFromConf(readAppConf('macros.conf'));
  const saved = readAppConf('savedsearches.conf');
  const props = readAppConf('props.conf');
  const texts = (): Array<{ where: string; spl: string }> => [
    ...readShippedViews().flatMap((v) => dashboardSearches(v.view, v.parsed.definition, new Map([...saved].map(([name, st]) => [name, st.get('search') ?? ''])))),
    ...[...saved].map(([name, st]) => ({ where: `savedsearch ${name}`, spl: st.get('search') ?? '' })),
    ...[...macros].map(([name, m]) => ({ where: `macro ${name}`, spl: m.definition })),
    ...[...props].flatMap(([st, kv]) => [...kv].filter(([k]) => k.startsWith('EVAL-')).map(([k, v]) => ({ where: `props [${st}] ${k}`, spl: v }))),
  ];

  it('every function a search, macro or props EVAL calls is a Splunk eval or stats function', () => {
    const problems = texts().flatMap((t) => unknownFunctions(expandMacros(t.spl, macros)).map((f) => `${t.where}: ${f}()`));
    expect(problems).toEqual([]);
  });

  it('the check catches an invented function (it can fail)', () => {
    expect(unknownFunctions('| eval d=datediff(a, b), x=round(y, 2) | stats sum(eval(if(a="f(x)", 1, 0))) as n, perc95(z)')).toEqual(['datediff']);
  });
});
