import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { boolish } from '../core/schema.js';
import { createPki } from './pki.js';
import type { SimulatorKind } from './registry.js';
import { SER_REPLY_SHAPES, startSerSimulator, type SerReplyShapeName } from './ser.js';

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0).describe('TCP port on 127.0.0.1 (0: any free port)'),
  client_id: z.string().min(1).default('sim-client').describe('the client id the token endpoint accepts'),
  rate_limit_per_minute: z.coerce.number().int().min(0).default(1000).describe('report requests per sliding minute before 429 (0: unlimited)'),
  token_ttl: z.coerce.number().int().min(1).default(43_200).describe('token lifetime in seconds'),
  seed: z.coerce.number().int().default(1).describe('seed of the deterministic data'),
  license_start: z.string().optional().describe('licence start date (yyyy-mm-dd; default 200 days ago)'),
  shape: z.enum(Object.keys(SER_REPLY_SHAPES) as [SerReplyShapeName, ...SerReplyShapeName[]]).default('table').describe(`layout of the JSON replies: ${Object.keys(SER_REPLY_SHAPES).join(', ')} (table: the documents' tag table, every category nested)`),
  tls: boolish.default(false).describe('serve HTTPS with a throw-away CA (its file is printed as ca_file)'),
});

export const serSimulatorKind: SimulatorKind = {
  description: 'Proofpoint SER reporting API: /v1/token and /v1/sercustomer/report/summary with deterministic data and a rate limit',
  options: Object.fromEntries(Object.entries(optionsSchema.shape).map(([k, v]) => [k, v.description ?? ''])),
  async start(raw) {
    const parsed = optionsSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ConfigError(`sim ser: option ${i.path.join('.')}: ${i.message}`);
    }
    const o = parsed.data;
    const pki = o.tls ? createPki() : undefined;
    const sim = await startSerSimulator({
      port: o.port,
      clientId: o.client_id,
      rateLimitPerMinute: o.rate_limit_per_minute,
      tokenTtlSeconds: o.token_ttl,
      seed: o.seed,
      licenseStart: o.license_start,
      shape: o.shape,
      record: false,
      tls: pki ? { cert: pki.serverCert, key: pki.serverKey } : undefined,
    });
    // The client secret is printed on purpose: a throw-away value the caller needs to get a token at all.
    return {
      info: { url: sim.url, client_id: sim.clientId, client_secret: sim.clientSecret, ...(pki ? { ca_file: pki.caFile } : {}) },
      close: () => sim.close(),
    };
  },
};
