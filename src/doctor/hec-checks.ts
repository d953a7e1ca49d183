import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { Secret } from '../core/secret.js';
import { fail, pass, type Check, type CheckResult } from './check.js';

/**
 * HEC's answers, from Splunk's "Troubleshoot HTTP Event Collector" table. An empty POST is how
 * the token is tested without indexing anything: a valid token gets code 5 "No data".
 */
const TOKEN_FIX: Record<number, string> = {
  1: 'the token is disabled: enable it in Settings > Data inputs > HTTP Event Collector',
  2: 'no token was sent: set the token secret reference of this HEC destination',
  3: 'the Authorization header was refused: the token must be given as the bare GUID, without "Splunk "',
  4: 'Splunk does not know this token: copy the token value from Settings > Data inputs > HTTP Event Collector',
};

export interface HecTarget {
  /** Destination name in the config, for messages. */
  name: string;
  url: string;
  token: Secret;
  /** The destination waits for indexer acknowledgement: the token must have it enabled. */
  ack?: boolean;
  dispatcher: Dispatcher;
}

async function readJson(body: Dispatcher.ResponseData['body']): Promise<{ text: string; json: { code?: number; text?: string } | undefined }> {
  const text = await body.text();
  try {
    return { text, json: JSON.parse(text) as { code?: number; text?: string } };
  } catch {
    return { text, json: undefined };
  }
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

export function hecHealthCheck(t: HecTarget): Check {
  return {
    check: 'HEC health',
    target: t.url,
    id: `hec health ${t.url}`,
    async run(signal) {
      const res = await request(`${base(t.url)}/services/collector/health`, { method: 'GET', dispatcher: t.dispatcher, signal });
      const { text, json } = await readJson(res.body);
      if (res.statusCode === 200 && json?.code === 17) return pass(`healthy (code 17)`);
      if (res.statusCode === 200 && json) return pass(`HTTP 200: ${json.text ?? text.slice(0, 80)}`);
      if (json?.code === 18 || res.statusCode === 503) return fail(`unhealthy: ${json?.text ?? `HTTP ${res.statusCode}`}`, 'the indexers cannot keep up (queues full): check indexer health, or add HEC endpoints');
      if (res.statusCode === 404) return fail('HTTP 404: no HEC at this URL', `point hec.${t.name}.urls at the HEC port (usually 8088), not the web or management port`);
      return fail(`HTTP ${res.statusCode}: ${json?.text ?? text.slice(0, 120).replace(/\s+/g, ' ')}`, 'enable HTTP Event Collector (Global Settings > All tokens: Enabled) and check the URL');
    },
  };
}

/**
 * With ack on, every batch waits for /services/collector/ack; a token without indexer
 * acknowledgement answers that with code 14, and nothing would ever count as delivered.
 * An empty ack query asks without indexing anything.
 */
async function ackCheck(t: HecTarget, signal: AbortSignal): Promise<Omit<CheckResult, 'check' | 'target'>> {
  const res = await request(`${base(t.url)}/services/collector/ack`, {
    method: 'POST',
    dispatcher: t.dispatcher,
    signal,
    headers: { authorization: `Splunk ${t.token.reveal()}`, 'x-splunk-request-channel': randomUUID(), 'content-type': 'application/json' },
    body: '{"acks":[]}',
  });
  const { json } = await readJson(res.body);
  if (json?.code === 14) return fail('token accepted, but indexer acknowledgement is disabled on it (HEC code 14) while this destination waits for acks', `enable indexer acknowledgement on the token (Settings > Data inputs > HTTP Event Collector > Edit), or set hec.${t.name}.ack to false`);
  return pass('token accepted (empty request answered "No data"; nothing indexed); indexer acknowledgement enabled');
}

export function hecTokenCheck(t: HecTarget): Check {
  return {
    check: 'HEC token',
    target: `${t.name} @ ${t.url}`,
    after: [`hec health ${t.url}`],
    async run(signal) {
      const res = await request(`${base(t.url)}/services/collector/event`, {
        method: 'POST',
        dispatcher: t.dispatcher,
        signal,
        headers: { authorization: `Splunk ${t.token.reveal()}`, 'x-splunk-request-channel': randomUUID(), 'content-type': 'application/json' },
        body: '',
      });
      const { text, json } = await readJson(res.body);
      const code = json?.code;
      if (code === 5 && t.ack) return ackCheck(t, signal);
      if (code === 5) return pass('token accepted (empty request answered "No data"; nothing indexed)');
      if (code !== undefined && TOKEN_FIX[code]) return fail(`HEC code ${code}: ${json?.text ?? ''}`, TOKEN_FIX[code]!);
      return fail(`unexpected answer HTTP ${res.statusCode}${code !== undefined ? ` code ${code}` : ''}: ${json?.text ?? text.slice(0, 120).replace(/\s+/g, ' ')}`, 'check that the URL is a Splunk HEC endpoint');
    },
  };
}
