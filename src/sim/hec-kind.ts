import { z } from 'zod';
import { boolish } from '../core/schema.js';
import { ConfigError } from '../core/errors.js';
import { startHecSimulator } from './hec.js';
import { createPki } from './pki.js';
import type { SimulatorKind } from './registry.js';

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0).describe('TCP port on 127.0.0.1 (0: any free port)'),
  token: z.string().min(1).optional().describe('the valid token (default: generated)'),
  ack: boolish.default(false).describe('indexer acknowledgement on the token'),
  ack_delay_ms: z.coerce.number().int().min(0).default(0).describe('milliseconds before an ack turns true'),
  indexes: z.string().default('main').describe('comma-separated index allow-list'),
  record_file: z.string().min(1).optional().describe('append accepted events as JSON lines to this file'),
  keep: z.enum(['all', 'ids', 'count']).default('ids').describe('what to keep in memory (ids: enough for /_sim/stats)'),
  max_content_length: z.coerce.number().int().min(1).optional().describe('bytes; bigger bodies get 413'),
  skim: boolish.default(false).describe('benchmarks: read only event ids, do not parse or check each event'),
  tls: boolish.default(false).describe('serve HTTPS with a throw-away CA (its file is printed as ca_file)'),
});

export const hecSimulatorKind: SimulatorKind = {
  description: 'Splunk HTTP Event Collector (control: GET /_sim/stats, POST /_sim/fault, POST /_sim/chaos, POST /_sim/restart?down_ms=N, POST /_sim/reset)',
  options: Object.fromEntries(Object.entries(optionsSchema.shape).map(([k, v]) => [k, v.description ?? ''])),
  async start(raw) {
    const parsed = optionsSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ConfigError(`sim hec: option ${i.path.join('.')}: ${i.message}`);
    }
    const o = parsed.data;
    const pki = o.tls ? createPki() : undefined;
    const sim = await startHecSimulator({
      port: o.port,
      token: o.token,
      ack: o.ack,
      ackDelayMs: o.ack_delay_ms,
      indexes: o.indexes.split(',').map((s) => s.trim()).filter(Boolean),
      recordFile: o.record_file,
      keep: o.keep,
      skimEvents: o.skim,
      maxContentLength: o.max_content_length,
      tls: pki ? { cert: pki.serverCert, key: pki.serverKey } : undefined,
    });
    // The token is printed on purpose: it is a throw-away value the caller needs to send at all.
    return {
      info: { url: sim.url, token: sim.token, ack: o.ack, ...(pki ? { ca_file: pki.caFile } : {}), ...(o.record_file ? { record_file: o.record_file } : {}) },
      close: () => sim.close(),
    };
  },
};
