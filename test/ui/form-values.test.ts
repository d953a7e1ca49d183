import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { candidate, confValues, initialValues, isOn, nameError, secretsToWrite, validate } from '../../src/ui/form-values.js';
import { credentialId } from '../../src/ui/secret-store.js';
import { passwordId } from '../../src/sim/splunkd.js';
import { accounts, hec, send } from '../../src/ui/sections.js';

describe('form values ⇄ .conf values, validated by the program\'s schemas', () => {
  it('starts a new stanza from the schema defaults, secrets blank', () => {
    const v = initialValues(accounts.fields);
    expect(v).toMatchObject({ client_id: '', client_secret: '', auth_url: 'https://auth.proofpoint.com', insecure: false, retries: '6' });
  });

  it('reads stored strings, booleans in every spelling the program accepts', () => {
    const v = initialValues(hec.fields, { urls: 'https://h:8088', ack: '1', gzip: 'no', token: 'never-shown' });
    expect(v).toMatchObject({ urls: 'https://h:8088', ack: true, gzip: false, token: '' });
  });

  it('a blank required secret is an error for a new stanza but not when one is stored', () => {
    const v = { ...initialValues(accounts.fields), client_id: 'k' };
    expect(validate(accounts.schema, accounts.fields, v, new Set())).toEqual({ client_secret: 'Client secret is required' });
    expect(validate(accounts.schema, accounts.fields, v, new Set(['client_secret']))).toEqual({});
    // A typed secret is checked even when one is stored.
    expect(validate(accounts.schema, accounts.fields, { ...v, client_id: '' }, new Set(['client_secret']))).toEqual({ client_id: 'Client ID (API key) is required' });
  });

  it('reports a rule across fields on the field the schema names', () => {
    const v = { ...initialValues(send.fields), host: 'h', client_cert_file: 'c', client_key_file: 'k', secret: 's', from: 'a@b', encrypt: true };
    expect(validate(send.schema, send.fields, v, new Set())).toEqual({ public_key_file: 'Service public key file or Service public key (PEM) is required when encrypt is on' });
  });

  it('a pasted PEM stands for its file path: typed now, or stored and left blank', () => {
    const base = { ...initialValues(send.fields), host: 'h', secret: 's', from: 'a@b' };
    expect(validate(send.schema, send.fields, base, new Set())).toEqual({
      client_cert_file: 'Client certificate file or Client certificate (PEM) is required (the client certificate)',
      client_key_file: 'Client key file or Client key (PEM) is required (the client key)',
    });
    // Stand-in PEM texts (no key material), built so no key-shaped block sits in the repo.
    const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    const pasted = { ...base, client_cert_pem: pem('CERTIFICATE', 'MIIB'), client_key_pem: pem('PRIVATE KEY', 'MIIE') };
    expect(validate(send.schema, send.fields, pasted, new Set())).toEqual({});
    expect(validate(send.schema, send.fields, base, new Set(['client_cert_pem', 'client_key_pem']))).toEqual({});
    expect(send.fields.filter((f) => f.multiline).map((f) => f.key).sort()).toEqual(['ca_pem', 'client_cert_pem', 'client_key_pem', 'public_key_pem']);
    expect(send.fields.filter((f) => f.multiline).every((f) => f.secret && !f.required)).toBe(true);
  });

  it('speaks the form\'s language: labels for keys, a capital letter, an example for a bad URL', () => {
    const v = { ...initialValues(accounts.fields), client_id: 'k', client_secret: 's', auth_url: 'auth.example.test', key_activation_date: '31/01/2026' };
    const errors = validate(accounts.schema, accounts.fields, v, new Set());
    expect(errors.auth_url).toBe('Invalid URL: give the full address, such as https://host.example.com');
    expect(errors.key_activation_date).toMatch(/^Expected a date such as 2026-01-31/);
  });

  it('writes no secret to the .conf, leaves defaults out of a new stanza, blanks a cleared key', () => {
    const v = { ...initialValues(accounts.fields), client_id: ' k ', client_secret: 's3cr3t', api_url: 'https://x.test' };
    expect(confValues(accounts.fields, v)).toEqual({ client_id: 'k', api_url: 'https://x.test' });
    expect(secretsToWrite(accounts.fields, v)).toEqual([['client_secret', 's3cr3t']]);
    const previous = { client_id: 'k', ca_file: '/ca.pem', insecure: '0' };
    const edited = { ...initialValues(accounts.fields, previous), ca_file: '', insecure: true };
    expect(confValues(accounts.fields, edited, previous)).toEqual({ ca_file: '', insecure: 'true' });
  });

  it('never puts a secret field into the .conf values, whatever is typed (property)', () => {
    const secretKeys = [...accounts.fields, ...hec.fields, ...send.fields].filter((f) => f.secret).map((f) => f.key);
    fc.assert(
      fc.property(fc.constantFrom(accounts, hec, send), fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string()), (section, typed) => {
        const values = { ...initialValues(section.fields), ...Object.fromEntries(section.fields.map((f) => [f.key, typed[f.key] ?? (f.secret ? 'x' : '')])) };
        const conf = confValues(section.fields, values);
        for (const k of secretKeys) expect(conf).not.toHaveProperty(k);
        expect(Object.keys(candidate(section.fields, values)).every((k) => section.fields.some((f) => f.key === k))).toBe(true);
      }),
    );
  });

  it('accepts exactly the stanza names inputs can refer to (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (name) => {
        const ok = nameError(name, []) === undefined;
        expect(ok).toBe(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name) && name !== 'default');
      }),
    );
    expect(nameError('prod', ['prod'])).toBe('"prod" already exists');
  });

  it('names a credential the way splunkd (and its stand-in) does, colons escaped (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (realm, user) => {
        expect(credentialId(realm, user)).toBe(passwordId(realm, user));
      }),
    );
    expect(credentialId('ta_ser_mail_account', 'a:b')).toBe('ta_ser_mail_account:a\\:b:');
  });

  it('reads .conf booleans like core/schema boolish', () => {
    expect([isOn('1', false), isOn('TRUE', false), isOn('0', true), isOn(undefined, true), isOn(' yes ', false)]).toEqual([true, true, false, true, true]);
  });
});
