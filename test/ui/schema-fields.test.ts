import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boolish, durationSeconds } from '../../src/core/schema.js';
import { displayLabel, fieldSpecs, humanise } from '../../src/ui/schema-fields.js';

describe('fieldSpecs (form fields read from a zod schema)', () => {
  const schema = z.object({
    name: z.string().min(1).describe('what it is called'),
    token: z.string().min(1).describe('the token (secret: stored in storage/passwords)'),
    url: z.string().url().optional().describe('http(s)://host of it'),
    on: boolish.default(true).describe('switch it on'),
    mode: z.enum(['a', 'b']).default('b').describe('which mode'),
    every: durationSeconds.default(30).describe('how often'),
    count: z.coerce.number().int().default(4).describe('how many'),
    list: z.preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(z.string()).min(1)).describe('a comma list'),
  });
  const specs = fieldSpecs(schema, { url: 'URL' });
  const by = Object.fromEntries(specs.map((s) => [s.key, s]));

  it('keeps the schema key order and every key', () => {
    expect(specs.map((s) => s.key)).toEqual(['name', 'token', 'url', 'on', 'mode', 'every', 'count', 'list']);
  });

  it('reads kinds: Splunk-style booleans as switches, enums as selects, the rest as text', () => {
    expect(by.on).toMatchObject({ kind: 'boolean', default: true });
    expect(by.mode).toMatchObject({ kind: 'select', options: ['a', 'b'], default: 'b' });
    for (const k of ['name', 'token', 'url', 'every', 'count', 'list']) expect(by[k]?.kind, k).toBe('text');
    expect(by.every?.default).toBe('30');
    expect(by.count?.default).toBe('4');
  });

  it('marks secrets from the description and drops the note from the help', () => {
    expect(by.token).toMatchObject({ secret: true, help: 'The token' });
    expect(specs.filter((s) => s.secret).map((s) => s.key)).toEqual(['token']);
  });

  it('marks required fields: no default and not optional (also behind a preprocess)', () => {
    expect(specs.filter((s) => s.required).map((s) => s.key)).toEqual(['name', 'token', 'list']);
  });

  it('labels: given ones win, others are humanised; help starts with a capital unless it is a URL', () => {
    expect(by.url?.label).toBe('URL');
    expect(by.every?.label).toBe('Every');
    expect(humanise('client_id')).toBe('Client id');
    expect(by.name?.help).toBe('What it is called');
    expect(by.url?.help).toBe('http(s)://host of it');
  });

  it('marks "(optional)" only the fields a blank leaves unset (no default, not required, not a switch)', () => {
    expect(Object.fromEntries(specs.map((f) => [f.key, displayLabel(f)]))).toEqual({
      name: 'Name',
      token: 'Token',
      url: 'URL (optional)',
      on: 'On',
      mode: 'Mode',
      every: 'Every',
      count: 'Count',
      list: 'List',
    });
  });
});
