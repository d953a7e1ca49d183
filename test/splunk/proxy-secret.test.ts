import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, proxyAuthorization } from '../../src/core/http.js';
import { Secret } from '../../src/core/secret.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { startSplunkdSimulator, type SplunkdSimulator } from '../../src/sim/splunkd.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';

/**
 * Issue 12 item 3: the proxy password (storage/passwords) travels as a Secret beside the URL and
 * reaches the proxy only as the Proxy-Authorization header; no URL string ever holds it.
 */
let pki: Pki;
let target: SplunkdSimulator;
let proxy: ConnectProxy;

beforeAll(async () => {
  pki = createPki();
  [target, proxy] = await Promise.all([startSplunkdSimulator({ tls: { cert: pki.serverCert, key: pki.serverKey } }), startConnectProxy()]);
});
afterAll(async () => {
  await Promise.all([target.close(), proxy.close()]);
});

describe('proxy credentials', () => {
  it('sends the URL user with the separate password as Basic credentials through the tunnel', async () => {
    const url = proxy.url.replace('http://', 'http://alice@');
    const dispatcher = createDispatcher({ target: 'test', tls: { ca_file: pki.caFile }, proxy: { url, password: new Secret('p@ss:wörd') } });
    try {
      const r = await request(`${target.url}/services/server/info`, { dispatcher, headers: { authorization: `Splunk ${target.sessionKey}` } });
      await r.body.text();
      expect(proxy.tunnels.at(-1)).toBe(new URL(target.url).host);
      expect(proxy.auths.at(-1)).toBe(`Basic ${Buffer.from('alice:p@ss:wörd').toString('base64')}`);
    } finally {
      await dispatcher.close();
    }
  });

  it('keeps the password out of the proxy URI it hands to undici', () => {
    const a = proxyAuthorization({ url: 'http://bob@proxy.example:3128', password: new Secret('s3cret') });
    expect(a.uri).toBe('http://proxy.example:3128/');
    expect(a.uri).not.toContain('s3cret');
    expect(a.token).toMatch(/^Basic /);
    // No stored password, or no user in the URL: the URL as the admin wrote it, no header of ours.
    expect(proxyAuthorization({ url: 'http://proxy.example:3128' })).toEqual({ uri: 'http://proxy.example:3128' });
    expect(proxyAuthorization({ url: 'http://proxy.example:3128', password: new Secret('x') })).toEqual({ uri: 'http://proxy.example:3128' });
  });
});
