import { describe, expect, it } from 'vitest';
import { LOGGING_LEVELS } from '../../src/core/logging-config.js';
import { createLogger, formatLine, LOG_LEVELS } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';

function capture(level: (typeof LOG_LEVELS)[number] = 'debug') {
  const lines: string[] = [];
  return { log: createLogger({ level, name: 'hec', write: (l) => lines.push(l) }), lines };
}

describe('logger: lines splunkd understands', () => {
  it('starts every line with the level word ExecProcessor reads', () => {
    const { log, lines } = capture();
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.fatal('f');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(lines[1]).toBe('INFO [hec] i\n');
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
  });

  it('honours the threshold', () => {
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.warn('shown');
    expect(lines).toEqual(['WARN [hec] shown\n']);
  });

  it('puts extra fields after the message as JSON, without time/pid/host noise', () => {
    const { log, lines } = capture();
    log.info({ batch: 3, events: 10 }, 'sent');
    expect(lines[0]).toBe('INFO [hec] sent {"batch":3,"events":10}\n');
  });

  it('formats a trace line as DEBUG and a non-JSON line as INFO', () => {
    expect(formatLine('{"level":10,"msg":"t"}')).toBe('DEBUG t\n');
    expect(formatLine('not json\n')).toBe('INFO not json\n');
  });

  it('level words match the browser-safe logging schema', () => {
    expect([...LOG_LEVELS]).toEqual([...LOGGING_LEVELS]);
  });
});

describe('logger: secrets are redacted by construction', () => {
  it('redacts secret-named keys at the top and one level down', () => {
    const { log, lines } = capture();
    log.info({ token: 'tok-123', client_secret: 'cs-456', headers: { authorization: 'Splunk tok-123' }, account: { password: 'pw-789', user: 'bob' } }, 'config');
    const line = lines.join('');
    for (const s of ['tok-123', 'cs-456', 'pw-789']) expect(line).not.toContain(s);
    expect(line).toContain('[REDACTED]');
    expect(line).toContain('"user":"bob"');
  });

  it('redacts two levels down (the headers of a request)', () => {
    const { log, lines } = capture();
    log.warn({ req: { headers: { authorization: 'Bearer deep-777', host: 'h' } } }, 'reply');
    const line = lines.join('');
    expect(line).not.toContain('deep-777');
    expect(line).toContain('"host":"h"');
  });

  it('prints a Secret as a placeholder wherever it sits', () => {
    const { log, lines } = capture();
    const s = new Secret('super-secret-value');
    log.info({ hec: { key: s }, list: [s] }, `value is ${s}`);
    log.error({ err: new Error(`failed with ${s}`) }, 'oops');
    const text = lines.join('');
    expect(text).not.toContain('super-secret-value');
    expect(text).toContain('[REDACTED]');
  });
});
