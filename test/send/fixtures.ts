import { readFileSync } from 'node:fs';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSendSimulator, type SendSimOptions, type SendSimulator } from '../../src/sim/send.js';
import { sendServiceSchema, type WrapMode } from '../../src/send/config.js';
import { openSendService, type SendService } from '../../src/send/service.js';
import { silentLogger } from '../../src/core/logger.js';

export const MAILBOX_SECRET = 'mailbox-token-for-tests';

let pki: Pki | undefined;
/** One throw-away PKI per test file (openssl takes a moment). */
export function testPki(): Pki {
  pki ??= createPki();
  return pki;
}

export async function startSim(o: { from?: string; encrypt?: boolean; wrapMode?: WrapMode; onRepeat?: SendSimOptions['onRepeat'] } = {}): Promise<SendSimulator> {
  const p = testPki();
  return startSendSimulator({
    cert: p.serverCert,
    key: p.serverKey,
    clientCa: p.ca,
    mailbox: { address: o.from ?? 'alerts@example.com', secret: MAILBOX_SECRET, encrypt: o.encrypt, wrapMode: o.wrapMode, privateKey: o.encrypt ? readFileSync(p.wrapPrivateKeyFile, 'utf8') : undefined },
    onRepeat: o.onRepeat,
  });
}

/** The raw .conf-style settings of a send service pointing at the simulator. */
export function serviceSettings(port: number, over: Record<string, string> = {}): Record<string, string> {
  const p = testPki();
  return {
    host: '127.0.0.1',
    port: String(port),
    client_cert_file: p.clientCertFile,
    client_key_file: p.clientKeyFile,
    passphrase: p.clientKeyPassphrase,
    ca_file: p.caFile,
    secret: MAILBOX_SECRET,
    from: 'alerts@example.com',
    retry_delay: '10ms',
    ...over,
  };
}

export function openService(port: number, over: Record<string, string> = {}): SendService {
  return openSendService(sendServiceSchema.parse(serviceSettings(port, over)), silentLogger);
}
