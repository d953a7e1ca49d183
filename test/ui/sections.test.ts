import { describe, expect, it } from 'vitest';
import { ACCOUNT_KIND, HEC_KIND, PROXY_REALM, SEND_KIND, SETTINGS_FILE } from '../../src/splunk/named-settings.js';
import { accounts, hec, logging, proxy, SECTIONS, send } from '../../src/ui/sections.js';

/** The page writes exactly where the program reads (docs/ARCHITECTURE.md configuration model). */
describe('configuration page sections', () => {
  it('use the .conf files and storage/passwords realms the program reads', () => {
    for (const [section, kind] of [[accounts, ACCOUNT_KIND], [hec, HEC_KIND], [send, SEND_KIND]] as const) {
      expect(section.file).toBe(kind.file);
      expect(section.schema).toBe(kind.schema);
      expect(section.realms).toEqual(kind.secrets);
    }
    expect(proxy.file).toBe(SETTINGS_FILE);
    expect(logging.file).toBe(SETTINGS_FILE);
    expect([proxy.stanza, logging.stanza]).toEqual(['proxy', 'logging']);
    expect(proxy.realms).toEqual({ password: PROXY_REALM });
  });

  it('give every secret field a realm, and every listed field exists', () => {
    for (const s of SECTIONS) {
      const keys = s.fields.map((f) => f.key);
      expect(s.fields.filter((f) => f.secret).map((f) => f.key).sort(), s.id).toEqual(Object.keys(s.realms).sort());
      for (const k of s.primary) expect(keys, `${s.id}.primary`).toContain(k);
      if (s.kind === 'collection') for (const k of s.columns) expect(keys, `${s.id}.columns`).toContain(k);
      expect(new Set(SECTIONS.map((x) => x.id)).size).toBe(SECTIONS.length);
    }
  });

  it('show every field of each schema (the form is the schema)', () => {
    for (const s of SECTIONS) {
      const shape = Object.keys((s.schema as unknown as { shape?: Record<string, unknown> }).shape ?? (s.schema as unknown as { def: { in: { shape: Record<string, unknown> } } }).def.in.shape);
      expect(s.fields.map((f) => f.key).filter((k) => k !== 'password' || s.id !== 'proxy'), s.id).toEqual(shape);
    }
  });
});
