import { describe, expect, it } from 'vitest';
import { defaultDrainMs, forwardSinkConfig } from '../../src/commands/forward.js';
import { cli, expectedIds, lines, tmpFile, until } from './forward-cli.js';
import { simulatorsPerTest } from './helpers.js';

const sim = simulatorsPerTest();

describe('forward (CLI)', () => {
  it('delivers every line of a file and exits 0', async () => {
    const hec = await sim({ ack: true });
    const ls = lines(300, 'file');
    const file = tmpFile('events.ndjson', `${ls.join('\n')}\n\n`);
    const r = await cli(['forward', '--file', file, '--url', hec.url, '--ack'], { HEC_TOKEN: hec.token });
    expect(r.code).toBe(0);
    expect(r.summary).toEqual({ read: 300, delivered: 300, undelivered: 0, refused: 0 });
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
    expect(hec.eventIds()).toHaveLength(300);
  });

  it('names the bad line, delivers the lines before it, exits non-zero', async () => {
    const hec = await sim();
    const ls = lines(2, 'bad');
    const r = await cli(['forward', '--url', hec.url], { HEC_TOKEN: hec.token }, `${ls.join('\n')}\n{"time":1,"sourcetype":"x"}\n${lines(1, 'after')[0]}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR line 3: field "event"/m);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('ERROR'))).toHaveLength(1);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
    expect(r.summary).toEqual({ read: 3, delivered: 2, undelivered: 0, refused: 1 }); // the bad line is read and refused
  });

  it('a refused token: clear error, non-zero exit, token not printed, nothing accepted', async () => {
    const hec = await sim();
    const r = await cli(['forward', '--url', hec.url, '--drain-timeout', '5'], { HEC_TOKEN: 'definitely-wrong-token' }, lines(5, 'tok').join('\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HEC_TOKEN_INVALID/);
    expect(r.stderr + r.stdout).not.toContain('definitely-wrong-token');
    expect(r.summary).toMatchObject({ delivered: 0, refused: 0 });
    expect(r.summary!.undelivered).toBe(r.summary!.read);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('ERROR'))).toHaveLength(1); // one ERROR, not one per batch
    expect(hec.eventIds()).toEqual([]);
  });

  it('reads HEC settings from a YAML file with the token from an environment variable', async () => {
    const hec = await sim({ indexes: ['mail'] });
    const yaml = tmpFile('hec.yaml', `urls: ${hec.url}\nindex: mail\ngzip: false\nbatch_interval: 50ms\ntoken:\n  env: MY_HEC_TOKEN\n`);
    const ls = lines(20, 'yaml');
    const r = await cli(['forward', '--config', yaml], { MY_HEC_TOKEN: hec.token, HEC_TOKEN: '' }, ls.join('\n'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(hec.events().every((e) => e.index === 'mail')).toBe(true);
    expect(hec.requests().every((q) => !q.gzip)).toBe(true);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });

  it('refuses a token written inline in the YAML file', async () => {
    const hec = await sim();
    const yaml = tmpFile('hec.yaml', `urls: ${hec.url}\ntoken: inline-secret-value\n`);
    const r = await cli(['forward', '--config', yaml], {}, lines(1, 'x')[0]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/never written in the file/);
    expect(r.stderr).not.toContain('inline-secret-value');
  });

  it('refuses a drain timeout that is not a positive duration before sending anything', async () => {
    const hec = await sim();
    for (const bad of ['abc', '-5', '0']) {
      const r = await cli(['forward', '--url', hec.url, '--drain-timeout', bad], { HEC_TOKEN: hec.token }, lines(3, 'drain').join('\n'));
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toMatch(new RegExp(`^ERROR CONFIG_INVALID: --drain-timeout: expected a positive duration .*got "${bad}"`, 'm'));
    }
    expect(hec.eventIds()).toEqual([]);
  });

  it('accepts a drain timeout with a unit and delivers', async () => {
    const hec = await sim();
    const ls = lines(3, 'unit');
    const r = await cli(['forward', '--url', hec.url, '--drain-timeout', '90s'], { HEC_TOKEN: hec.token }, ls.join('\n'));
    expect(r.code).toBe(0);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });

  it('on SIGTERM stops reading, drains what it read, and reports', async () => {
    const hec = await sim({ ack: true, ackDelayMs: 600 });
    const ls = lines(40, 'term');
    const r = await cli(['forward', '--url', hec.url, '--ack'], { HEC_TOKEN: hec.token }, undefined, (child) => {
      child.stdin!.write(`${ls.join('\n')}\n`); // stdin stays open: only the signal ends the run
      void (async () => {
        // Wait until HEC holds the events but has not acknowledged them, then signal.
        await until(() => hec.eventIds().length >= 40, 30_000); // startup under load can take seconds
        child.kill('SIGTERM');
      })();
    });
    expect(r.summary).toEqual({ read: 40, delivered: 40, undelivered: 0, refused: 0, interrupted: 'SIGTERM' });
    expect(r.code).toBe(1); // the input was not finished
    expect(r.stderr).toMatch(/interrupted by SIGTERM/);
    expect(new Set(hec.eventIds())).toEqual(expectedIds(ls));
  });
});

describe('forward settings', () => {
  const base = { drainTimeout: '30', url: 'https://hec:8088' };
  const env = { HEC_TOKEN: 'token-value' };

  it('a bad flag value is named by the flag the admin typed, with the value', () => {
    expect(() => forwardSinkConfig({ ...base, batchBytes: '12x' }, env)).toThrow(/^--batch-bytes "12x" \(HEC setting batch_bytes\): /);
    expect(() => forwardSinkConfig({ ...base, url: 'ftp://hec' }, env)).toThrow(/^--url "ftp:\/\/hec" \(HEC setting urls(\.0)?\): each HEC URL must start with https:\/\//);
  });

  it('a bad setting from the file is named as the setting', () => {
    const yaml = tmpFile('hec.yaml', 'urls: https://hec:8088\nbatch_bytes: lots\n');
    expect(() => forwardSinkConfig({ drainTimeout: '30', config: yaml }, env)).toThrow(/^HEC setting batch_bytes: /);
  });

  it('drain default fits ack_timeout: a lost ack at the end can still be resent once', () => {
    const { config } = forwardSinkConfig({ ...base, ack: true }, env);
    expect(defaultDrainMs(config)).toBeGreaterThan(config.ack_timeout * 1000);
    expect(defaultDrainMs(config)).toBe((300 + 30 + 30) * 1000);
    expect(defaultDrainMs({ ...config, ack: false })).toBe(30_000);
  });

  it('--allow-insecure-http lets a plain http URL to another host through; without it the error names the setting', () => {
    expect(() => forwardSinkConfig({ ...base, url: 'http://hec.example.com:8088' }, env)).toThrow(/^--url "http:\/\/hec.example.com:8088" \(HEC setting urls(\.0)?\): .*set allow_insecure_http = true/);
    expect(forwardSinkConfig({ ...base, url: 'http://hec.example.com:8088', allowInsecureHttp: true }, env).config.allow_insecure_http).toBe(true);
  });

  it('flags win over the file', () => {
    const yaml = tmpFile('hec.yaml', 'urls: https://hec:8088\nbatch_bytes: 4096\ngzip: false\n');
    const { config } = forwardSinkConfig({ drainTimeout: '30', config: yaml, batchBytes: '8192' }, env);
    expect(config.batch_bytes).toBe(8192);
    expect(config.gzip).toBe(false);
    expect(config.token.reveal()).toBe('token-value');
  });
});
