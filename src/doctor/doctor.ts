import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { loadServiceConfig, type ServiceConfig } from '../service/config-load.js';
import type { CheckResult } from './check.js';
import { planChecks } from './plan.js';
import { runChecks } from './run-checks.js';

export interface DoctorReport {
  results: CheckResult[];
  ok: boolean;
}

/** The first row: does the file load (YAML, schema, secret references, names)? */
function configRow(cfg: ServiceConfig): CheckResult {
  const n = (o: object) => Object.keys(o).length;
  return {
    check: 'config',
    target: cfg.file,
    status: 'pass',
    detail: `valid: ${n(cfg.inputs.ser_report)} SER input(s), ${n(cfg.inputs.mail_metadata)} mail input(s), ${n(cfg.hec)} HEC destination(s), ${n(cfg.send_services)} send service(s); secrets resolved`,
  };
}

export async function runDoctor(configFile: string, o: { env?: NodeJS.ProcessEnv; log?: Logger; timeoutMs?: number } = {}): Promise<DoctorReport> {
  let cfg: ServiceConfig;
  try {
    cfg = loadServiceConfig(configFile, o.env);
  } catch (err) {
    return { ok: false, results: [{ check: 'config', target: configFile, status: 'fail', detail: describeError(err), fix: 'edit the file as the detail says (default/config.yaml documents every setting)' }] };
  }
  const plan = planChecks(cfg, o.log);
  try {
    const results = [configRow(cfg), ...(await runChecks(plan.checks, { timeoutMs: o.timeoutMs }))];
    return { results, ok: results.every((r) => r.status !== 'fail') };
  } finally {
    await plan.close();
  }
}
