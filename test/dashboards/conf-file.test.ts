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
