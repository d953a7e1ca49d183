import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { serAccountSchema, serInputSchema } from '../../src/ser/config.js';
import { createSerSession, toSerAccountSettings } from '../../src/ser/session.js';

const base = { client_id: 'key', client_secret: 'the-secret-value' };

describe('SER account settings', () => {
  it('the client secret parses without being revealed: a string or a Secret in, a Secret out', () => {
    const fromText = serAccountSchema.parse(base);
    expect(fromText.client_secret).toBeInstanceOf(Secret);
    expect(fromText.client_secret.reveal()).toBe('the-secret-value');
    const wrapped = new Secret('kept-as-is');
    expect(serAccountSchema.parse({ ...base, client_secret: wrapped }).client_secret).toBe(wrapped);
    expect(JSON.stringify(fromText)).not.toContain('the-secret-value');
  });

  it('an empty or missing secret is an error naming client_secret', () => {
    for (const client_secret of ['', new Secret(''), undefined]) {
      const r = serAccountSchema.safeParse({ ...base, client_secret });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['client_secret']);
    }
  });

  it('a missing setting says "missing", a wrong type says what is expected (never zod\'s bare "Invalid input")', () => {
    const issues = (v: unknown) => {
      const r = serAccountSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({})).toEqual(['client_id: missing', 'client_secret: missing: the SER secret (client_secret) is required']);
    expect(issues({ client_id: 5, client_secret: 5 })).toEqual(['client_id: expected a text', 'client_secret: expected the SER secret (client_secret) as a text']);
    expect(issues({ ...base, rate_limit_per_minute: 'lots', retries: 1.5, api_url: 'nope' })).toEqual(['api_url: expected a URL such as https://ser-api.proofpoint.com', 'rate_limit_per_minute: expected a whole number', 'retries: expected a whole number']);
    const input = serInputSchema.safeParse({ concurrency: 'many' });
    expect(input.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['account: missing', 'concurrency: expected a whole number']);
  });

  it.each(['auth_url', 'api_url'])('refuses plain http:// %s to another host, naming allow_insecure_http', (field) => {
    const r = serAccountSchema.safeParse({ ...base, [field]: 'http://ser.example.com' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([field]);
    expect(r.error!.issues[0]!.message).toMatch(/plain http .*allow_insecure_http = true/);
  });

  it('accepts http:// on this machine, https:// anywhere, and http:// elsewhere only when allowed — with a warning at start', () => {
    for (const url of ['http://127.0.0.1:8443', 'http://localhost:1', 'http://[::1]:2', 'https://ser.example.com']) {
      expect(serAccountSchema.safeParse({ ...base, auth_url: url, api_url: url }).success).toBe(true);
    }
    const allowed = serAccountSchema.parse({ ...base, api_url: 'http://ser.example.com', allow_insecure_http: 'true' });
    const lines: string[] = [];
    createSerSession(toSerAccountSettings('acme', allowed), { log: createLogger({ write: (l) => lines.push(l) }) });
    expect(lines.filter((l) => l.startsWith('WARN') && l.includes('api_url is plain http'))).toHaveLength(1);
    expect(lines.join('')).not.toContain('the-secret-value');
  });
});

describe('default/config.yaml', () => {
  it('names the checkpoint file a SER input really writes', async () => {
    const { renderConfigDoc } = await import('../../src/service/config-doc.js');
    const { checkpointFileName } = await import('../../src/core/checkpoint.js');
    const { serCheckpointKey } = await import('../../src/ser/checkpoint-state.js');
    const doc = renderConfigDoc().replace(/\n\s*#\s*/g, ' ');
    const pattern = /<service\.checkpoint_dir>\/(\S+\.json)/.exec(doc)?.[1];
    expect(pattern).toBeDefined();
    expect(pattern!.replace('<input>', 'main').replace('<account>', 'acme')).toBe(checkpointFileName(serCheckpointKey('main', 'acme')));
  });
});
