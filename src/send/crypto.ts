import { X509Certificate, constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { WrapMode } from './config.js';

/**
 * Hybrid encryption the way the service's Java side reads it: per message a fresh AES-256 key
 * and 12-byte IV; subject and body each AES-256-GCM, sent as base64(ciphertext ‖ 16-byte tag),
 * which is what `Cipher.getInstance("AES/GCM/NoPadding")` returns and expects. Both fields use
 * the one (key, IV) because the protocol carries one messageKey and one messageVector; the key
 * is fresh per message, so the reuse never crosses messages.
 */
export const AES_KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export interface EncryptedFields {
  subject: string;
  body: string;
  /** The AES key wrapped with the service's RSA public key, base64. */
  messageKey: string;
  /** The GCM IV, base64. */
  messageVector: string;
}

/** Node's padding options for each Java transformation name; OAEP-256 uses SHA-256 for MGF1 too. */
function rsaOptions(mode: WrapMode): { padding: number; oaepHash?: string } {
  switch (mode) {
    case 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding':
      return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    case 'RSA/ECB/OAEPWithSHA-1AndMGF1Padding':
      return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' };
    case 'RSA/ECB/PKCS1Padding':
      return { padding: constants.RSA_PKCS1_PADDING };
  }
}

/** The service's public key from a PEM public key or a PEM certificate. */
export function loadWrapKey(pem: string, file = 'public_key_file'): KeyObject {
  try {
    const key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an ${key.asymmetricKeyType ?? 'unknown'} key, not RSA`);
    return key;
  } catch (err) {
    throw new ConfigError(`${file} does not hold an RSA public key or certificate in PEM: ${(err as Error).message}`, { cause: err });
  }
}

export function gcmEncrypt(key: Buffer, iv: Buffer, plaintext: string): string {
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return Buffer.concat([ct, c.getAuthTag()]).toString('base64');
}

export function gcmDecrypt(key: Buffer, iv: Buffer, b64: string): string {
  const data = Buffer.from(b64, 'base64');
  if (data.length < GCM_TAG_BYTES) throw new Error('ciphertext shorter than the GCM tag');
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  return Buffer.concat([d.update(data.subarray(0, data.length - GCM_TAG_BYTES)), d.final()]).toString('utf8');
}

export function wrapKey(aesKey: Buffer, publicKey: KeyObject, mode: WrapMode): string {
  return publicEncrypt({ key: publicKey, ...rsaOptions(mode) }, aesKey).toString('base64');
}

/** Encrypts subject and body under one fresh key and IV (the protocol's one messageKey/messageVector). */
export function encryptMessage(subject: string, body: string, publicKey: KeyObject, mode: WrapMode): EncryptedFields {
  const key = randomBytes(AES_KEY_BYTES);
  const iv = randomBytes(GCM_IV_BYTES);
  const out = {
    subject: gcmEncrypt(key, iv, subject),
    body: gcmEncrypt(key, iv, body),
    messageKey: wrapKey(key, publicKey, mode),
    messageVector: iv.toString('base64'),
  };
  key.fill(0);
  return out;
}

/**
 * The service's side (simulator and tests). Node 20 refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809), so that mode is unpadded by hand after a raw RSA operation — acceptable in
 * a simulator, never on a real decryption oracle.
 */
export function unwrapKey(messageKey: string, privateKeyPem: string | KeyObject, mode: WrapMode): Buffer {
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  const wrapped = Buffer.from(messageKey, 'base64');
  if (mode !== 'RSA/ECB/PKCS1Padding') return privateDecrypt({ key, ...rsaOptions(mode) }, wrapped);
  const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, wrapped);
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error('PKCS#1 v1.5 padding is malformed');
  return em.subarray(sep + 1);
}

export function decryptMessage(fields: EncryptedFields, privateKey: string | KeyObject, mode: WrapMode): { subject: string; body: string } {
  const key = unwrapKey(fields.messageKey, privateKey, mode);
  if (key.length !== AES_KEY_BYTES) throw new Error(`unwrapped key has ${key.length} bytes, expected ${AES_KEY_BYTES}`);
  const iv = Buffer.from(fields.messageVector, 'base64');
  if (iv.length !== GCM_IV_BYTES) throw new Error(`messageVector has ${iv.length} bytes, expected ${GCM_IV_BYTES}`);
  return { subject: gcmDecrypt(key, iv, fields.subject), body: gcmDecrypt(key, iv, fields.body) };
}
