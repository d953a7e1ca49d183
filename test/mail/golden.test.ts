import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { eventSchemas, HEADER_FIELD_PREFIX } from '../../src/mail/event-schema.js';
import { mailGoldenCases, mailGoldenEvents, type MailGoldenInput } from '../../tools/generate/golden.js';

/**
 * Pure mappers against golden files: <name>.input.json (kind, options, payload) →
 * <name>.expected.json (the events). `npm run generate` rewrites the expected files (the mapping is
 * tools/generate/golden.ts); review the diff.
 */
const dir = fileURLToPath(new URL('./golden/', import.meta.url));
const cases = mailGoldenCases();

describe('connector payload → CIM events (golden files)', () => {
  it('has golden cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const name of cases) {
    it(name, () => {
      const input = JSON.parse(readFileSync(`${dir}${name}.input.json`, 'utf8')) as MailGoldenInput;
      const events = mailGoldenEvents(input);
      const expectedFile = `${dir}${name}.expected.json`;
      expect(existsSync(expectedFile), `${expectedFile} is missing; run npm run generate and review it`).toBe(true);
      expect(events, 'run npm run generate and review the diff').toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));

      for (const e of events) {
        const schema = eventSchemas[e.sourcetype as keyof typeof eventSchemas];
        expect(schema, `no event schema for ${e.sourcetype}`).toBeDefined();
        const body = Object.fromEntries(Object.entries(e.event as Record<string, unknown>).filter(([k]) => !k.startsWith(HEADER_FIELD_PREFIX)));
        expect(() => schema.strict().parse(body)).not.toThrow();
      }
    });
  }

  it('never lets the body out under the default policy', () => {
    const expected = readFileSync(`${dir}mails-drop.expected.json`, 'utf8');
    expect(expected).not.toContain('the body that must never leave');
    expect(expected).not.toContain('body_');
  });

  it('keys the event schemas by the product sourcetypes', () => {
    expect(Object.keys(eventSchemas).sort()).toEqual([SOURCETYPES.mailMessage, SOURCETYPES.mailUser].sort());
  });
});
