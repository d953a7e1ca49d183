import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mailInputSchema } from '../../src/mail/config.js';
import { ingest, ingestOptions } from '../../src/mail/ingest.js';
import type { PayloadKind } from '../../src/mail/payload.js';
import { entitlementEvent, windowEvents } from '../../src/ser/events.js';
import { parseSummaryReply } from '../../src/ser/reply.js';
import type { GeneratedFile } from './outputs.js';

/**
 * Golden files of the pure mappers: the reviewed output for fixed inputs. The tests
 * (test/mail/golden.test.ts, test/ser/events.test.ts) compare with the committed files; this is
 * the one place that computes them.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const MAIL_GOLDEN_DIR = 'test/mail/golden';

export interface MailGoldenInput {
  kind: PayloadKind;
  receivedAtMs: number;
  options: Record<string, unknown>;
  payload: unknown;
}

/** The events one mail golden case maps to. */
export function mailGoldenEvents(input: MailGoldenInput) {
  const config = mailInputSchema.parse({ ...input.options, auth_mode: 'static' });
  return ingest(input.kind, input.payload, ingestOptions(config, 'golden'), input.receivedAtMs).events;
}

export function mailGoldenCases(): string[] {
  return readdirSync(path.join(root, MAIL_GOLDEN_DIR))
    .filter((f) => f.endsWith('.input.json'))
    .map((f) => f.replace(/\.input\.json$/, ''))
    .sort();
}

export async function mailGoldenFiles(): Promise<GeneratedFile[]> {
  return mailGoldenCases().map((name) => {
    const input = JSON.parse(readFileSync(path.join(root, MAIL_GOLDEN_DIR, `${name}.input.json`), 'utf8')) as MailGoldenInput;
    return { path: `${MAIL_GOLDEN_DIR}/${name}.expected.json`, content: json(mailGoldenEvents(input)) };
  });
}

export const SER_GOLDEN_DIR = 'test/ser/golden';
/** The fixed window, collection time and account the SER goldens are computed for. */
export const SER_GOLDEN = {
  window: { start: Date.parse('2026-11-01T05:00:00Z'), end: Date.parse('2026-11-01T06:00:00Z') },
  collectedMs: Date.parse('2026-11-01T06:20:00Z'),
  input: { account: 'acme', source: 'ser_report://main' },
  usedBytes: 123_456_789,
  keyExpiresMs: Date.parse('2027-03-01T00:00:00Z'),
};

export function serGoldenReply() {
  return parseSummaryReply(readFileSync(path.join(root, SER_GOLDEN_DIR, 'summary-reply.json'), 'utf8'));
}

export async function serGoldenFiles(): Promise<GeneratedFile[]> {
  const reply = serGoldenReply();
  const g = SER_GOLDEN;
  return [
    { path: `${SER_GOLDEN_DIR}/window-events.json`, content: json(windowEvents(g.input, g.window, 0, g.collectedMs, reply.users)) },
    {
      path: `${SER_GOLDEN_DIR}/entitlement-event.json`,
      content: json(entitlementEvent({ account: g.input.account }, g.collectedMs, { entitlement: reply.entitlement, usedBytes: g.usedBytes, keyExpiresMs: g.keyExpiresMs })),
    },
  ];
}
