import { describe, expect, it } from 'vitest';
import { hecDestinationSchema } from '../../src/hec/config.js';
import { HecSink, hecSinkConfig } from '../../src/hec/sink.js';
import { fieldSpecs } from '../../src/ui/schema-fields.js';
import { capturingLogger } from './helpers.js';
import { Secret } from '../../src/core/secret.js';

describe('hecDestinationSchema', () => {
  it('takes Splunk .conf strings and YAML values alike', () => {
    const fromConf = hecDestinationSchema.parse({ urls: 'https://hec1:8088, https://hec2:8088', token: 't', ack: '1', gzip: 'false', batch_bytes: '65536', request_timeout: '2m', batch_interval: '250ms' });
    const fromYaml = hecDestinationSchema.parse({ urls: ['https://hec1:8088', 'https://hec2:8088'], token: 't', ack: true, gzip: false, batch_bytes: 65536, request_timeout: 120, batch_interval: 0.25 });
    expect(fromConf).toEqual(fromYaml);
    expect(fromConf).toMatchObject({ urls: ['https://hec1:8088', 'https://hec2:8088'], ack: true, gzip: false, request_timeout: 120, batch_interval: 0.25 });
  });

  it('has safe defaults: gzip on, ack off, TLS verified, 1 MiB batches, 1 s interval', () => {
    expect(hecDestinationSchema.parse({ urls: 'https://hec:8088', token: 't' })).toMatchObject({
      gzip: true,
      ack: false,
      insecure: false,
      batch_bytes: 1024 * 1024,
      batch_interval: 1,
      retries: 8,
    });
  });

  it('describes every field (the generated docs and spec files depend on it)', () => {
    for (const [k, v] of Object.entries(hecDestinationSchema.shape)) expect(v.description, k).toBeTruthy();
    expect(hecDestinationSchema.shape.token.description).toMatch(/secret: stored in storage\/passwords/);
  });

  it.each([
    [{ token: 't' }, 'urls', /expected array|received undefined/i],
    [{ urls: '', token: 't' }, 'urls', /at least one HEC URL/],
    [{ urls: 'hec1:8088x', token: 't' }, 'urls.0', /must start with https:\/\//],
    [{ urls: 'not a url', token: 't' }, 'urls.0', /https:\/\/host:8088/],
    [{ urls: 'https://h:8088' }, 'token', /invalid input|required/i],
    [{ urls: 'https://h:8088', token: '' }, 'token', /the HEC token is required/],
    [{ urls: 'http://hec.example.com:8088', token: 't' }, 'urls.0', /plain http to another host.*allow_insecure_http = true/],
    [{ urls: 'https://h:8088', token: 't', ack: 'perhaps' }, 'ack', /expected a boolean/],
    [{ urls: 'https://h:8088', token: 't', batch_bytes: 10 }, 'batch_bytes', /too small|>=/i],
    [{ urls: 'https://h:8088', token: 't', batch_interval: 'soon' }, 'batch_interval', /duration/],
    [{ urls: 'https://h:8088', token: 't', max_in_flight: 0 }, 'max_in_flight', /too small|>=/i],
  ])('rejects %j naming %s', (raw, path, message) => {
    const r = hecDestinationSchema.safeParse(raw);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('plain http is fine to this machine, and elsewhere only with allow_insecure_http', () => {
    expect(hecDestinationSchema.safeParse({ urls: 'http://127.0.0.1:8088,http://localhost:8088,http://[::1]:8088', token: 't' }).success).toBe(true);
    expect(hecDestinationSchema.safeParse({ urls: 'http://hec1:8088', token: 't', allow_insecure_http: '1' }).success).toBe(true);
    expect(hecDestinationSchema.safeParse({ urls: 'https://hec1:8088', token: 't' }).success).toBe(true);
  });

  it('the configuration page still draws the token (required, secret) and the new switch', () => {
    const f = fieldSpecs(hecDestinationSchema);
    expect(f.find((x) => x.key === 'token')).toMatchObject({ required: true, secret: true, kind: 'text' });
    expect(f.find((x) => x.key === 'allow_insecure_http')).toMatchObject({ kind: 'boolean', default: false });
  });

  it('a sink on plain http to another host (allowed) says so at start', () => {
    const { log, lines } = capturingLogger();
    const sink = new HecSink(hecSinkConfig({ urls: 'http://hec.example.com:8088,https://hec2:8088', token: 't', allow_insecure_http: true }), { log });
    expect(lines.filter((l) => l.startsWith('WARN'))).toEqual([expect.stringMatching(/HEC URL http:\/\/hec.example.com:8088 is plain http \(allow_insecure_http = true\)/)]);
    void sink.close(0);
  });

  it('takes a Secret as it is: loaders never reveal and re-wrap it', () => {
    const token = new Secret('tok-secret-2');
    const cfg = hecDestinationSchema.parse({ urls: 'https://h:8088', token });
    expect(cfg.token).toBe(token);
  });

  it('hecSinkConfig wraps the token in a Secret that never prints', () => {
    const cfg = hecSinkConfig({ urls: 'https://h:8088', token: 'tok-value-1' });
    expect(cfg.token.reveal()).toBe('tok-value-1');
    expect(JSON.stringify(cfg)).not.toContain('tok-value-1');
    expect(`${cfg.token}`).toBe('[REDACTED]');
  });
});
