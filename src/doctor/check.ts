/**
 * One row of the doctor's table. `warn`: works today, but needs the admin soon (a certificate
 * that expires within 30 days, a setting given twice); it does not fail the run. A check never throws: whatever goes wrong becomes a `fail`
 * with the reason and what the admin should do about it.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Family and object, e.g. "HEC token" / "https://hec1:8088". */
  check: string;
  target: string;
  status: CheckStatus;
  /** What was seen (a fact, never a secret). */
  detail: string;
  /** For a failure or a warning: what to change. */
  fix?: string;
}

export interface Check {
  check: string;
  target: string;
  /** Checks named here must have passed, or this one is skipped (a token that failed makes a report call pointless). */
  after?: string[];
  /** A stable id for `after`; defaults to `${check} ${target}`. */
  id?: string;
  run(signal: AbortSignal): Promise<Omit<CheckResult, 'check' | 'target'>>;
}

export const pass = (detail: string): Omit<CheckResult, 'check' | 'target'> => ({ status: 'pass', detail });
export const fail = (detail: string, fix: string): Omit<CheckResult, 'check' | 'target'> => ({ status: 'fail', detail, fix });
export const warn = (detail: string, fix: string): Omit<CheckResult, 'check' | 'target'> => ({ status: 'warn', detail, fix });
export const skip = (detail: string): Omit<CheckResult, 'check' | 'target'> => ({ status: 'skip', detail });

export function checkId(c: Check): string {
  return c.id ?? `${c.check} ${c.target}`;
}

/** Exit code 0 only when nothing failed (skipped rows are not failures: nothing to check; warnings are not either). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}
