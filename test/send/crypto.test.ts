import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { WRAP_MODES } from '../../src/send/config.js';
import { GCM_IV_BYTES, GCM_TAG_BYTES, decryptMessage, encryptMessage, gcmDecrypt, gcmEncrypt, loadWrapKey } from '../../src/send/crypto.js';
import type { KeyObject } from 'node:crypto';
import { testPki } from './fixtures.js';

let pub: KeyObject;
let priv: string;

describe('message encryption', () => {
  beforeAll(() => {
    const p = testPki();
    pub = loadWrapKey(readFileSync(p.wrapPublicKeyFile, 'utf8'));
    priv = readFileSync(p.wrapPrivateKeyFile, 'utf8');
  });

  it('the key loads from a PEM public key and from a certificate alike', () => {
    const fromCert = loadWrapKey(readFileSync(testPki().wrapCertFile, 'utf8'));
    expect(fromCert.export({ type: 'spki', format: 'pem' })).toBe(pub.export({ type: 'spki', format: 'pem' }));
    expect(() => loadWrapKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrowError(/public_key_file/);
  });

  it('round-trips any subject and body in every wrap mode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 2000 }), fc.constantFrom(...WRAP_MODES), (subject, body, mode) => {
        // lone surrogates do not survive UTF-8; the service receives UTF-8 JSON anyway
        const s = Buffer.from(subject, 'utf8').toString('utf8');
        const b = Buffer.from(body, 'utf8').toString('utf8');
        const enc = encryptMessage(s, b, pub, mode);
        expect(decryptMessage(enc, priv, mode)).toEqual({ subject: s, body: b });
      }),
      { numRuns: 60 },
    );
  });

  it('GCM encoding is base64(ciphertext ‖ 16-byte tag) and decodes back for any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 300 }), (k, iv, text) => {
        const b64 = gcmEncrypt(Buffer.from(k), Buffer.from(iv), text);
        expect(Buffer.from(b64, 'base64').length).toBe(Buffer.byteLength(text) + GCM_TAG_BYTES);
        expect(gcmDecrypt(Buffer.from(k), Buffer.from(iv), b64)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a fresh key and IV per message; subject and body share them within the message', () => {
    const a = encryptMessage('same', 'same', pub, WRAP_MODES[0]);
    const b = encryptMessage('same', 'same', pub, WRAP_MODES[0]);
    expect(a.messageKey).not.toBe(b.messageKey);
    expect(a.messageVector).not.toBe(b.messageVector);
    expect(a.subject).not.toBe(b.subject);
    expect(Buffer.from(a.messageVector, 'base64')).toHaveLength(GCM_IV_BYTES);
    expect(a.subject).toBe(a.body); // one (key, IV) per message, by protocol
  });

  it('a tampered ciphertext or the wrong wrap mode is refused, not misread', () => {
    const e = encryptMessage('subject', 'body', pub, 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding');
    const bad = Buffer.from(e.body, 'base64');
    bad[0]! ^= 1;
    expect(() => decryptMessage({ ...e, body: bad.toString('base64') }, priv, 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding')).toThrow();
    expect(() => decryptMessage(e, priv, 'RSA/ECB/OAEPWithSHA-1AndMGF1Padding')).toThrow();
  });
});
