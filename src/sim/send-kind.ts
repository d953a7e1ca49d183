import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { boolish } from '../core/schema.js';
import { WRAP_MODES } from '../send/config.js';
import { createPki } from './pki.js';
import type { SimulatorKind } from './registry.js';
import { startSendSimulator } from './send.js';

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0).describe('TCP port on 127.0.0.1 (0: any free port)'),
  from: z.string().min(1).default('alerts@example.com').describe('the mailbox address the service knows (Email-From)'),
  secret: z.string().min(1).optional().describe('the mailbox token (default: generated)'),
  encrypt: boolish.default(false).describe('the mailbox requires encrypted subject and body'),
  wrap_mode: z.enum(WRAP_MODES).default(WRAP_MODES[0]).describe('Java transformation the service unwraps messageKey with'),
  on_repeat: z.enum(['accept', 'refuse']).default('refuse').describe('answer to a repeated messageId: refuse = -1 repeated request (the service), accept = 0 with the first transactionId'),
});

/** `ta-ser-mail sim send`: the secure send service with a throw-away PKI (files printed). */
export const sendSimulatorKind: SimulatorKind = {
  description: 'secure send service: HTTPS /send requiring a client certificate (throw-away PKI; its files are printed)',
  options: Object.fromEntries(Object.entries(optionsSchema.shape).map(([k, v]) => [k, v.description ?? ''])),
  async start(raw) {
    const parsed = optionsSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ConfigError(`sim send: option ${i.path.join('.')}: ${i.message}`);
    }
    const o = parsed.data;
    const pki = createPki();
    const secret = o.secret ?? `mbx-${Math.random().toString(36).slice(2)}`;
    const sim = await startSendSimulator({
      cert: pki.serverCert,
      key: pki.serverKey,
      clientCa: pki.ca,
      mailbox: { address: o.from, secret, encrypt: o.encrypt, wrapMode: o.wrap_mode, privateKey: o.encrypt ? readFileSync(pki.wrapPrivateKeyFile, 'utf8') : undefined },
      onRepeat: o.on_repeat,
      port: o.port,
    });
    // Throw-away values a caller needs to send at all; key files are paths, never contents.
    return {
      info: {
        url: sim.url,
        host: '127.0.0.1',
        port: sim.port,
        from: o.from,
        secret,
        ca_file: pki.caFile,
        client_cert_file: pki.clientCertFile,
        client_key_file: pki.clientKeyFile,
        passphrase: pki.clientKeyPassphrase,
        ...(o.encrypt ? { public_key_file: pki.wrapCertFile, wrap_mode: o.wrap_mode } : {}),
      },
      close: () => sim.close(),
    };
  },
};
