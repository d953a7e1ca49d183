import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfParseError, mergeConf, parseConf, readConfFile } from '../../src/splunk/conf-file.js';

describe('parseConf: the one .conf reader', () => {
  it('reads stanzas, settings, comments and backslash-continued values', () => {
    const conf = parseConf('# c\n[a]\nx = 1\nsearch = foo \\\n| bar\n\n[b]\ny=two words\n');
    expect(conf.get('a')?.get('x')).toBe('1');
    expect(conf.get('a')?.get('search')).toBe('foo \n| bar');
    expect(conf.get('b')?.get('y')).toBe('two words');
    expect(conf.has('default')).toBe(false);
  });

  it('property: written stanzas, including continued multi-line values, read back unchanged', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_. -]{0,15}$/).map((s) => s.trim()).filter((s) => s !== '');
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,12}$/);
    const valueLine = fc.stringMatching(/^[^\n\r\\]{0,30}$/).map((s) => s.trim());
    const value = fc.array(valueLine, { minLength: 1, maxLength: 3 });
    const stanzas = fc.uniqueArray(fc.tuple(name, fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 5 })), {
      selector: ([n]) => n,
      maxLength: 4,
    });
    fc.assert(
      fc.property(stanzas, (list) => {
        const text = list.map(([n, kvs]) => `[${n}]\n${kvs.map(([k, v]) => `${k} = ${v.join(' \\\n')}`).join('\n')}\n`).join('\n');
        const conf = parseConf(text);
        for (const [n, kvs] of list) for (const [k, v] of kvs) expect(conf.get(n)?.get(k)).toBe(v.join(' \n').trim());
      }),
    );
  });

  it('strict: names the file and line of a malformed line, an unclosed header or a repeated setting', () => {
    const strict = (file: string) => ({ strict: true, file });
    expect(() => parseConf('[a]\nnot a setting\n', strict('x.conf'))).toThrow(/^x\.conf:2: expected "key = value": not a setting$/);
    expect(() => parseConf('[a]\nk = 1\nk = 2\n', strict('y.conf'))).toThrow(ConfParseError);
    expect(() => parseConf('[a]\nk = 1\nk = 2\n', strict('y.conf'))).toThrow(/^y\.conf:3: setting k given twice/);
    expect(() => parseConf('[a\n', strict('z.conf'))).toThrow(/^z\.conf:1: stanza header not closed/);
    expect(() => parseConf('[a]\n = v\n', strict('e.conf'))).toThrow(/^e\.conf:2: expected "key = value"/);
    // Line numbers count physical lines, continuations and CRLF included.
    expect(() => parseConf('[a]\r\ns = one \\\r\ntwo\r\noops\r\n', strict('c.conf'))).toThrow(/^c\.conf:4: /);
    try {
      parseConf('\n\n[b]\nbroken\n', strict('w.conf'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfParseError);
      expect((err as ConfParseError).line).toBe(4);
      expect((err as ConfParseError).code).toBe('CONF_MALFORMED');
    }
  });

  it('lenient (what splunkd does): malformed lines are ignored, a repeated key keeps the last value', () => {
    const conf = parseConf('\uFEFF[a]\nnot a setting\nk = 1\n[broken\nk = 2\n = orphan\n[b]\r\nx = y\r\n');
    expect(conf.get('a')).toEqual(new Map([['k', '2']]));
    expect(conf.get('b')).toEqual(new Map([['x', 'y']]));
    expect([...conf.keys()]).toEqual(['a', 'b']);
  });

  it('the two modes agree on every well-formed file (property)', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,12}$/);
    const line = fc.oneof(
      key.map((k) => `[${k}]`),
      fc.tuple(key, fc.stringMatching(/^[^\n\r\\]{0,20}$/)).map(([k, v]) => `${k} = ${v}`),
      fc.constant('# comment'),
      fc.constant(''),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        let strict;
        try {
          strict = parseConf(text, { strict: true });
        } catch (err) {
          // Only a repeated key is refused here; lenient keeps the last value.
          expect((err as Error).message).toMatch(/given twice/);
          return;
        }
        expect(parseConf(text)).toEqual(strict);
      }),
    );
  });

  it('reads a file from disk; an absent file is empty; default/ then local/ layer key by key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-conf-'));
    try {
      writeFileSync(join(dir, 'd.conf'), '[s]\na = 1\nb = 2\n');
      writeFileSync(join(dir, 'l.conf'), '[s]\nb = 3\n[t]\nc = 4\n');
      expect(readConfFile(join(dir, 'missing.conf'))).toEqual(new Map());
      const merged = mergeConf(readConfFile(join(dir, 'd.conf')), readConfFile(join(dir, 'l.conf')));
      expect(merged.get('s')).toEqual(new Map([['a', '1'], ['b', '3']]));
      expect(merged.get('t')?.get('c')).toBe('4');
      writeFileSync(join(dir, 'bad.conf'), '[s]\nnonsense\n');
      expect(() => readConfFile(join(dir, 'bad.conf'), { strict: true })).toThrow(/bad\.conf:2: expected "key = value"/);
      expect(readConfFile(join(dir, 'bad.conf')).get('s')).toEqual(new Map());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

