import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Agent, request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMailInput } from '../../src/mail/input.js';
import { createPki, type Pki } from '../../src/sim/pki.js';
import { mails, message, post, ScriptedSink, startTestInput } from './helpers.js';

const HMAC_KEY = 'a-long-hmac-key-made-for-this-test-only-0123456789';
const body = mails('o@x.com', [message(1)]);
const now = () => Math.floor(Date.now() / 1000);

const running: RunningMailInput[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function hs256(claims: Record<string, unknown>, key = HMAC_KEY, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(key));
}

describe('mail receiver: JWT AuthToken (HS256 with a shared key)', () => {
  async function start(extra: Record<string, unknown> = {}) {
    const sink = new ScriptedSink();
    const r = await startTestInput(sink, { auth_mode: 'jwt', jwt_audience: 'yva-api', jwt_issuer: 'yva', ...extra }, HMAC_KEY);
    running.push(r);
    return { sink, url: `${r.url}/api/mails` };
  }

  it('accepts a good token', async () => {
    const { sink, url } = await start();
    const token = await hs256({ aud: 'yva-api', iss: 'yva', exp: now() + 600, sub: 'connector' });
    expect((await post(url, body, { token })).status).toBe(200);
    expect(sink.delivered).toHaveLength(1);
  });

  it.each([
    ['forged (other key)', () => hs256({ aud: 'yva-api', iss: 'yva', exp: now() + 600 }, 'another-key-the-attacker-guessed-0123456789abcdef'), /signature does not verify/],
    ['expired', () => hs256({ aud: 'yva-api', iss: 'yva', exp: now() - 3600 }), /expired/],
    ['for another audience', () => hs256({ aud: 'other', iss: 'yva', exp: now() + 600 }), /"aud"/],
    ['from another issuer', () => hs256({ aud: 'yva-api', iss: 'evil', exp: now() + 600 }), /"iss"/],
    ['without expiry', () => hs256({ aud: 'yva-api', iss: 'yva' }), /"exp" is missing/],
    ['unsigned (alg none)', async () => new UnsecuredJWT({ aud: 'yva-api', iss: 'yva', exp: now() + 600 }).encode(), /not a valid JWT|algorithm/],
    ['not a JWT', async () => 'plain-string', /not a valid JWT/],
  ])('refuses a token %s with 401 and the reason', async (_name, make, reason) => {
    const { sink, url } = await start();
    const token = await make();
    const res = await post(url, body, { token });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(String(res.json.message)).toMatch(reason);
    expect(JSON.stringify(res.json)).not.toContain(token);
    expect(sink.delivered).toHaveLength(0);
  });

  it('accepts a token without exp when jwt_require_expiry is off', async () => {
    const { url } = await start({ jwt_require_expiry: false });
    expect((await post(url, body, { token: await hs256({ aud: 'yva-api', iss: 'yva' }) })).status).toBe(200);
  });
});

describe('mail receiver: JWT signed with a private key, verified with the public key file, over HTTPS', () => {
  let pki: Pki;
  let dir: string;
  beforeAll(() => {
    pki = createPki();
    dir = mkdtempSync(join(tmpdir(), 'mail-jwt-'));
  });

  it('verifies RS256 and refuses an HS256 token made with the public key as HMAC secret (alg confusion)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pubFile = join(dir, 'connector.pub');
    const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(pubFile, pubPem);
    const sink = new ScriptedSink();
    const r = await startTestInput(sink, { auth_mode: 'jwt', jwt_public_key_file: pubFile, tls_cert_file: pki.serverCertFile, tls_key_file: pki.serverKeyFile }, undefined);
    running.push(r);
    expect(r.url).toMatch(/^https:/);
    const dispatcher = new Agent({ connect: { ca: pki.ca } });
    const send = async (token: string) => {
      const res = await request(`${r.url}/api/mails`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      await res.body.text();
      return res.statusCode;
    };
    const good = await new SignJWT({ exp: now() + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(await send(good)).toBe(200);
    const confused = await hs256({ exp: now() + 600 }, pubPem);
    expect(await send(confused)).toBe(401);
    expect(sink.delivered).toHaveLength(1);
    await dispatcher.close();
  });
});
