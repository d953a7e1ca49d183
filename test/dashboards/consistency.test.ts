import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { checkSavedSearchRefs, checkSearch, dashboardSearches, drilldownSearches, INDEX_MACRO, type CheckContext } from '../../src/dashboards/consistency.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';
import { buildVocabulary, EVENT_SCHEMAS, propsFields } from '../../src/dashboards/vocabulary.js';
import { APP_DIR, readAppConf, readShippedViews } from './app-files.js';

const props = readAppConf('props.conf');
const macrosConf = readAppConf('macros.conf');
const saved = readAppConf('savedsearches.conf');
const eventtypes = readAppConf('eventtypes.conf');
const tags = readAppConf('tags.conf');
const ctx: CheckContext = { macros: macrosFromConf(macrosConf), vocabulary: buildVocabulary(props), eventtypes };
const views = readShippedViews();

const savedSpl = new Map([...saved].map(([name, st]) => [name, st.get('search') ?? '']));
const shippedSearches = () => [
  ...views.flatMap((v) => dashboardSearches(v.view, v.parsed.definition, savedSpl)),
  ...views.flatMap((v) => drilldownSearches(v.view, v.parsed.definition)),
  ...[...saved].map(([name, st]) => ({ where: `savedsearch ${name}`, spl: st.get('search') ?? '' })),
];

describe('every name a dashboard or saved search uses exists (fields from the code\'s event schemas)', () => {
  it('every sourcetype the code emits has an event schema and a props.conf stanza', () => {
    for (const st of Object.values(SOURCETYPES)) {
      expect(EVENT_SCHEMAS[st], st).toBeDefined();
      expect(props.get(st)?.get('KV_MODE'), st).toBe('json');
    }
  });

  it('every shipped search reads only emitted, props-defined or search-created fields, known sourcetypes and defined macros', () => {
    const problems = shippedSearches().flatMap((s) => checkSearch(s, ctx));
    expect(problems).toEqual([]);
  });

  it('the check fails on an unknown field, sourcetype, macro, eventtype or a literal index', () => {
    const bad = checkSearch(
      { where: 'probe', spl: 'index=main `ta_ser_mail_index` sourcetype="mail:messages" eventtype=nope | stats sum(no_such_field) by application_name' },
      ctx,
    );
    expect(bad.join('\n')).toMatch(/names an index directly/);
    expect(bad.join('\n')).toMatch(/sourcetype mail:messages is not one the code emits/);
    expect(bad.join('\n')).toMatch(/field "no_such_field"/);
    expect(bad.join('\n')).toMatch(/eventtype nope is not defined/);
    // a field of another sourcetype is not accepted for this one
    const other = checkSearch({ where: 'probe', spl: '`ta_ser_mail_index` sourcetype="mail:message" | table window_start' }, ctx);
    expect(other.join('\n')).toMatch(/field "window_start"/);
    expect(checkSearch({ where: 'probe', spl: '`no_such_macro`' }, ctx).join('\n')).toMatch(/no_such_macro/);
    expect(checkSearch({ where: 'probe', spl: 'sourcetype="mail:message"' }, ctx).join('\n')).toMatch(new RegExp(`does not start from \`${INDEX_MACRO}\``));
  });

  it('every drilldown search is checked, and every ds.savedSearch names a saved search that exists', () => {
    expect(views.flatMap((v) => drilldownSearches(v.view, v.parsed.definition)).length).toBeGreaterThanOrEqual(4);
    expect(views.flatMap((v) => checkSavedSearchRefs(v.view, v.parsed.definition, savedSpl))).toEqual([]);
    const probe = structuredClone(views.find((v) => v.view === 'ta_ser_mail_addon_health')!.parsed.definition);
    probe.dataSources.ds_inputs!.options.ref = 'TA-ser-mail - no such report';
    expect(checkSavedSearchRefs('probe', probe, savedSpl)).toEqual(['view probe: ds_inputs reads saved search "TA-ser-mail - no such report", which savedsearches.conf does not define']);
  });

  it('every macro in macros.conf is used by a shipped search', () => {
    const used = new Set<string>();
    for (const s of shippedSearches()) expandMacros(s.spl, ctx.macros, used);
    expect([...ctx.macros.keys()].filter((m) => !used.has(m))).toEqual([]);
  });

  it('props.conf EVALs read only fields of their own sourcetype', () => {
    for (const st of Object.values(SOURCETYPES)) {
      const vocab = ctx.vocabulary.get(st)!;
      for (const [key, value] of props.get(st) ?? []) {
        if (!key.startsWith('EVAL-')) continue;
        for (const m of value.replace(/"[^"]*"/g, '').matchAll(/'([^']+)'|\b([a-z_][\w.{}]*)\b(?!\s*\()/g)) {
          const f = m[1] ?? m[2]!;
          if (['if', 'null', 'round', 'true', 'false'].includes(f)) continue;
          expect(vocab.has(f) || f === '_time', `${st} ${key} reads ${f}`).toBe(true);
        }
      }
      expect(propsFields(props.get(st)).every((f) => vocab.has(f))).toBe(true);
    }
  });
});

