import { SerReplyError } from './errors.js';

/**
 * The SER summary reply, read the way the API documents' tag table allows (the exact JSON is
 * not published). The table groups tags under categories; each category may arrive as an
 * object named after it (`"status": {…}`, `"messageSizeTotal": {"messageSizeTotal": …,
 * "deliveredSizeTotal": …}`, `"details": {"2.X.X": …}`, `"entitlement": {…}`) or flattened onto
 * its parent (the application user; the reply itself for `entitlement`). Numbers may be JSON
 * numbers or numeric strings; unknown fields are kept. What cannot be understood is a
 * SerReplyError naming the field's path in the reply — never a silent zero.
 */

/** The documents' categories of an application user and their tags (pt: "CATEGORIA / TAG"). */
export const USER_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  status: ['success', 'failure', 'tempFailure', 'partialSuccess', 'inProgress', 'total', 'recipientsTotal'],
  messageSizeTotal: ['messageSizeTotal', 'deliveredSizeTotal'],
  // The Spanish table's rows shift the size tags into the category column: read that too.
  deliveredSizeTotal: ['deliveredSizeTotal'],
  // Spellings the input accepted before the documents were re-read.
  size: ['messageSizeTotal', 'deliveredSizeTotal'],
  sizes: ['messageSizeTotal', 'deliveredSizeTotal'],
};
const IDENTITY_TAGS = ['applicationName', 'applicationUserName', 'fromEnvelope', 'fromHeader'] as const;
const COUNT_TAGS = [...USER_CATEGORIES.status!, ...USER_CATEGORIES.messageSizeTotal!];
const REQUIRED_COUNTS = new Set(['success', 'failure', 'tempFailure']);
const ENTITLEMENT_TAGS = ['annual_throughput', 'license_start', 'license_end'] as const;
/** `2.X.X` as the table writes it; also `2.x.x`, `2xx`, `dsn_2xx`. */
const DSN_KEY = /^(?:dsn[_.-]?)?([2-5])(?:\.x\.x|xx)$/i;

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

type Path = Array<string | number>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function formatPath(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_]\w*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `["${s}"]`)).join('');
}

function fail(path: Path, problem: string): never {
  throw new SerReplyError(formatPath(path), problem);
}

/** What a value is, for "expected X, got Y" (short; a reply's text is not a secret). */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** A count: a whole number of 0 or more, as a JSON number or a numeric string. */
function readCount(v: unknown, path: Path): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) fail(path, `expected a whole number of 0 or more (a JSON number or a numeric string), got ${describe(v)}`);
  return n;
}

function readText(v: unknown, path: Path): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return fail(path, `expected a text (a JSON string), got ${describe(v)}`);
}

function readDate(v: unknown, path: Path): number {
  const s = typeof v === 'string' ? v.trim() : undefined;
  const ms = typeof v === 'number' ? v : s !== undefined ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s) : Number.NaN;
  if (!Number.isFinite(ms)) fail(path, `expected a date (yyyy-mm-dd or an ISO-8601 timestamp), got ${describe(v)}`);
  return ms;
}

/** The value of one tag, remembered with where it was found; the same tag twice must agree. */
class Fields {
  readonly values = new Map<string, { value: unknown; path: Path }>();
  put(tag: string, value: unknown, path: Path): void {
    const had = this.values.get(tag);
    if (had && JSON.stringify(had.value) !== JSON.stringify(value)) {
      fail(path, `given twice with different values (${JSON.stringify(had.value)} at ${formatPath(had.path)}, ${JSON.stringify(value)} here)`);
    }
    if (!had) this.values.set(tag, { value, path });
  }
  has(tag: string): boolean {
    const f = this.values.get(tag);
    return f !== undefined && f.value !== null;
  }
}

