import { z } from 'zod';
import { SerReplyError } from './errors.js';

/**
 * The SER summary reply, parsed tolerantly (the exact nesting is not published): numbers may
 * be strings, status / size / details fields may be nested (as the documentation groups them)
 * or flat, unknown fields are kept. What cannot be understood is a SerReplyError naming the
 * field's path in the reply, never a silent zero.
 */

const count = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.0+)?$/, 'expected a whole number')
      .transform(Number),
  ])
  .pipe(z.number().int('expected a whole number').nonnegative('expected a number of 0 or more'));

const text = z.union([z.string(), z.number().transform(String)]);

const userSchema = z
  .object({
    applicationName: text.default(''),
    applicationUserName: text,
    fromEnvelope: text.nullish(),
    fromHeader: text.nullish(),
    success: count,
    failure: count,
    tempFailure: count,
    partialSuccess: count.optional(),
    inProgress: count.optional(),
    total: count.optional(),
    recipientsTotal: count.optional(),
    messageSizeTotal: count.optional(),
    deliveredSizeTotal: count.optional(),
  })
  .loose();

const dateField = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? `${v.trim()}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected a date, got "${String(v)}"` });
    return z.NEVER;
  }
  return ms;
});

const entitlementSchema = z
  .object({
    annual_throughput: z.union([count, z.string()]).nullish(),
    license_start: dateField.nullish(),
    license_end: dateField.nullish(),
  })
  .loose();

export interface AppUserCounts {
  application_name: string;
  application_user: string;
  from_envelope?: string;
  from_header?: string;
  success: number;
  failure: number;
  temp_failure: number;
  partial_success?: number;
  in_progress?: number;
  total: number;
  recipients_total?: number;
  message_size_total?: number;
  delivered_size_total?: number;
  /** DSN class ("2xx" …) → messages. */
  dsn: Record<string, number>;
  /** Fields the input does not know, as SER sent them. */
  extra: Record<string, unknown>;
}

export interface Entitlement {
  annual_throughput?: number | string;
  license_start?: number;
  license_end?: number;
}

export interface SerReport {
  users: AppUserCounts[];
  entitlement?: Entitlement;
}

const CONTAINERS: Record<string, readonly string[]> = {
  status: ['success', 'failure', 'tempFailure', 'partialSuccess', 'inProgress', 'total', 'recipientsTotal'],
  size: ['messageSizeTotal', 'deliveredSizeTotal'],
  sizes: ['messageSizeTotal', 'deliveredSizeTotal'],
};
const DSN_KEY = /^([2-5])\.x\.x$/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: Array<string | number>, problem: string): never {
  const p = path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][\w]*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `["${s}"]`)).join('');
  throw new SerReplyError(p, problem);
}

/** One application user: flatten the known containers, remembering where each field came from. */
function parseUser(raw: unknown, at: Array<string | number>): AppUserCounts {
  if (!isObject(raw)) fail(at, 'expected an object for an application user');
  const flat: Record<string, unknown> = {};
  const origin = new Map<string, Array<string | number>>();
  const extra: Record<string, unknown> = {};
  const dsn: Record<string, number> = {};
  const takeDsn = (key: string, value: unknown, path: Array<string | number>): boolean => {
    const m = DSN_KEY.exec(key);
    if (!m) return false;
    const r = count.safeParse(value);
    if (!r.success) fail(path, r.error.issues[0]?.message ?? 'expected a number');
    dsn[`${m[1]}xx`] = r.data;
    return true;
  };
  for (const [k, v] of Object.entries(raw)) {
    const known = CONTAINERS[k];
    if (known && isObject(v)) {
      for (const [ck, cv] of Object.entries(v)) {
        if (known.includes(ck)) {
          flat[ck] = cv;
          origin.set(ck, [...at, k, ck]);
        } else extra[`${k}.${ck}`] = cv;
      }
    } else if (k === 'details' && isObject(v)) {
      for (const [dk, dv] of Object.entries(v)) if (!takeDsn(dk, dv, [...at, k, dk])) extra[`details.${dk}`] = dv;
    } else if (!takeDsn(k, v, [...at, k])) {
      if (!(k in flat)) {
        flat[k] = v;
        origin.set(k, [...at, k]);
      }
    }
  }
  const r = userSchema.safeParse(flat);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const where = origin.get(key) ?? [...at, ...(CONTAINERS.status!.includes(key) ? ['status'] : []), key];
    fail(where, issue.code === 'invalid_type' && flat[key] === undefined ? 'missing' : issue.message);
  }
  const u = r.data;
  const known = new Set(Object.keys(userSchema.shape));
  for (const [k, v] of Object.entries(u)) if (!known.has(k)) extra[k] = v;
  const parts = [u.success, u.failure, u.tempFailure, u.partialSuccess ?? 0, u.inProgress ?? 0];
  const out: AppUserCounts = {
    application_name: u.applicationName,
    application_user: u.applicationUserName,
    success: u.success,
    failure: u.failure,
    temp_failure: u.tempFailure,
    // The documented total is the sum of the classes; when SER omits it, the sum is that number.
    total: u.total ?? parts.reduce((a, b) => a + b, 0),
    dsn,
    extra,
  };
  if (u.fromEnvelope != null) out.from_envelope = u.fromEnvelope;
  if (u.fromHeader != null) out.from_header = u.fromHeader;
  if (u.partialSuccess !== undefined) out.partial_success = u.partialSuccess;
  if (u.inProgress !== undefined) out.in_progress = u.inProgress;
  if (u.recipientsTotal !== undefined) out.recipients_total = u.recipientsTotal;
  if (u.messageSizeTotal !== undefined) out.message_size_total = u.messageSizeTotal;
  if (u.deliveredSizeTotal !== undefined) out.delivered_size_total = u.deliveredSizeTotal;
  return out;
}

function parseEntitlement(raw: unknown): Entitlement | undefined {
  if (raw == null) return undefined;
  if (!isObject(raw)) fail(['entitlement'], 'expected an object');
  const r = entitlementSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    fail(['entitlement', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))], issue.message);
  }
  const e: Entitlement = {};
  if (r.data.annual_throughput != null) e.annual_throughput = r.data.annual_throughput;
  if (r.data.license_start != null) e.license_start = r.data.license_start;
  if (r.data.license_end != null) e.license_end = r.data.license_end;
  return e;
}

/** Parses the body text of a summary reply. */
export function parseSummaryReply(body: string): SerReport {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new SerReplyError('', `the reply is not JSON (${(err as Error).message})`);
  }
  return parseSummaryJson(json);
}

export function parseSummaryJson(json: unknown): SerReport {
  if (!isObject(json)) fail([], 'expected a JSON object with applicationUsers and entitlement');
  const usersKey = 'applicationUsers' in json ? 'applicationUsers' : 'application_users';
  const rawUsers = json[usersKey];
  if (rawUsers == null && json.entitlement == null) fail([], 'the reply has neither applicationUsers nor entitlement');
  if (rawUsers != null && !Array.isArray(rawUsers)) fail([usersKey], 'expected a list of application users');
  const users = (rawUsers ?? []).map((u: unknown, i: number) => parseUser(u, [usersKey, i]));
  const entitlement = parseEntitlement(json.entitlement);
  return entitlement ? { users, entitlement } : { users };
}
