import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boolish, durationSeconds } from '../../src/core/schema.js';
import { defineModularInput } from '../../src/splunk/define-input.js';
import { INPUT_KINDS } from '../../src/splunk/inputs/index.js';
import { runModinput } from '../../src/splunk/modinput-main.js';
import { parseValidationDocument as parseItems } from '../../src/splunk/protocol-xml.js';
import { schemeXml, validateDocument } from '../../src/splunk/scheme.js';
import { generatedFiles } from '../../src/splunk/spec-files.js';
import { settingsOf } from '../../src/splunk/schema-args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (n) => n === 'arg' });

const demo = defineModularInput({
  kind: 'demo_kind',
  title: 'Demo',
  description: 'A kind for tests',
  schema: z.object({
    url: z.string().url().describe('base URL'),
    size: z.coerce.number().int().min(1).max(1000).default(10).describe('batch size'),
    start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-mm-dd').optional().describe('first day'),
    on: boolish.default(true).describe('switch'),
    every: durationSeconds.default(60).describe('how often'),
    token: z.string().min(1).describe('API token (secret: stored in storage/passwords, realm demo_realm)'),
    index: z.string().optional().describe('index'),
  }),
  validate: (c) => (c.size > 500 && c.every < 10 ? 'size: more than 500 needs every >= 10' : undefined),
  async run() {},
});

function items(params: Record<string, string>): string {
  const p = Object.entries(params).map(([k, v]) => `<param name="${k}">${v}</param>`).join('');
  return `<items><server_host>h</server_host><server_uri>https://127.0.0.1:8089</server_uri><session_key>k</session_key><checkpoint_dir>/tmp</checkpoint_dir><item name="one">${p}</item></items>`;
}

describe('scheme from the zod schema', () => {
  it('types, describes and requires every argument but the implied ones', () => {
    const s = parser.parse(schemeXml(demo)) as { scheme: { title: string; use_external_validation: string; streaming_mode: string; endpoint: { args: { arg: Array<Record<string, string>> } } } };
    expect(s.scheme.title).toBe('Demo');
    expect(s.scheme.use_external_validation).toBe('true');
    expect(s.scheme.streaming_mode).toBe('xml');
    const args = Object.fromEntries(s.scheme.endpoint.args.arg.map((a) => [a['@_name'], a]));
    expect(Object.keys(args)).toEqual(['url', 'size', 'start_date', 'on', 'every', 'token', 'output', 'checkpoint_store']);
    expect(args.url).toMatchObject({ data_type: 'string', required_on_create: 'true', required_on_edit: 'false' });
    expect(args.size).toMatchObject({ data_type: 'number', required_on_create: 'false', validation: "is_pos_int('size')" });
    expect(args.on!.data_type).toBe('boolean');
    // A duration takes "300" as well as "5m": text for splunkd, checked by --validate-arguments.
    expect(args.every!.data_type).toBe('string');
    expect(args.url!.title).toBe('URL');
    expect(args.start_date!.title).toBe('Start date');
    expect(args.token!.required_on_create).toBe('false');
    expect(args.size!.description).toContain('Default: 10');
    expect(args.checkpoint_store!.description).toContain('One of: file, kvstore');
  });

  it('accepts good values and refuses bad ones naming the field', () => {
    const ok = { url: 'https://x.example', size: '20', on: 'yes', every: '5m', start_date: '2026-01-31' };
    expect(validateDocument(demo, parseItems(items(ok)))).toBeUndefined();
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ ...ok, url: 'not a url' }, /demo_kind:\/\/one url: /],
      [{ ...ok, size: '0' }, /size: .*>=1/],
      [{ ...ok, size: '1001' }, /size: .*<=1000/],
      [{ ...ok, size: 'ten' }, /size: /],
      [{ ...ok, start_date: '31.01.2026' }, /start_date: expected yyyy-mm-dd/],
      [{ ...ok, on: 'maybe' }, /on: expected a boolean/],
      [{ ...ok, every: '5 parsecs' }, /every: expected a duration/],
      [{ ...ok, output: 'tcp' }, /output: /],
      [{ ...ok, size: '600', every: '5' }, /size: more than 500 needs every >= 10/],
      [{ size: '5' }, /url: /],
    ];
    for (const [p, re] of bad) expect(validateDocument(demo, parseItems(items(p)))).toMatch(re);
  });

  it('answers --validate-arguments with <error><message> and exit 1, and with nothing and exit 0', async () => {
    const run = async (xml: string) => {
      let out = '';
      let err = '';
      const code = await runModinput(demo, 'validate', {
        stdin: [Buffer.from(xml)],
        stdout: { write: (c: string, cb?: (e?: Error | null) => void) => ((out += c), cb?.(), true) },
        stderr: { write: (l: string) => (err += l) },
        signal: new AbortController().signal,
      });
      return { code, out, err };
    };
    const bad = await run(items({ url: 'https://x', size: '0' }));
    expect(bad.code).toBe(1);
    const m = parser.parse(bad.out) as { error: { message: string } };
    expect(m.error.message).toMatch(/size/);
    expect(bad.err).toMatch(/^ERROR /);
    const good = await run(items({ url: 'https://x' }));
    expect(good).toMatchObject({ code: 0, out: '' });
  });

  it('derives the secret realm from the description', () => {
    expect(settingsOf(demo.schema).find((s) => s.name === 'token')).toMatchObject({ secret: true, realm: 'demo_realm' });
  });

  it('committed spec files and scheme copies equal what the schemas generate', async () => {
    const inputs = await Promise.all(Object.values(INPUT_KINDS).map((l) => l()));
    for (const [rel, content] of generatedFiles(inputs)) {
      expect(readFileSync(`${root}${rel}`, 'utf8'), `${rel} is out of date: run npm run generate`).toBe(content);
    }
  });
});