/** One application user: categories nested or flat, every count checked at its own path. */
function parseUser(raw: unknown, at: Path, entitlement: Fields): AppUserCounts {
  if (!isObject(raw)) fail(at, `expected an object for an application user, got ${describe(raw)}`);
  const fields = new Fields();
  const dsn = new Fields();
  const extra: Record<string, unknown> = {};
  const takeDsn = (key: string, value: unknown, path: Path): boolean => {
    const m = DSN_KEY.exec(key);
    if (!m) return false;
    dsn.put(`${m[1]}xx`, readCount(value, path), path);
    return true;
  };
  for (const [k, v] of Object.entries(raw)) {
    const members = USER_CATEGORIES[k];
    if (members && isObject(v)) {
      // A size tag's own category must hold it: `"deliveredSizeTotal": {}` is not a size.
      if (COUNT_TAGS.includes(k) && !members.some((m) => m in v)) {
        fail([...at, k], `expected a whole number of 0 or more, or an object of the "${k}" category holding ${members.join(' / ')}, got an object without them`);
      }
      for (const [ck, cv] of Object.entries(v)) {
        if (members.includes(ck)) fields.put(ck, cv, [...at, k, ck]);
        else extra[`${k}.${ck}`] = cv;
      }
    } else if (k === 'details' && isObject(v)) {
      for (const [dk, dv] of Object.entries(v)) if (!takeDsn(dk, dv, [...at, k, dk])) extra[`details.${dk}`] = dv;
    } else if (k === 'status' || k === 'details') {
      // A category that is not an object cannot be read as one: naming it beats a silent zero.
      if (v !== null) fail([...at, k], `expected an object of the "${k}" category, got ${describe(v)}`);
    } else if (COUNT_TAGS.includes(k) || (IDENTITY_TAGS as readonly string[]).includes(k)) {
      fields.put(k, v, [...at, k]);
    } else if ((ENTITLEMENT_TAGS as readonly string[]).includes(k)) {
      // The entitlement category flattened onto the application user: one licence, so every
      // user must say the same (Fields refuses two different values, naming both).
      entitlement.put(k, v, [...at, k]);
    } else if (k === 'entitlement' && isObject(v)) {
      for (const [ek, ev] of Object.entries(v)) {
        if ((ENTITLEMENT_TAGS as readonly string[]).includes(ek)) entitlement.put(ek, ev, [...at, k, ek]);
        else extra[`${k}.${ek}`] = ev;
      }
    } else if (!takeDsn(k, v, [...at, k])) {
      extra[k] = v;
    }
  }
  const where = (tag: string): Path => fields.values.get(tag)?.path ?? [...at, ...(USER_CATEGORIES.status!.includes(tag) ? ['status'] : []), tag];
  const count = (tag: string): number | undefined => (fields.has(tag) ? readCount(fields.values.get(tag)!.value, where(tag)) : undefined);
  const text = (tag: string): string | undefined => (fields.has(tag) ? readText(fields.values.get(tag)!.value, where(tag)) : undefined);
  for (const tag of ['applicationUserName', ...REQUIRED_COUNTS]) if (!fields.values.has(tag)) fail(where(tag), 'missing');
  const required = (tag: string): number => readCount(fields.values.get(tag)!.value, where(tag));
  const success = required('success');
  const failure = required('failure');
  const tempFailure = required('tempFailure');
  const partialSuccess = count('partialSuccess');
  const inProgress = count('inProgress');
  const out: AppUserCounts = {
    application_name: text('applicationName') ?? '',
    application_user: readText(fields.values.get('applicationUserName')!.value, where('applicationUserName')),
    success,
    failure,
    temp_failure: tempFailure,
    // The documented total is the sum of the classes; when SER omits it, the sum is that number.
    total: count('total') ?? success + failure + tempFailure + (partialSuccess ?? 0) + (inProgress ?? 0),
    dsn: Object.fromEntries([...dsn.values].map(([k, f]) => [k, f.value as number])),
    extra,
  };
  const fromEnvelope = text('fromEnvelope');
  const fromHeader = text('fromHeader');
  const recipients = count('recipientsTotal');
  const size = count('messageSizeTotal');
  const delivered = count('deliveredSizeTotal');
  if (fromEnvelope !== undefined) out.from_envelope = fromEnvelope;
  if (fromHeader !== undefined) out.from_header = fromHeader;
  if (partialSuccess !== undefined) out.partial_success = partialSuccess;
  if (inProgress !== undefined) out.in_progress = inProgress;
  if (recipients !== undefined) out.recipients_total = recipients;
  if (size !== undefined) out.message_size_total = size;
  if (delivered !== undefined) out.delivered_size_total = delivered;
  return out;
}

/** `entitlement` nested in its own object or its tags flat on the reply (or on the application users). */
function parseEntitlement(json: Record<string, unknown>, fields: Fields): Entitlement | undefined {
  const nested = json.entitlement;
  if (nested != null && !isObject(nested)) fail(['entitlement'], `expected an object of the "entitlement" category, got ${describe(nested)}`);
  for (const tag of ENTITLEMENT_TAGS) {
    if (isObject(nested) && tag in nested) fields.put(tag, nested[tag], ['entitlement', tag]);
    if (tag in json) fields.put(tag, json[tag], [tag]);
  }
  if (nested == null && fields.values.size === 0) return undefined;
  const e: Entitlement = {};
  const get = (tag: string) => fields.values.get(tag)!;
  if (fields.has('annual_throughput')) {
    const { value, path } = get('annual_throughput');
    // A number when SER sends one (as a number or a numeric text); otherwise SER's own words ("5 TB").
    e.annual_throughput = typeof value === 'string' && !/^\s*\d+(\.0+)?\s*$/.test(value) ? value : readCount(value, path);
  }
  if (fields.has('license_start')) e.license_start = readDate(get('license_start').value, get('license_start').path);
  if (fields.has('license_end')) e.license_end = readDate(get('license_end').value, get('license_end').path);
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

/**
 * Only a present list means "these application users" — an empty one, a window without
 * traffic. A missing, null or misspelled `applicationUsers` would otherwise be read as a
 * window with no traffic, move the checkpoint and count 0: it is an error naming the field.
 */
export function parseSummaryJson(json: unknown): SerReport {
  if (!isObject(json)) fail([], `expected a JSON object with applicationUsers and entitlement, got ${describe(json)}`);
  const rawUsers = json.applicationUsers;
  if (rawUsers === undefined || rawUsers === null) {
    const lookalike = Object.keys(json).find((k) => k !== 'applicationUsers' && k.replace(/[_-]/g, '').toLowerCase() === 'applicationusers');
    const hint = lookalike ? ` (the reply has "${lookalike}"; the documents spell it applicationUsers)` : '';
    fail(['applicationUsers'], `${rawUsers === null ? 'null' : 'missing'}${hint}: only an empty list means a window without traffic`);
  }
  if (!Array.isArray(rawUsers)) fail(['applicationUsers'], `expected a list of application users, got ${describe(rawUsers)}`);
  const entitlementFields = new Fields();
  const users = rawUsers.map((u: unknown, i: number) => parseUser(u, ['applicationUsers', i], entitlementFields));
  const entitlement = parseEntitlement(json, entitlementFields);
  return entitlement ? { users, entitlement } : { users };
}
