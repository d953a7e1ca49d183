import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exprFields, readFields, splitPipeline } from '../../src/dashboards/spl-fields.js';

const reads = (spl: string) => readFields(spl).reads.map((r) => r.field);
const creates = (spl: string) => readFields(spl).creates.map((c) => c.field);
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).filter((s) => !['as', 'by', 'in', 'or', 'and', 'not', 'over'].includes(s));

describe('splitPipeline', () => {
  it('does not split on a pipe inside quotes or a subsearch', () => {
    expect(splitPipeline('a | eval x="p|q" | join k [search b | head 1] | table x')).toEqual([
      'a',
      'eval x="p|q"',
      'join k [search b | head 1]',
      'table x',
    ]);
  });

  it('property: any quoted text survives as part of one stage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }).map((s) => s.replace(/["\\]/g, '')), (text) => {
        const stages = splitPipeline(`search a | eval x="${text}" | table x`);
        expect(stages).toHaveLength(3);
        expect(stages[1]).toBe(`eval x="${text}"`);
      }),
    );
  });
});

describe('readFields', () => {
  it('reads search terms, the sourcetype and macros', () => {
    const u = readFields('`idx` sourcetype="mail:message" direction=outbound NOT is_automatic=true user IN (a, b)');
    expect(u.sourcetypes).toEqual(['mail:message']);
    expect(u.macros).toEqual(['idx']);
    expect(reads('sourcetype="x" direction=outbound NOT is_automatic=true user IN (a, b)')).toEqual(['direction', 'is_automatic', 'user']);
  });

  it('reads stats arguments and by-fields, and creates the as-names', () => {
    const spl = 'x | stats sum(eval(if(p="r", failure, 0))) as rf, dc(application_user) count by application_name, account';
    expect(reads(spl)).toEqual(['p', 'failure', 'application_user', 'application_name', 'account']);
    expect(creates(spl)).toEqual(['rf', 'dc(application_user)', 'count']);
  });

  it('property: stats F(field) as NAME by GROUP reads field and GROUP, creates NAME', () => {
    fc.assert(
      fc.property(fc.constantFrom('sum', 'max', 'latest', 'dc', 'avg'), ident, ident, ident, (fn, field, name, group) => {
        const u = readFields(`x | stats ${fn}(${field}) as ${name} by ${group}`);
        expect(u.reads.map((r) => r.field)).toEqual([field, group]);
        expect(u.creates.map((c) => c.field)).toEqual([name]);
      }),
    );
  });

  it('reads eval operands, single-quoted names, and creates the assigned names in order', () => {
    const u = readFields(`x | eval a=round(100 * failure / max(total, 1), 1), b='recipient{}', c="literal text"`);
    expect(u.reads.map((r) => r.field)).toEqual(['failure', 'total', 'recipient{}']);
    expect(u.creates.map((c) => c.field)).toEqual(['a', 'b', 'c']);
    expect(exprFields('x > 1e6 AND y="a b" OR NOT isnull(z)')).toEqual(['x', 'y', 'z']);
  });

  it('reads table/sort/dedup lists and rename sources, skipping options and wildcards', () => {
    expect(reads('x | dedup keepempty=true a, b | sort 0 - c, +num(d) | table e f* | rename g as "G g"')).toEqual(['a', 'b', 'c', 'd', 'e', 'g']);
    expect(creates('x | rename g as "G g"')).toEqual(['G g']);
  });

  it('reads subsearches in their own scope and notes where they sit', () => {
    const u = readFields('x | join type=left account [search y sourcetype="s" | stats latest(q) as q by account]');
    expect(u.subsearches).toHaveLength(1);
    expect(u.subsearches[0]?.stage).toBe(1);
    expect(u.subsearches[0]?.sourcetypes).toEqual(['s']);
    expect(u.subsearches[0]?.creates.map((c) => c.field)).toEqual(['q']);
  });

  it('reports a command it does not understand', () => {
    expect(readFields('x | frobnicate a b').unknownCommands).toEqual(['frobnicate']);
  });
});
