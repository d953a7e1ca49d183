import { describe, expect, it } from 'vitest';
import {
  AddonError,
  CheckpointError,
  ConfigError,
  describeError,
  isTlsVerificationFailure,
  TlsVerificationError,
  UndeliveredError,
} from '../../src/core/errors.js';
import { HecDeliveryError, HecIndexError, HecTokenError, HecUnavailableError } from '../../src/hec/errors.js';

const reply = { status: 403, hecCode: 4, text: 'Invalid token', endpoint: 'https://hec:8088' };

/** [error, stable code, retryable, class name, words the message must contain] */
const TABLE: Array<[AddonError, string, boolean, string, RegExp]> = [
  [new ConfigError('urls: at least one HEC URL is required'), 'CONFIG_INVALID', false, 'ConfigError', /urls/],
  [new CheckpointError('/var/ck/a.json', 'checkpoint /var/ck/a.json is not valid JSON'), 'CHECKPOINT_UNREADABLE', false, 'CheckpointError', /a\.json/],
  [new TlsVerificationError('HEC https://hec:8088'), 'TLS_VERIFY_FAILED', false, 'TlsVerificationError', /CA file/],
  [new UndeliveredError(7, '7 events not delivered'), 'UNDELIVERED', false, 'UndeliveredError', /7 events/],
  [new HecTokenError(reply), 'HEC_TOKEN_INVALID', false, 'HecTokenError', /code 4 "Invalid token".*valid, enabled token/],
  [new HecIndexError({ ...reply, status: 400, hecCode: 7, text: 'Incorrect index' }), 'HEC_INDEX_NOT_ALLOWED', false, 'HecIndexError', /allowed indexes/],
  [new HecUnavailableError('https://hec:8088', 'busy', { setAside: true }), 'HEC_UNAVAILABLE', true, 'HecUnavailableError', /busy/],
  [new HecDeliveryError(3, '3 event(s) not delivered after 9 attempts'), 'HEC_DELIVERY_FAILED', true, 'HecDeliveryError', /9 attempts/],
];

describe('typed errors', () => {
  it.each(TABLE)('%s', (err, code, retryable, name, words) => {
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.name).toBe(name);
    expect(err.message).toMatch(words);
    expect(err).toBeInstanceOf(Error);
    expect(AddonError.isInstance(err)).toBe(true);
    expect(describeError(err)).toBe(`${code}: ${err.message}`);
  });

  it('isInstance recognises the marker, not just the class (another bundle copy)', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('ta-ser-mail.error')]: true });
    expect(AddonError.isInstance(foreign)).toBe(true);
    expect(AddonError.isInstance(new Error('x'))).toBe(false);
    expect(AddonError.isInstance('x')).toBe(false);
    expect(AddonError.isInstance(null)).toBe(false);
  });

  it('keeps the cause and describes it once', () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:8088');
    const err = new ConfigError('cannot reach HEC', { cause });
    expect(err.cause).toBe(cause);
    expect(describeError(err)).toBe('CONFIG_INVALID: cannot reach HEC (ECONNREFUSED 127.0.0.1:8088)');
    expect(describeError(new ConfigError('failed: boom', { cause: new Error('boom') }))).toBe('CONFIG_INVALID: failed: boom');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new TypeError('bad'))).toBe('bad');
  });

  it('finds a TLS verification failure anywhere in the cause chain', () => {
    const leaf = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(isTlsVerificationFailure(new Error('fetch failed', { cause: new Error('socket', { cause: leaf }) }))).toBe(true);
    expect(isTlsVerificationFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isTlsVerificationFailure(undefined)).toBe(false);
  });
});
