import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyBodyPolicy } from '../../src/mail/body-policy.js';

describe('body policy', () => {
  const body = { contentType: 'html' as const, content: '<p>Секретный отчёт 📎</p>' };

  it('drop (the default) lets nothing of the body out', () => {
    expect(applyBodyPolicy(body, 'drop', 10)).toEqual({});
  });

  it('sha256 gives only the hash, length and type', () => {
    expect(applyBodyPolicy(body, 'sha256', 10)).toEqual({
      body_content_type: 'html',
      body_length: body.content.length,
      body_sha256: createHash('sha256').update(body.content, 'utf8').digest('hex'),
    });
  });

  it('truncate keeps the first N characters and says whether it cut', () => {
    expect(applyBodyPolicy(body, 'truncate', 8)).toMatchObject({ body: '<p>Секре', body_truncated: true });
    expect(applyBodyPolicy(body, 'truncate', 1000)).toMatchObject({ body: body.content, body_truncated: false });
    // N falls inside the emoji's surrogate pair: the pair is left out whole
    const at = body.content.indexOf('📎') + 1;
    expect(applyBodyPolicy(body, 'truncate', at)).toMatchObject({ body: body.content.slice(0, at - 1), body_truncated: true });
  });

  it('keep keeps the body whole', () => {
    expect(applyBodyPolicy(body, 'keep', 1)).toEqual({ body_content_type: 'html', body_length: body.content.length, body: body.content });
  });

  it('gives an empty body as body_length 0, without an empty body field', () => {
    const empty = { contentType: 'text' as const, content: '' };
    expect(applyBodyPolicy(empty, 'keep', 5)).toEqual({ body_content_type: 'text', body_length: 0 });
    expect(applyBodyPolicy(empty, 'truncate', 5)).toEqual({ body_content_type: 'text', body_length: 0, body_truncated: false });
    expect(applyBodyPolicy(empty, 'sha256', 5)).toMatchObject({ body_length: 0, body_sha256: createHash('sha256').update('').digest('hex') });
  });

  it('adds nothing for a message without a body', () => {
    expect(applyBodyPolicy(undefined, 'keep', 1)).toEqual({});
  });
});