describe('CIM Email: per-message events are tagged, SER aggregates are not', () => {
  const tagged = (eventtype: string) => [...(tags.get(`eventtype=${eventtype}`) ?? [])].filter(([, v]) => v === 'enabled').map(([k]) => k).sort();
  const eventtypeOf = (st: string) => [...eventtypes].find(([, s]) => s.get('search') === `sourcetype="${st}"`)?.[0];

  it('mail metadata carries email + delivery; the send audit is a modular action result, never Email', () => {
    expect(tagged(eventtypeOf(SOURCETYPES.mailMessage)!)).toEqual(['delivery', 'email']);
    expect(tagged(eventtypeOf(SOURCETYPES.sendAudit)!)).toEqual(['modaction', 'modaction_result']);
    expect(tagged(eventtypeOf(SOURCETYPES.sendInvocation)!)).toEqual(['invocation', 'modaction']);
  });

  it('SER summaries, entitlement, coverage, users and telemetry carry no email tag', () => {
    for (const st of [SOURCETYPES.serSummary, SOURCETYPES.serEntitlement, SOURCETYPES.serCoverage, SOURCETYPES.mailUser, SOURCETYPES.telemetry]) {
      const et = eventtypeOf(st);
      if (et) expect(tagged(et), st).not.toContain('email');
    }
    for (const [stanza] of tags) expect(['eventtype=ta_ser_mail_message', 'eventtype=ta_ser_mail_send_audit', 'eventtype=ta_ser_mail_send_invocation'].some((p) => stanza.startsWith(p)), stanza).toBe(true);
  });

  it('action and protocol of the tagged sourcetypes only take values the CIM Email model allows', () => {
    const cim: Record<string, string[]> = { action: ['delivered', 'blocked', 'quarantined', 'deleted'], protocol: ['smtp', 'imap', 'pop3', 'mapi'] };
    const values = (field: z.ZodType): string[] => {
      const json = z.toJSONSchema(field) as { const?: string; enum?: string[] };
      return json.enum ?? (json.const !== undefined ? [json.const] : []);
    };
    for (const st of [SOURCETYPES.mailMessage, SOURCETYPES.sendAudit]) {
      const shape = (EVENT_SCHEMAS[st] as z.ZodObject).shape as Record<string, z.ZodType>;
      for (const [field, allowed] of Object.entries(cim)) {
        const got = values(shape[field]!);
        expect(got.length, `${st} ${field}`).toBeGreaterThan(0);
        expect(got.filter((v) => !allowed.includes(v)), `${st} ${field}`).toEqual([]);
      }
    }
  });

  it('the CIM Email required fields exist for the tagged sourcetypes', () => {
    // src and dest name systems: mail:message leaves them unset when the connector does not
    // know them (issue 17.6) rather than filling them with domains.
    const required = ['action', 'internal_message_id', 'message_id', 'protocol', 'recipient', 'recipient_count', 'return_addr', 'src_user', 'user'];
    for (const st of [SOURCETYPES.mailMessage, SOURCETYPES.sendAudit]) {
      const vocab = ctx.vocabulary.get(st)!;
      expect(required.filter((f) => !vocab.has(f)), st).toEqual([]);
    }
  });
});

describe('saved searches and navigation', () => {
  it('every saved search ships disabled and scheduled with a time range', () => {
    expect(saved.size).toBeGreaterThanOrEqual(5);
    for (const [name, st] of saved) {
      expect(st.get('disabled'), name).toBe('1');
      expect(st.get('dispatch.earliest_time'), name).toBeTruthy();
      expect(st.get('cron_schedule'), name).toBeTruthy();
    }
  });

  it('the navigation lists every dashboard', () => {
    const nav = readFileSync(path.join(APP_DIR, 'default/data/ui/nav/default.xml'), 'utf8');
    for (const v of views) expect(nav, v.view).toContain(`<view name="${v.view}"/>`);
  });
});
