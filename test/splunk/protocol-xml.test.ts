import fc from 'fast-check';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseModinputArgs } from '../../src/splunk/modinput-cli.js';
import { buildErrorXml, decodeInputBytes, parseInputDocument, parseValidationDocument, type InputStanza } from '../../src/splunk/protocol-xml.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, processEntities: true });

// XML 1.0 text: no control characters; values as splunkd writes them (trimmed).
const xmlChar = fc.oneof(
  fc.constantFrom('a', 'Z', '0', ' ', '<', '>', '&', '"', "'", '/', ':', '=', 'é', 'Ж', '中', '😀', '\\', ','),
  fc.string({ minLength: 1, maxLength: 1 }).filter((c) => /[\x20-\x7e]/.test(c)),
);
const value = fc.array(xmlChar, { maxLength: 24 }).map((a) => a.join('').trim());
const paramName = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);

const stanzaArb = fc.record({
  name: fc.tuple(fc.constantFrom('ser_report', 'mail_metadata'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,20}$/).map((s) => s.trim() || 'x')).map(([k, n]) => `${k}://${n}`),
  app: fc.constantFrom('TA-ser-mail', 'search'),
  single: fc.dictionary(paramName, value, { maxKeys: 6 }),
  lists: fc.dictionary(paramName.map((n) => `l_${n}`), fc.array(value, { minLength: 1, maxLength: 4 }), { maxKeys: 2 }),
});

function inputXml(doc: { host: string; uri: string; key: string; dir: string; stanzas: Array<{ name: string; app: string; single: Record<string, string>; lists: Record<string, string[]> }> }, root: 'input' | 'items'): string {
  const stanza = doc.stanzas.map((s) => ({
    '@_name': root === 'items' ? s.name.replace(/^[^:]+:\/\//, '') : s.name,
    ...(root === 'input' ? { '@_app': s.app } : {}),
    param: Object.entries(s.single).map(([n, v]) => ({ '@_name': n, '#text': v })),
    param_list: Object.entries(s.lists).map(([n, vs]) => ({ '@_name': n, value: vs })),
  }));
  const head = { server_host: doc.host, server_uri: doc.uri, session_key: doc.key, checkpoint_dir: doc.dir };
  const body = root === 'input' ? { input: { ...head, configuration: { stanza } } } : { items: { ...head, item: stanza } };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(body) as string}`;
}

function encode(xml: string, enc: 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be'): Uint8Array {
  if (enc === 'utf8') return Buffer.from(xml, 'utf8');
  if (enc === 'utf8bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')]);
  const le = Buffer.from(xml, 'utf16le');
  if (enc === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.from(le);
  be.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
}

const docArb = fc.record({
  host: fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
  uri: fc.constantFrom('https://127.0.0.1:8089', 'https://[::1]:8089', 'https://sh1.example.test:8089'),
  key: fc.stringMatching(/^[A-Za-z0-9^_]{1,40}$/),
  dir: fc.constantFrom('/opt/splunk/var/lib/splunk/modinputs/ser_report', 'C:\\Program Files\\Splunk\\var\\lib\\splunk\\modinputs\\ser_report'),
  stanzas: fc.array(stanzaArb, { minLength: 0, maxLength: 3 }),
  enc: fc.constantFrom('utf8', 'utf8bom', 'utf16le', 'utf16be') as fc.Arbitrary<'utf8' | 'utf8bom' | 'utf16le' | 'utf16be'>,
});

function expected(s: { single: Record<string, string>; lists: Record<string, string[]> }): InputStanza['params'] {
  return { ...s.single, ...s.lists };
}

describe('modular input XML', () => {
  it('reads every <input> document back: header, stanzas, params and param_lists, in any encoding with a BOM', () => {
    fc.assert(
      fc.property(docArb, (d) => {
        const doc = parseInputDocument(decodeInputBytes(encode(inputXml(d, 'input'), d.enc)));
        expect(doc).toMatchObject({ serverHost: d.host, serverUri: d.uri, sessionKey: d.key, checkpointDir: d.dir });
        expect(doc.stanzas.map((s) => ({ name: s.name, app: s.app, params: s.params }))).toEqual(d.stanzas.map((s) => ({ name: s.name, app: s.app, params: expected(s) })));
      }),
      { numRuns: 200 },
    );
  });

  it('reads every <items> document back', () => {
    fc.assert(
      fc.property(docArb, (d) => {
        const doc = parseValidationDocument(decodeInputBytes(encode(inputXml(d, 'items'), d.enc)));
        expect(doc.stanzas.map((s) => s.params)).toEqual(d.stanzas.map(expected));
        expect(doc.stanzas.map((s) => s.name)).toEqual(d.stanzas.map((s) => s.name.replace(/^[^:]+:\/\//, '')));
      }),
      { numRuns: 150 },
    );
  });

  it('reads an empty <param/> as an empty value and the SDK fixture shape', () => {
    const xml = `<?xml version="1.0" encoding="utf-16"?><input><server_host>tiny</server_host><server_uri>https://127.0.0.1:8089</server_uri><session_key>123102983109283019283</session_key><checkpoint_dir>/some/dir</checkpoint_dir><configuration><stanza name="foobar://aaa"><param name="param1">value1</param><param name="empty"/><param name="disabled">0</param><param_list name="multiValue"><value>value1</value><value>value2</value></param_list></stanza></configuration></input>`;
    const doc = parseInputDocument(decodeInputBytes(encode(xml, 'utf16le')));
    expect(doc.stanzas[0]).toEqual({ name: 'foobar://aaa', app: undefined, params: { param1: 'value1', empty: '', disabled: '0', multiValue: ['value1', 'value2'] } });
  });

  it('refuses what is not an <input> document with a message naming what came instead', () => {
    expect(() => parseInputDocument('<items><item name="x"/></items>')).toThrow(/expected an <input> document on stdin, got <items>/);
    expect(() => parseInputDocument('<input><server_host>x</input>')).toThrow(/not well-formed XML/);
    expect(() => parseInputDocument('')).toThrow(/expected an <input> document/);
    // An empty element is a document with nothing in it, not "got <input>".
    expect(parseInputDocument('<input/>')).toEqual({ serverHost: '', serverUri: '', sessionKey: '', checkpointDir: '', stanzas: [] });
    expect(parseValidationDocument('<items></items>').stanzas).toEqual([]);
  });

  it('escapes any error message so Splunk Web reads it back unchanged', () => {
    const p = new XMLParser({ processEntities: true, parseTagValue: false, trimValues: false });
    fc.assert(
      fc.property(fc.array(xmlChar, { minLength: 1, maxLength: 60 }).map((a) => a.join('')), (msg) => {
        const parsed = p.parse(buildErrorXml(msg)) as { error: { message: string } };
        expect(String(parsed.error.message).trim()).toBe(msg.trim());
      }),
      { numRuns: 200 },
    );
  });
});

describe('modinput arguments', () => {
  it('takes the protocol flags and a known log level, and leaves anything else to commander', () => {
    expect(parseModinputArgs(['ser_report', '--scheme'])).toEqual({ kind: 'ser_report', scheme: true });
    expect(parseModinputArgs(['ser_report', '--validate-arguments', '--log-level', 'debug'])).toEqual({ kind: 'ser_report', validateArguments: true, logLevel: 'debug' });
    expect(parseModinputArgs(['ser_report', '--log-level', 'loud'])).toBeUndefined();
    expect(parseModinputArgs(['ser_report', '--log-level'])).toBeUndefined();
    expect(parseModinputArgs(['--scheme'])).toBeUndefined();
  });
});
