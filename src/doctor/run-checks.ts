import { describeError } from '../core/errors.js';
import { checkId, type Check, type CheckResult } from './check.js';

export interface RunChecksOptions {
  /** Longest time one check may take before it counts as failed. */
  timeoutMs?: number;
  /** Called as each row is known, so a slow check does not hide the others' results. */
  onResult?: (r: CheckResult) => void;
}

/**
 * Runs checks in order (rows appear in a stable order; the checks are few and mostly
 * network round trips, so order matters more than parallelism). A check whose `after`
 * dependency did not pass is skipped with the reason.
 */
export async function runChecks(checks: readonly Check[], o: RunChecksOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const passed = new Set<string>();
  const results: CheckResult[] = [];
  for (const c of checks) {
    const blocked = (c.after ?? []).filter((id) => !passed.has(id));
    let r: CheckResult;
    if (blocked.length > 0) {
      r = { check: c.check, target: c.target, status: 'skip', detail: `not run: ${blocked.join(', ')} did not pass` };
    } else {
      r = { check: c.check, target: c.target, ...(await runOne(c, timeoutMs)) };
    }
    // A warning (a certificate expiring soon) still works: what depends on it runs.
    if (r.status === 'pass' || r.status === 'warn') passed.add(checkId(c));
    results.push(r);
    o.onResult?.(r);
  }
  return results;
}

async function runOne(c: Check, timeoutMs: number): Promise<Omit<CheckResult, 'check' | 'target'>> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Omit<CheckResult, 'check' | 'target'>>((resolve) => {
    timer = setTimeout(() => {
      ac.abort();
      resolve({ status: 'fail', detail: `no answer within ${Math.round(timeoutMs / 1000)} s`, fix: 'check that the host is up and reachable from here (firewall, proxy settings)' });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      c.run(ac.signal).catch((err: unknown) => ({ status: 'fail' as const, detail: describeError(err), fix: 'see the detail; run with --log-level debug for more' })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
