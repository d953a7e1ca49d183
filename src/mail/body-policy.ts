import { createHash } from 'node:crypto';
import type { BODY_POLICIES } from './config.js';

export type BodyPolicy = (typeof BODY_POLICIES)[number];

export interface MessageBody {
  contentType: 'text' | 'html';
  content: string;
}

/** The first `n` characters, never splitting a surrogate pair (a Cyrillic or emoji subject stays valid). */
export function truncateChars(text: string, n: number): string {
  if (text.length <= n) return text;
  let end = n;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * The body is the sensitive part of a message: by default nothing of it leaves (drop). The
 * other policies add body_* fields; body_length counts UTF-16 characters of the original.
 */
export function applyBodyPolicy(body: MessageBody | undefined, policy: BodyPolicy, truncateAt: number): Record<string, unknown> {
  if (policy === 'drop' || body === undefined) return {};
  const common = { body_content_type: body.contentType, body_length: body.content.length };
  // An empty body is said by body_length 0; an empty `body` field would only be noise in Splunk (as an empty subject is left out).
  if (body.content === '' && policy !== 'sha256') return policy === 'truncate' ? { ...common, body_truncated: false } : common;
  switch (policy) {
    case 'sha256':
      return { ...common, body_sha256: createHash('sha256').update(body.content, 'utf8').digest('hex') };
    case 'truncate': {
      const kept = truncateChars(body.content, truncateAt);
      return { ...common, body: kept, body_truncated: kept.length < body.content.length };
    }
    case 'keep':
      return { ...common, body: body.content };
  }
}
