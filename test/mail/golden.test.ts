import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { mailInputSchema } from '../../src/mail/config.js';
import { eventSchemas, HEADER_FIELD_PREFIX } from '../../src/mail/event-schema.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import type { PayloadKind } from '../../src/mail/payload.js';

/**
 * Pure mappers against golden files: <name>.input.json (kind, options, payload) →
 * <name>.expected.json (the events). UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
const dir = fileURLToPath(new URL('./golden/', import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith('.input.json')).map((f) => f.replace(/\.input\.json$/, ''));

describe('connector payload → CIM events (golden files)', () => {
  it('has golden cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const name of cases) {
    it(name, () => {
      const input = JSON.parse(readFileSync(`${dir}${name}.input.json`, 'utf8')) as {
        kind: PayloadKind;
        receivedAtMs: number;
        options: Record<string, unknown>;
        payload: unknown;
      };
      const config = mailInputSchema.parse({ ...input.options, auth_mode: 'static' });
      const out = ingest(input.kind, input.payload, ingestOptions(config, 'golden'), input.receivedAtMs);
      const expectedFile = `${dir}${name}.expected.json`;
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, `${JSON.stringify(out.events, null, 2)}\n`);
      expect(existsSync(expectedFile), `${expectedFile} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(out.events).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));

      for (const e of out.events) {
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
