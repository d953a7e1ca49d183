import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { describeError } from '../../src/core/errors.js';
import { isSecret, Secret } from '../../src/core/secret.js';
import { renderConfigDoc } from '../../src/service/config-doc.js';
import { loadServiceConfig, parseServiceConfig } from '../../src/service/config-load.js';
import { describedSecretFields, SECRET_FIELDS, SECTION_SCHEMAS, serviceConfigSchema } from '../../src/service/config-schema.js';

const DEFAULT_YAML = fileURLToPath(new URL('../../default/config.yaml', import.meta.url));
const ENV = {
  TA_SER_MAIL_HEC_TOKEN: 'hec-token-value',
  TA_SER_MAIL_SER_CLIENT_SECRET: 'ser-secret-value',
  TA_SER_MAIL_SEND_SECRET: 'send-secret-value',
  TA_SER_MAIL_SEND_KEY_PASSPHRASE: 'pass-value',
  TA_SER_MAIL_RECEIVER_TOKEN: 'receiver-token-value',
};

const minimal = (token: unknown = { env: 'T' }) => ({
  hec: { main: { urls: 'https://127.0.0.1:8088', token } },
  accounts: { prod: { client_id: 'k', client_secret: { env: 'S' } } },
  inputs: { ser_report: { prod: { account: 'prod', hec: 'main' } } },
});

