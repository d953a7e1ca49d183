import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemorySink } from '../../src/core/sink.js';
import { serAccountSchema, serInputSchema, type SerAccountInput, type SerInputConfigInput } from '../../src/ser/config.js';
import type { SerInputRunOptions } from '../../src/ser/input.js';
import { RateLimiter } from '../../src/ser/rate-limiter.js';
import { createSerSession, toSerAccountSettings } from '../../src/ser/session.js';
import type { SerSimulator } from '../../src/sim/ser.js';

export function tempDir(prefix = 'ser-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function accountFor(sim: SerSimulator, extra: Partial<SerAccountInput> = {}, name = 'acme') {
  return toSerAccountSettings(name, serAccountSchema.parse({ client_id: sim.clientId, client_secret: sim.clientSecret, auth_url: sim.url, api_url: sim.url, retries: 4, ...extra }));
}

/** Run options for one input against a simulator, with a fresh session (nothing shared between tests). */
export function runOptions(sim: SerSimulator, o: { input?: Partial<SerInputConfigInput>; account?: Partial<SerAccountInput>; now?: () => number; dir?: string; name?: string } = {}) {
  const account = accountFor(sim, o.account);
  const input = serInputSchema.parse({ account: account.name, hec: 'main', ...o.input });
  const sink = new MemorySink();
  const dir = o.dir ?? tempDir();
  const checkpoints = new FileCheckpointStore(dir);
  // Unpaced: these tests are about windows and checkpoints; the limiter has its own tests.
  const session = createSerSession(account, { limiter: new RateLimiter({ perMinute: Infinity, ceilingPerMinute: Infinity }) });
  const run: SerInputRunOptions = { name: o.name ?? 'main', input, account, sink, checkpoints, log: silentLogger, session, now: o.now };
  return { run, sink, checkpoints, session, dir };
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A standalone YAML configuration with one account, one HEC destination and one SER input. */
export function writeServiceConfig(dir: string, ser: { url: string; clientId: string }, hecUrl: string, o: { rate?: number; concurrency?: number; window?: string } = {}): string {
  return writeFile(
    dir,
    'config.yaml',
    [
      'service:',
      `  checkpoint_dir: ${dir}/checkpoints`,
      '  shutdown_timeout: 10',
      'accounts:',
      '  acme:',
      `    client_id: ${ser.clientId}`,
      '    client_secret: { env: SER_SECRET }',
      `    auth_url: ${ser.url}`,
      `    api_url: ${ser.url}`,
      `    rate_limit_per_minute: ${o.rate ?? 1000}`,
      'hec:',
      '  main:',
      `    urls: ${hecUrl}`,
      '    token: { env: HEC_TOKEN }',
      '    batch_interval: 50ms',
      'inputs:',
      '  ser_report:',
      '    main:',
      '      account: acme',
      '      hec: main',
      `      window: ${o.window ?? '1h'}`,
      `      concurrency: ${o.concurrency ?? 8}`,
      '',
    ].join('\n'),
  );
}
