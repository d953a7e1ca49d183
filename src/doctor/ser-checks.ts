import { request, type Dispatcher } from 'undici';
import { AddonError, describeError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { SerCredentialsError } from '../ser/errors.js';
import { parseSummaryReply } from '../ser/reply.js';
import { formatSerTimestamp } from '../ser/time.js';
import { TokenSource } from '../ser/token.js';
import { fail, pass, type Check } from './check.js';

export interface SerAccountTarget {
  name: string;
  authUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: Secret;
  dispatcher: Dispatcher;
}

/** The token is requested once and shared with the report check that follows it. */
export function serTokenCheck(a: SerAccountTarget, tokens: Map<string, TokenSource>): Check {
  return {
    check: 'SER token',
    target: a.name,
    id: `ser token ${a.name}`,
    async run(signal) {
      const source = new TokenSource({ account: a.name, authUrl: a.authUrl, clientId: a.clientId, clientSecret: a.clientSecret, dispatcher: a.dispatcher, signal, timeoutMs: 10_000 });
      try {
        await source.get();
      } catch (err) {
        if (err instanceof SerCredentialsError) return fail(describeError(err), `fix accounts.${a.name}.client_id / client_secret (create a new key in the Proofpoint admin console if it expired)`);
        const retryable = AddonError.isInstance(err) && err.retryable;
        return fail(describeError(err), retryable ? `the token service at ${a.authUrl} is unavailable: retry later, or check accounts.${a.name}.auth_url and the proxy` : `check accounts.${a.name}.auth_url`);
      }
      tokens.set(a.name, source);
      return pass(`token obtained from ${new URL(a.authUrl).host} (refreshes: ${source.refreshes})`);
    },
  };
}

/**
 * One report call for the newest settled window, parsed by the input's own reply parser, so
 * the row proves the whole path (token accepted by the API, reply understood).
 */
export function serReportCheck(a: SerAccountTarget, tokens: Map<string, TokenSource>, o: { windowSeconds: number; settleSeconds: number }): Check {
  return {
    check: 'SER report',
    target: a.name,
    after: [`ser token ${a.name}`],
    async run(signal) {
      const source = tokens.get(a.name)!;
      const size = o.windowSeconds * 1000;
      const end = Math.floor((Date.now() - o.settleSeconds * 1000) / size) * size;
      const url = new URL('v1/sercustomer/report/summary', a.apiUrl.endsWith('/') ? a.apiUrl : `${a.apiUrl}/`);
      url.searchParams.set('startTimeStamp', formatSerTimestamp(end - size));
      url.searchParams.set('endTimeStamp', formatSerTimestamp(end));
      const token = await source.get();
      const res = await request(url, { method: 'GET', headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' }, dispatcher: a.dispatcher, signal });
      const body = await res.body.text();
      if (res.statusCode === 401 || res.statusCode === 403) return fail(`the API refused the token (HTTP ${res.statusCode})`, `the key of accounts.${a.name} may lack the Reporting permission: check it in the Proofpoint admin console`);
      if (res.statusCode === 429) return fail('HTTP 429: rate limit reached', 'another client uses this key at its limit: lower rate_limit_per_minute of the inputs sharing it');
      if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}`, `the SER API is unavailable or accounts.${a.name}.api_url is wrong`);
      try {
        const report = parseSummaryReply(body);
        return pass(`window ${formatSerTimestamp(end - size)}..${formatSerTimestamp(end)}: ${report.users.length} application user(s)${report.entitlement?.license_end ? `, licence ends ${new Date(report.entitlement.license_end).toISOString().slice(0, 10)}` : ''}`);
      } catch (err) {
        return fail(describeError(err), 'the API answered something the input does not understand: report it with the detail');
      }
    },
  };
}
