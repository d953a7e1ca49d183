import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allPassed, type CheckResult } from '../../src/doctor/check.js';
import { dnsCheck } from '../../src/doctor/network-checks.js';
import { proxyFor } from '../../src/doctor/plan.js';
import { runChecks } from '../../src/doctor/run-checks.js';
import { renderTable } from '../../src/doctor/table.js';

const cfg = (proxy: { url?: string; no_proxy?: string; use_env: boolean }) => ({ proxy });

describe('doctor pieces', () => {
  it('applies the proxy like the clients: explicit url, NO_PROXY exact, suffix and *', () => {
    expect(proxyFor(cfg({ use_env: false }), 'hec.example.com', { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(cfg({ use_env: true }), 'hec.example.com', { HTTPS_PROXY: 'http://p:3128' })).toBe('http://p:3128');
    expect(proxyFor(cfg({ url: 'http://q:8080', use_env: true }), 'hec.example.com', {})).toBe('http://q:8080');
    expect(proxyFor(cfg({ url: 'http://q:8080', no_proxy: 'example.com', use_env: true }), 'hec.example.com', {})).toBeUndefined();
    expect(proxyFor(cfg({ url: 'http://q:8080', no_proxy: '.example.com', use_env: true }), 'hec.example.com', {})).toBeUndefined();
    expect(proxyFor(cfg({ url: 'http://q:8080', no_proxy: 'other.com, hec.example.com', use_env: true }), 'HEC.example.com', {})).toBeUndefined();
    expect(proxyFor(cfg({ url: 'http://q:8080', no_proxy: 'ample.com', use_env: true }), 'hec.example.com', {})).toBe('http://q:8080');
    expect(proxyFor(cfg({ use_env: true }), 'x', { https_proxy: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
  });

  it('DNS: an IP passes as is, a name that resolves lists its addresses, one that does not fails with the fix', async () => {
    const signal = new AbortController().signal;
    expect((await dnsCheck('127.0.0.1', 'hec.main').run(signal)).status).toBe('pass');
    expect((await dnsCheck('localhost', 'hec.main').run(signal)).detail).toMatch(/127\.0\.0\.1|::1/);
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND hec.example.invalid'), { code: 'ENOTFOUND' });
    const r = await dnsCheck('hec.example.invalid', 'hec.main', () => Promise.reject(notFound)).run(signal);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/does not resolve \(ENOTFOUND\)/);
    expect(r.fix).toMatch(/hec\.main/);
  });

  it('skips a check whose prerequisite failed, and fails a check that throws or hangs', async () => {
    const results = await runChecks(
      [
        { check: 'a', target: 't', id: 'a', run: async () => ({ status: 'fail', detail: 'no', fix: 'fix a' }) },
        { check: 'b', target: 't', after: ['a'], run: async () => ({ status: 'pass', detail: 'never' }) },
        { check: 'c', target: 't', run: async () => Promise.reject(new Error('boom')) },
        { check: 'd', target: 't', run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ status: 'pass', detail: 'late' }))) },
      ],
      { timeoutMs: 200 },
    );
    expect(results.map((r) => r.status)).toEqual(['fail', 'skip', 'fail', 'fail']);
    expect(results[1]!.detail).toMatch(/a did not pass/);
    expect(results[2]!.detail).toBe('boom');
    expect(results[3]!.detail).toMatch(/no answer within/);
    expect(allPassed(results)).toBe(false);
    expect(allPassed(results.filter((r) => r.status !== 'fail'))).toBe(true);
  });

  it('a warning lets the checks that depend on it run, and does not fail the run', async () => {
    const results = await runChecks([
      { check: 'a', target: 't', id: 'a', run: async () => ({ status: 'warn', detail: 'expires in 9 d', fix: 'renew' }) },
      { check: 'b', target: 't', after: ['a'], run: async () => ({ status: 'pass', detail: 'ran' }) },
    ]);
    expect(results.map((r) => r.status)).toEqual(['warn', 'pass']);
    expect(allPassed(results)).toBe(true);
    expect(renderTable(results)).toMatch(/^a\s+t\s+WARN\s+expires in 9 d\s+renew$/m);
  });

  it('renders one line per row with every cell whole, and a verdict', () => {
    const cell = fc.string({ maxLength: 40 }).map((s) => s.replace(/\s+/g, ' ').trim());
    fc.assert(
      fc.property(fc.array(fc.record({ check: cell, target: cell, status: fc.constantFrom('pass', 'warn', 'fail', 'skip'), detail: cell, fix: fc.option(cell, { nil: undefined }) }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = renderTable(rows as CheckResult[]);
        const lines = text.trimEnd().split('\n');
        expect(lines).toHaveLength(rows.length + 4);
        rows.forEach((r, i) => {
          const line = lines[i + 2]!;
          for (const c of [r.check, r.target, r.detail, r.fix ?? '']) expect(line).toContain(c);
        });
        const failed = rows.filter((r) => r.status === 'fail').length;
        const warned = rows.filter((r) => r.status === 'warn').length;
        expect(lines.at(-1)).toMatch(failed ? new RegExp(`^${failed} of ${rows.length} checks failed`) : /^All \d+ checks passed/);
        // A warning never hides: the verdict counts it, and it never counts as a failure.
        if (warned) expect(lines.at(-1)).toContain(`${warned} with a warning`);
        else expect(lines.at(-1)).not.toContain('warning');
      }),
      { numRuns: 100 },
    );
  });
});
