import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startHecSimulator, type HecSimulator } from '../sim/hec.js';
import { createPki, type Pki } from '../sim/pki.js';
import { startSendSimulator, type SendSimulator } from '../sim/send.js';
import { startSerSimulator, type SerSimulator } from '../sim/ser.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../sim/splunkd.js';

/** The simulators' rate: the demo raises SER's limit (the client is set to the same), so 7 days of hourly windows take seconds. */
export const DEMO_SER_RATE_PER_MINUTE = 6000;
export const DEMO_MAILBOX = 'alerts@example.com';
export const DEMO_RECEIVER_TOKEN_VAR = 'DEMO_RECEIVER_TOKEN';

export interface DemoEnvironment {
  out: string;
  eventsFile: string;
  configFile: string;
  /** The secrets the config refers to ({ env: … }): generated per run, never printed. */
  env: NodeJS.ProcessEnv;
  pki: Pki;
  hec: HecSimulator;
  ser: SerSimulator;
  send: SendSimulator;
  splunkd: SplunkdSimulator;
  close(): Promise<void>;
}

/**
 * Everything the demo talks to, on 127.0.0.1 with a throw-away PKI (deleted at the end):
 * HEC (TLS, indexer ack, recording every accepted event to a JSONL file), SER (TLS), the send
 * service (mutual TLS, encrypted mailbox) and a splunkd stand-in for the alert action.
 */
export async function startDemoEnvironment(out: string): Promise<DemoEnvironment> {
  const pkiDir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-demo-pki-'));
  const closers: Array<() => Promise<void>> = [async () => rmSync(pkiDir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    let pki: Pki;
    try {
      pki = createPki(pkiDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the demo makes throw-away certificates with the openssl command, which is not installed here: install openssl (e.g. apt-get install openssl) and run it again');
      throw err;
    }
    const tls = { cert: pki.serverCert, key: pki.serverKey };
    const eventsFile = join(out, 'events.jsonl');
    const hec = await startHecSimulator({ tls, ack: true, ackDelayMs: 20, recordFile: eventsFile, keep: 'ids' });
    closers.push(() => hec.close());
    const ser = await startSerSimulator({ tls, rateLimitPerMinute: DEMO_SER_RATE_PER_MINUTE, record: false });
    closers.push(() => ser.close());
    const mailboxSecret = randomBytes(12).toString('hex');
    const send = await startSendSimulator({
      cert: pki.serverCert,
      key: pki.serverKey,
      clientCa: pki.ca,
      mailbox: { address: DEMO_MAILBOX, secret: mailboxSecret, encrypt: true, privateKey: readFileSync(pki.wrapPrivateKeyFile, 'utf8') },
    });
    closers.push(() => send.close());
    const splunkd = await startSplunkdSimulator({ app: 'TA-ser-mail' });
    closers.push(() => splunkd.close());

    const env: NodeJS.ProcessEnv = {
      DEMO_HEC_TOKEN: hec.token,
      DEMO_SER_SECRET: ser.clientSecret,
      DEMO_SEND_SECRET: mailboxSecret,
      DEMO_KEY_PASSPHRASE: pki.clientKeyPassphrase,
      [DEMO_RECEIVER_TOKEN_VAR]: randomBytes(16).toString('hex'),
    };
    // The same YAML an admin writes for `run` and `doctor`; secrets are references to env.
    const config = {
      service: { checkpoint_dir: join(out, 'checkpoints'), telemetry_interval: 60 },
      logging: { level: 'warn' },
      hec: { main: { urls: hec.url, token: { env: 'DEMO_HEC_TOKEN' }, ack: true, ca_file: pki.caFile, batch_interval: '20ms', ack_poll_interval: '20ms' } },
      accounts: { demo: { client_id: ser.clientId, client_secret: { env: 'DEMO_SER_SECRET' }, auth_url: ser.url, api_url: ser.url, ca_file: pki.caFile, rate_limit_per_minute: 900 } },
      send_services: {
        mailer: {
          host: '127.0.0.1',
          port: send.port,
          client_cert_file: pki.clientCertFile,
          client_key_file: pki.clientKeyFile,
          passphrase: { env: 'DEMO_KEY_PASSPHRASE' },
          ca_file: pki.caFile,
          secret: { env: 'DEMO_SEND_SECRET' },
          from: DEMO_MAILBOX,
          encrypt: true,
          public_key_file: pki.wrapCertFile,
        },
      },
      inputs: {
        ser_report: { demo: { account: 'demo', hec: 'main', window: '1h', concurrency: 8 } },
        mail_metadata: { exchange: { hec: 'main', auth_mode: 'static', auth_secret: { env: DEMO_RECEIVER_TOKEN_VAR }, listen_port: 0 } },
      },
    };
    const configFile = join(out, 'config.yaml');
    writeFileSync(configFile, `# The configuration the demo ran with (its simulators and certificates are gone now).\n${stringify(config)}`);

    // The alert action reads its settings and secrets from splunkd, as inside Splunk.
    splunkd.setStanza('ta_ser_mail_send', 'mailer', {
      host: '127.0.0.1',
      port: String(send.port),
      client_cert_file: pki.clientCertFile,
      client_key_file: pki.clientKeyFile,
      ca_file: pki.caFile,
      from: DEMO_MAILBOX,
      encrypt: '1',
      public_key_file: pki.wrapCertFile,
    });
    splunkd.setPassword('ta_ser_mail_send_secret', 'mailer', mailboxSecret);
    splunkd.setPassword('ta_ser_mail_send_passphrase', 'mailer', pki.clientKeyPassphrase);
    splunkd.setStanza('ta_ser_mail_hec', 'main', { urls: hec.url, ca_file: pki.caFile, ack: '1', batch_interval: '20ms', ack_poll_interval: '20ms' });
    splunkd.setPassword('ta_ser_mail_hec', 'main', hec.token);

    return { out, eventsFile, configFile, env, pki, hec, ser, send, splunkd, close };
  } catch (err) {
    await close();
    throw err;
  }
}
