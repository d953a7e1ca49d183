import { constants, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Secret } from '../core/secret.js';
import { fail, pass, skip, type Check } from './check.js';

/** Proves a checkpoint can be saved the way FileCheckpointStore saves it: temp file, fsync, rename, delete. */
export function checkpointDirCheck(dir: string, usedBy: string): Check {
  return {
    check: 'checkpoint dir',
    target: dir,
    async run() {
      const probe = join(dir, `.doctor-${process.pid}.probe`);
      try {
        await mkdir(dir, { recursive: true });
        const fh = await open(`${probe}.tmp`, 'w', 0o600);
        try {
          await fh.writeFile('{}');
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(`${probe}.tmp`, probe);
        await rm(probe, { force: true });
        return pass(`writable (used by ${usedBy})`);
      } catch (err) {
        await rm(`${probe}.tmp`, { force: true }).catch(() => undefined);
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        return fail(`cannot write a checkpoint there (${code}: ${(err as Error).message})`, `create ${dir} and make it writable by the user the service runs as, or set service.checkpoint_dir to another directory`);
      }
    },
  };
}

const PADDING: Record<string, { padding: number; oaepHash?: string }> = {
  'RSA/ECB/OAEPWithSHA-256AndMGF1Padding': { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
  'RSA/ECB/OAEPWithSHA-1AndMGF1Padding': { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
  'RSA/ECB/PKCS1Padding': { padding: constants.RSA_PKCS1_PADDING },
};

/** The service's RSA key (public key or certificate) loads and can wrap a 32-byte AES key with the configured padding. */
export function encryptionKeyCheck(o: { service: string; encrypt: boolean; publicKeyFile?: string; wrapMode: string }): Check {
  return {
    check: 'encryption key',
    target: o.publicKeyFile ?? o.service,
    async run() {
      if (!o.encrypt) return skip(`encryption is off for ${o.service}`);
      if (!o.publicKeyFile) return fail('no public_key_file', `set send_services.${o.service}.public_key_file to the service's RSA public key or certificate (PEM)`);
      let key: KeyObject;
      try {
        key = createPublicKey(await readFile(o.publicKeyFile));
      } catch (err) {
        return fail(`cannot load ${o.publicKeyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `set send_services.${o.service}.public_key_file to a PEM public key or certificate the service gave you`);
      }
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (key.asymmetricKeyType !== 'rsa') return fail(`key type ${key.asymmetricKeyType}, not RSA`, 'the service wraps message keys with RSA: ask for its RSA public key');
      if (bits < 2048) return fail(`RSA ${bits} bits`, 'ask the service for an RSA key of at least 2048 bits');
      const pad = PADDING[o.wrapMode];
      if (!pad) return fail(`unknown wrap_mode ${o.wrapMode}`, `use one of ${Object.keys(PADDING).join(', ')}`);
      publicEncrypt({ key, ...pad }, randomBytes(32));
      return pass(`RSA ${bits} bits, wraps a key with ${o.wrapMode}`);
    },
  };
}

/** The client certificate and its key load, the passphrase opens the key, and they belong together. */
export function clientKeyCheck(o: { service: string; certFile: string; keyFile: string; passphrase?: Secret }): Check {
  return {
    check: 'client certificate',
    target: o.certFile,
    id: `client cert ${o.service}`,
    async run() {
      let certKey: KeyObject;
      try {
        certKey = createPublicKey(await readFile(o.certFile));
      } catch (err) {
        return fail(`cannot load ${o.certFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `set send_services.${o.service}.client_cert_file to the PEM client certificate`);
      }
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: await readFile(o.keyFile), passphrase: o.passphrase?.reveal() });
      } catch (err) {
        const m = (err as Error).message;
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fail(`${o.keyFile} not found`, `set send_services.${o.service}.client_key_file`);
        return fail(`the client key cannot be opened (${/decrypt|passphrase/i.test(m) ? 'wrong or missing passphrase' : m})`, `check send_services.${o.service}.passphrase`);
      }
      const same = createPublicKey(key).export({ format: 'der', type: 'spki' }).equals(certKey.export({ format: 'der', type: 'spki' }));
      if (!same) return fail('the key does not belong to the certificate', `set client_key_file and client_cert_file of ${o.service} to a matching pair`);
      return pass(`key opens and matches the certificate`);
    },
  };
}
