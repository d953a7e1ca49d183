import { describe, expect, it } from 'vitest';
import { parseConf } from '../../src/splunk/conf-file.js';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';

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
