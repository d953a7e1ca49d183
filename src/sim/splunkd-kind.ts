import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { boolish } from '../core/schema.js';
import { createPki } from './pki.js';
import type { SimulatorKind } from './registry.js';
import { startSplunkdSimulator } from './splunkd.js';

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0).describe('TCP port on 127.0.0.1 (0: any free port)'),
  session_key: z.string().min(1).optional().describe('the session key callers must send as "Authorization: Splunk <key>" (default: generated, printed)'),
  app: z.string().min(1).default('TA-ser-mail').describe('the app whose namespace entities live in'),
  tls: boolish.default(true).describe('serve HTTPS with a throw-away CA (its file is printed as ca_file), as splunkd does'),
});

/** `ta-ser-mail sim splunkd`: storage/passwords, configs/conf-*, KV store, for trying the Splunk faces by hand. */
export const splunkdSimulatorKind: SimulatorKind = {
  description: "splunkd's management port: storage/passwords, configs/conf-<file>, KV store (throw-away session key)",
  options: Object.fromEntries(Object.entries(optionsSchema.shape).map(([k, v]) => [k, v.description ?? ''])),
  async start(raw) {
    const parsed = optionsSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ConfigError(`sim splunkd: option ${i.path.join('.')}: ${i.message}`);
    }
    const o = parsed.data;
    const pki = o.tls ? createPki() : undefined;
    const sim = await startSplunkdSimulator({ port: o.port, sessionKey: o.session_key, app: o.app, tls: pki ? { cert: pki.serverCert, key: pki.serverKey } : undefined });
    return {
      // A simulator's own throw-away key: printing it is how a tester gets to use it.
      info: { kind: 'splunkd', url: sim.url, session_key: sim.sessionKey, app: o.app, ...(pki ? { ca_file: pki.caFile } : {}) },
      close: () => sim.close(),
    };
  },
};