describe('service configuration', () => {
  it('default/config.yaml is generated from the schemas (regenerate with npm run generate)', () => {
    expect(readFileSync(DEFAULT_YAML, 'utf8'), 'default/config.yaml is out of date: run npm run generate').toBe(renderConfigDoc());
  });

  it('default/config.yaml documents every setting of every section and loads with its secrets in the environment', () => {
    const text = readFileSync(DEFAULT_YAML, 'utf8');
    for (const [section, schema] of Object.entries(SECTION_SCHEMAS)) {
      for (const key of Object.keys((schema as z.ZodObject).shape)) expect(text, `${section}.${key}`).toMatch(new RegExp(`^\\s*(# )?${key}:`, 'm'));
    }
    const cfg = parseServiceConfig(text, '/etc/ta-ser-mail/config.yaml', ENV);
    expect(cfg.hec.main!.token.reveal()).toBe('hec-token-value');
    expect(cfg.accounts.production!.client_secret.reveal()).toBe('ser-secret-value');
    expect(cfg.send_services.mailer!.passphrase?.reveal()).toBe('pass-value');
    expect(cfg.inputs.mail_metadata.exchange!.auth_secret?.reveal()).toBe('receiver-token-value');
    expect(cfg.inputs.ser_report.production!.window).toBe(3600);
    // No value of a secret is in the example file.
    for (const v of Object.values(ENV)) expect(text).not.toContain(v);
  });

  it('marks exactly the fields the components describe as secrets', () => {
    for (const [section, schema] of Object.entries(SECTION_SCHEMAS)) {
      expect([...SECRET_FIELDS[section as keyof typeof SECRET_FIELDS]].sort(), section).toEqual(describedSecretFields(schema as z.ZodObject).sort());
    }
  });

  it('resolves { env } and { file } references into Secret values that never print', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-cfg-'));
    writeFileSync(join(dir, 'hec.token'), 'from-file\n');
    const cfg = parseServiceConfig(stringify(minimal({ file: 'hec.token' })), join(dir, 'config.yaml'), { S: 'ser-s' });
    const token = cfg.hec.main!.token;
    expect(isSecret(token)).toBe(true);
    expect(token.reveal()).toBe('from-file');
    expect(JSON.stringify(cfg)).not.toMatch(/from-file|ser-s/);
    expect(String(token)).toBe('[REDACTED]');
  });

  it('refuses any inline secret, naming the setting and never echoing the value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.constant(true)), (value) => {
        let message = '';
        try {
          parseServiceConfig(stringify(minimal(value)), '/x/c.yaml', { S: 's' });
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).toMatch(/hec\.main\.token: a secret is never written/);
        if (typeof value === 'string' && value.length > 3) expect(message).not.toContain(value);
      }),
      { numRuns: 50 },
    );
  });

  it('names a missing environment variable or unreadable secret file', () => {
    expect(() => parseServiceConfig(stringify(minimal()), '/x/c.yaml', { S: 's' })).toThrow(/hec\.main\.token: environment variable T is not set/);
    expect(() => parseServiceConfig(stringify(minimal({ file: '/nonexistent/t' })), '/x/c.yaml', { S: 's' })).toThrow(/hec\.main\.token: secret file \/nonexistent\/t cannot be read \(ENOENT\)/);
  });

  it('names bad fields by path, unknown keys and dangling names', () => {
    const bad = { ...minimal(), hec: { main: { urls: 'nope', token: { env: 'T' }, gzipp: true } } };
    expect(() => parseServiceConfig(stringify(bad), '/x/c.yaml', { T: 't', S: 's' })).toThrow(/hec\.main\.urls.*hec\.main: Unrecognized key: "gzipp"|hec\.main: Unrecognized key: "gzipp".*hec\.main\.urls/);
    const dangling = { ...minimal(), inputs: { ser_report: { prod: { account: 'nobody', hec: 'elsewhere' } } } };
    expect(() => parseServiceConfig(stringify(dangling), '/x/c.yaml', { T: 't', S: 's' })).toThrow(/inputs\.ser_report\.prod\.account: no SER account under accounts: named "nobody".*inputs\.ser_report\.prod\.hec: no HEC destination/);
    expect(() => parseServiceConfig(stringify({ ...minimal(), acounts: {} }), '/x/c.yaml', { T: 't', S: 's' })).toThrow(/Unrecognized key: "acounts"/);
    // The receiver's start-up rules are load-time errors, so doctor reports them as run would.
    const open = { ...minimal(), inputs: { mail_metadata: { exchange: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'S' }, listen_host: '0.0.0.0' } } } };
    expect(() => parseServiceConfig(stringify(open), '/x/c.yaml', { T: 't', S: 's' })).toThrow(/inputs\.mail_metadata\.exchange: listen_host 0\.0\.0\.0 is not loopback: set tls_cert_file/);
    const noSecret = { ...minimal(), inputs: { mail_metadata: { exchange: { hec: 'main', auth_mode: 'static' } } } };
    expect(() => parseServiceConfig(stringify(noSecret), '/x/c.yaml', { T: 't', S: 's' })).toThrow(/inputs\.mail_metadata\.exchange: auth_mode = static needs auth_secret/);
    expect(() => parseServiceConfig('a: [', '/x/c.yaml', {})).toThrow(/not valid YAML/);
    // One line naming the place, without quoting the file back (the CLI prints it as one ERROR line).
    for (const text of ['hec: [1\n', 'hec:\n  main:\n    urls: "unclosed\n', 'a: b: c\n', 'hec:\n\tmain: x\n']) {
      let message = '';
      try {
        parseServiceConfig(text, '/x/c.yaml', {});
      } catch (err) {
        message = describeError(err);
      }
      expect(message, JSON.stringify(text)).toMatch(/^CONFIG_INVALID: \/x\/c\.yaml: not valid YAML: .*line \d+, column \d+/);
      expect(message, JSON.stringify(text)).not.toContain('\n');
    }
    expect(() => loadServiceConfig('/nonexistent/config.yaml')).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('takes the same string values Splunk gives (one schema for YAML and .conf)', () => {
    const cfg = parseServiceConfig(stringify({ ...minimal(), hec: { main: { urls: 'https://a:8088, https://b:8088', token: { env: 'T' }, ack: '1', batch_bytes: '2048' } } }), '/x/c.yaml', { T: 't', S: 's' });
    expect(cfg.hec.main!.urls).toEqual(['https://a:8088', 'https://b:8088']);
    expect(cfg.hec.main!.ack).toBe(true);
    expect(cfg.hec.main!.batch_bytes).toBe(2048);
    expect(serviceConfigSchema.shape.hec).toBeDefined();
  });

  it('parses secrets without revealing them: each is a Secret from its reference straight to the config', () => {
    const reveal = vi.spyOn(Secret.prototype, 'reveal');
    try {
      const cfg = parseServiceConfig(
        stringify({
          ...minimal(),
          inputs: { ser_report: { prod: { account: 'prod', hec: 'main' } }, mail_metadata: { m: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'R' } } } },
        }),
        '/x/config.yaml',
        { T: 'token-value', S: 'secret-value', R: 'receiver-value' },
      );
      expect(reveal).not.toHaveBeenCalled();
      expect(isSecret(cfg.hec.main!.token)).toBe(true);
      expect(isSecret(cfg.accounts.prod!.client_secret)).toBe(true);
      // A field whose schema takes text (parsed with a stand-in) still ends up the Secret itself.
      expect(isSecret(cfg.inputs.mail_metadata.m!.auth_secret)).toBe(true);
      reveal.mockRestore();
      expect([cfg.hec.main!.token.reveal(), cfg.accounts.prod!.client_secret.reveal(), cfg.inputs.mail_metadata.m!.auth_secret?.reveal()]).toEqual(['token-value', 'secret-value', 'receiver-value']);
      expect(JSON.stringify(cfg)).not.toMatch(/token-value|secret-value|receiver-value|stand-in/);
    } finally {
      reveal.mockRestore();
    }
  });
});
