import type { z } from 'zod';
import { PayloadError, type PayloadIssue } from './errors.js';
import { checkJsonBytes, MAX_JSON_DEPTH, pathAtOffset, type JsonGuardProblem, type JsonShape } from './json-guard.js';
import { mailsPayloadSchema, normalizeMails, normalizeUsers, usersPayloadSchema, valueIssues, type MailsPayload, type PayloadKind, type UsersPayload } from './payload.js';

/** At most this many issues are listed; a 500-message batch with one bad field each stays readable. */
export const MAX_LISTED_ISSUES = 1000;

/** `['mailMessages', 3, 'sentAt']` → `mailMessages[3].sentAt`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out === '' ? '(body)' : out;
}

export function issuesOf(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/**
 * The parser's reason on one line, without the excerpt of the input V8 quotes ("Unexpected
 * token 's', ..."ody": secret"... is not valid JSON"): it can be a piece of a message body,
 * and this text goes to the log and to the importer's .error.txt.
 */
export function jsonErrorReason(message: string): string {
  return message
    .replace(/,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s+is not valid JSON$/, '')
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (/\s/.test(c) ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Body bytes → value: the depth and encoding checks run on the bytes before JSON.parse builds
 * anything; a problem is a PayloadError naming the limit or the field path and byte offset.
 */
export function parseJsonBytes(buf: Buffer, depthLimit = MAX_JSON_DEPTH, beforeParse?: (shape: JsonShape) => void): unknown {
  const shape: JsonShape = { containers: 0, strings: 0 };
  const problem = checkJsonBytes(buf, depthLimit, shape);
  if (problem) throw guardError(buf, problem);
  // The caller may refuse here, knowing what the parse would build (the receiver's budget).
  beforeParse?.(shape);
  return parseJson(buf.toString('utf8'));
}

function guardError(buf: Buffer, p: JsonGuardProblem): PayloadError {
  const path = pathAtOffset(buf, p.offset);
  if (p.kind === 'too-deep') {
    return new PayloadError(
      `the body nests arrays/objects deeper than ${p.limit} levels (at byte ${p.offset}, in ${path}); a Mails or Users payload needs 5: send the connector's JSON unchanged`,
      [{ path, message: `nested deeper than ${p.limit} levels (the limit) at byte ${p.offset}` }],
      { code: 'MAIL_JSON_TOO_DEEP' },
    );
  }
  const what = p.kind === 'invalid-utf8' ? 'is not valid UTF-8' : 'has a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair)';
  return new PayloadError(
    `the body ${what} at byte ${p.offset}, in ${path}: send UTF-8 JSON (the text would otherwise be changed to U+FFFD)`,
    [{ path, message: `${p.kind === 'invalid-utf8' ? 'invalid UTF-8' : 'lone surrogate'} at byte ${p.offset}` }],
    { code: 'MAIL_INVALID_UTF8' },
  );
}

/** JSON text (a BOM from a Windows connector is dropped) → value, or a PayloadError saying where it broke. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new PayloadError(`the body is not valid JSON: ${jsonErrorReason((err as Error).message)}`, [], { cause: err });
  }
}

function fail(what: string, all: PayloadIssue[]): never {
  const issues = all.slice(0, MAX_LISTED_ISSUES);
  const more = all.length > issues.length ? ` (first ${issues.length} of ${all.length} listed)` : '';
  const head = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new PayloadError(`the ${what} payload has ${all.length} invalid field(s)${more}: ${head}${issues.length > 3 ? '; …' : ''}`, issues);
}

export type ParsedPayload = { kind: 'mails'; payload: MailsPayload } | { kind: 'users'; payload: UsersPayload };

/** Validates a parsed body as the given API's payload; all-or-nothing, every bad field named. */
export function validatePayload(kind: PayloadKind, value: unknown): ParsedPayload {
  if (kind === 'users') {
    const r = usersPayloadSchema.safeParse(value);
    if (!r.success) fail('Users', issuesOf(r.error));
    return { kind, payload: normalizeUsers(r.data) };
  }
  const r = mailsPayloadSchema.safeParse(value);
  if (!r.success) {
    const typeIssues = issuesOf(r.error);
    const seen = new Set(typeIssues.map((i) => i.path));
    const extra = valueIssues(value).map((i) => ({ path: formatPath(i.path), message: i.message }));
    fail('Mails', [...typeIssues, ...extra.filter((i) => !seen.has(i.path))]);
  }
  const { payload, issues } = normalizeMails(r.data);
  if (issues.length > 0) fail('Mails', issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return { kind, payload };
}

/** A DataPath file says what it is by its top-level key. */
export function detectKind(value: unknown): PayloadKind {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if ('mailMessages' in value) return 'mails';
    if ('users' in value) return 'users';
  }
  throw new PayloadError('the file is neither a Mails payload (mailMessages) nor a Users payload (users)', [
    { path: '(body)', message: 'expected an object with mailMessages or users' },
  ]);
}
