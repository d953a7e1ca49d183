import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfParseError, parseConf } from '../../src/dashboards/conf-file.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';

describe('parseConf', () => {
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

  it('names the file and line of a malformed line or a repeated setting', () => {
    expect(() => parseConf('[a]\nnot a setting\n', 'x.conf')).toThrow(/x\.conf:2: expected "key = value"/);
    expect(() => parseConf('[a]\nk = 1\nk = 2\n', 'y.conf')).toThrow(ConfParseError);
    expect(() => parseConf('[a\n', 'z.conf')).toThrow(/z\.conf:1: stanza header not closed/);
  });
});

describe('expandMacros', () => {
  const macros = macrosFromConf(
    parseConf('[idx]\ndefinition = index=main\n[base]\ndefinition = `idx` sourcetype=x\n[two(2)]\nargs = a, b\ndefinition = $a$ + $b$\n'),
  );

  it('expands nested macros and substitutes arguments', () => {
    const used = new Set<string>();
    expect(expandMacros('`base` | eval z=`two(x, f(1, 2))`', macros, used)).toBe('index=main sourcetype=x | eval z=x + f(1, 2)');
    expect([...used].sort()).toEqual(['base', 'idx', 'two(2)']);
  });

  it('names a macro that is not defined, with its arity', () => {
    expect(() => expandMacros('`two(1)`', macros)).toThrow(/`two\(1\)` is used but not defined/);
  });
});
