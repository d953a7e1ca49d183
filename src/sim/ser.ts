import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_SIM_USERS, windowCounts, type SimAppUser, type SimCounts } from './ser-data.js';

/**
 * The Proofpoint SER reporting API on 127.0.0.1: the token endpoint (TTL, 401 after expiry),
 * the summary report with deterministic data, the entitlement block, a sliding-minute rate
 * limit answered with 429, scripted faults, and a record of every request (never the token).
 * GET /_sim/stats answers the counters (for a simulator run in its own process by `sim ser`).
 */
export type SerFault =
  /** Answer with this status (default 503). */
  | { kind: 'status'; status?: number; count?: number; retryAfterSeconds?: number }
  /** 200 with a body that is not JSON (cut in the middle). */
  | { kind: 'malformed'; count?: number }
  /** 200 with JSON whose first application user has `status.success: "lots"`. */
  | { kind: 'bad-field'; count?: number }
  /** 200 whose applicationUsers block is missing, null or misspelled (`ApplicationUsers`) while entitlement is there. */
  | { kind: 'users-block'; form: 'missing' | 'null' | 'misspelled'; count?: number }
  /** Wait this long before answering. */
  | { kind: 'slow'; delayMs: number; count?: number }
  /** Destroy the connection without an answer. */
  | { kind: 'reset'; count?: number }
  /** Every token issued so far stops working (as after a key rotation or expiry). */
  | { kind: 'revoke-tokens' }
  /** The token endpoint answers this status (default 503); report requests do not use it up. */
  | { kind: 'token-status'; status?: number; count?: number; retryAfterSeconds?: number };

/**
 * The layout of the JSON replies. The real service's exact JSON is not public; the documents'
 * tag table groups tags under categories, and each category may be an object named after it or
 * flattened onto its parent (the application user; the reply for `entitlement`). Numbers as
 * JSON numbers or numeric strings; DSN keys as the table writes them or another spelling.
 */
export interface SerReplyLayout {
  status: 'nested' | 'flat';
  /** nested: `"messageSizeTotal": {"messageSizeTotal": …, "deliveredSizeTotal": …}`, as the table reads. */
  messageSizeTotal: 'nested' | 'flat';
  details: 'nested' | 'flat';
  /** flat: on the reply; per-user: flattened onto every application user (absent when none has traffic). */
  entitlement: 'nested' | 'flat' | 'per-user';
  numbers: 'numbers' | 'strings';
  dsnKeys: '2.X.X' | '2.x.x' | '2xx' | 'dsn_2xx';
}

/** Named layouts; `table` is the documents' tag table read literally. */
export const SER_REPLY_SHAPES = {
  table: { status: 'nested', messageSizeTotal: 'nested', details: 'nested', entitlement: 'nested', numbers: 'numbers', dsnKeys: '2.X.X' },
  /** The layout the simulator served before the documents were re-read: sizes flat, the rest nested. */
  nested: { status: 'nested', messageSizeTotal: 'flat', details: 'nested', entitlement: 'nested', numbers: 'numbers', dsnKeys: '2.X.X' },
  flat: { status: 'flat', messageSizeTotal: 'flat', details: 'flat', entitlement: 'flat', numbers: 'numbers', dsnKeys: '2.X.X' },
  strings: { status: 'nested', messageSizeTotal: 'nested', details: 'nested', entitlement: 'nested', numbers: 'strings', dsnKeys: '2.X.X' },
  mixed: { status: 'nested', messageSizeTotal: 'flat', details: 'flat', entitlement: 'flat', numbers: 'strings', dsnKeys: 'dsn_2xx' },
} as const satisfies Record<string, SerReplyLayout>;
export type SerReplyShapeName = keyof typeof SER_REPLY_SHAPES;
export type SerReplyShape = SerReplyShapeName | SerReplyLayout;

/** Every layout: each category nested or flat (entitlement also per user) × number encodings × DSN spellings (192). */
export function allReplyLayouts(): SerReplyLayout[] {
  const out: SerReplyLayout[] = [];
  const two = ['nested', 'flat'] as const;
  for (const status of two) for (const messageSizeTotal of two) for (const details of two) for (const entitlement of [...two, 'per-user'] as const) {
    for (const numbers of ['numbers', 'strings'] as const) for (const dsnKeys of ['2.X.X', '2.x.x', '2xx', 'dsn_2xx'] as const) out.push({ status, messageSizeTotal, details, entitlement, numbers, dsnKeys });
  }
  return out;
}

function layoutOf(shape: SerReplyShape): SerReplyLayout {
  return typeof shape === 'string' ? SER_REPLY_SHAPES[shape] : shape;
}

export interface SerSimulatorOptions {
  port?: number;
  tls?: { cert: string; key: string };
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime in seconds (SER: 43,200). */
  tokenTtlSeconds?: number;
  /** Report requests per sliding 60 s; 0 = unlimited. SER: 1,000. */
  rateLimitPerMinute?: number;
  /** Length of the sliding window the limit counts in (default 60 000 ms; shorter only in tests). */
  rateWindowMs?: number;
  seed?: number;
  users?: SimAppUser[];
  licenseStart?: string;
  licenseEnd?: string;
  annualThroughput?: number;
  /** The simulator's clock, which drives reclassification and "no data yet" (default Date.now). */
  now?: () => number;
  /** Layout of the replies (default `table`, the documents' tag table). */
  shape?: SerReplyShape;
  /** Keep a record of every request (default true). */
  record?: boolean;
}

export interface SerRequestRecord {
  at: number;
  method: string;
  path: string;
  startTimeStamp?: string;
  endTimeStamp?: string;
  status: number;
  /** Whether a bearer token was presented (the token itself is not recorded). */
  bearer: boolean;
}

export interface SerSimulatorStats {
  tokens: number;
  reports: number;
  /** Report requests answered 200. */
  served: number;
  tooMany: number;
  unauthorized: number;
  faults: number;
}

export interface SerSimulator {
  /** Base URL of both the token service and the API. */
  url: string;
  clientId: string;
  clientSecret: string;
  requests(): SerRequestRecord[];
  stats(): SerSimulatorStats;
  setFault(fault: SerFault): void;
  clearFaults(): void;
  setNow(now: (() => number) | undefined): void;
  setShape(shape: SerReplyShape): void;
  /** What the API would answer for [startMs, endMs) now, per user (for assertions). */
  counts(startMs: number, endMs: number): Array<SimCounts & { applicationName: string; applicationUserName: string }>;
  close(): Promise<void>;
}

const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function dsnKey(cls: 2 | 3 | 4 | 5, spelling: SerReplyLayout['dsnKeys']): string {
  if (spelling === '2.X.X') return `${cls}.X.X`;
  if (spelling === '2.x.x') return `${cls}.x.x`;
  return spelling === '2xx' ? `${cls}xx` : `dsn_${cls}xx`;
}

function render(c: SimCounts, u: SimAppUser, layout: SerReplyLayout): Record<string, unknown> {
  const num = (n: number): number | string => (layout.numbers === 'strings' ? String(n) : n);
  const categories = {
    status: { success: num(c.success), failure: num(c.failure), tempFailure: num(c.tempFailure), partialSuccess: num(c.partialSuccess), inProgress: num(c.inProgress), total: num(c.total), recipientsTotal: num(c.recipientsTotal) },
    messageSizeTotal: { messageSizeTotal: num(c.messageSizeTotal), deliveredSizeTotal: num(c.deliveredSizeTotal) },
    details: { [dsnKey(2, layout.dsnKeys)]: num(c.dsn2), [dsnKey(3, layout.dsnKeys)]: num(0), [dsnKey(4, layout.dsnKeys)]: num(c.dsn4), [dsnKey(5, layout.dsnKeys)]: num(c.dsn5) },
  };
  // The table lists 3.X.X; RFC 3463 defines no class 3, so the simulated service always counts 0 there.
  const out: Record<string, unknown> = { applicationName: u.applicationName, applicationUserName: u.applicationUserName, fromEnvelope: u.fromEnvelope, fromHeader: u.fromHeader };
  for (const [name, fields] of Object.entries(categories)) {
    if (layout[name as keyof typeof categories] === 'nested') out[name] = fields;
    else Object.assign(out, fields);
  }
  // A field the documents do not list: the input keeps it as it came.
  out.uid = `uid-${u.applicationUserName}`;
  return out;
}

export async function startSerSimulator(options: SerSimulatorOptions = {}): Promise<SerSimulator> {
  const clientId = options.clientId ?? 'sim-client';
  const clientSecret = options.clientSecret ?? randomBytes(12).toString('hex');
  const ttlMs = (options.tokenTtlSeconds ?? 43_200) * 1000;
  const limit = options.rateLimitPerMinute ?? 1000;
  const rateWindowMs = options.rateWindowMs ?? 60_000;
  const seed = options.seed ?? 1;
  const users = options.users ?? DEFAULT_SIM_USERS;
  let now = options.now ?? Date.now;
  let shape: SerReplyShape = options.shape ?? 'table';
  const realNow = Date.now();
  const licenseStart = Date.parse(options.licenseStart ?? new Date(realNow - 200 * 86_400_000).toISOString().slice(0, 10));
  const licenseEnd = Date.parse(options.licenseEnd ?? new Date(licenseStart + 365 * 86_400_000).toISOString().slice(0, 10));
  const entitlement = { annual_throughput: options.annualThroughput ?? 5_000_000_000_000, license_start: new Date(licenseStart).toISOString().slice(0, 10), license_end: new Date(licenseEnd).toISOString().slice(0, 10) };

  const tokens = new Map<string, number>(); // token → expiry (real time)
  const recent: number[] = []; // receipt times of accepted report requests, for the sliding minute
  let recentHead = 0;
  const records: SerRequestRecord[] = [];
  const stats: SerSimulatorStats = { tokens: 0, reports: 0, served: 0, tooMany: 0, unauthorized: 0, faults: 0 };
  let faults: SerFault[] = [];
  const sockets = new Set<Socket>();

  /** The next scripted fault, if it is one for this endpoint (token faults wait for a token request). */
  const takeFault = (endpoint: 'token' | 'report' = 'report'): SerFault | undefined => {
    const f = faults[0];
    if (!f || (f.kind === 'token-status') !== (endpoint === 'token')) return undefined;
    if ('count' in f && f.count !== undefined) {
      if (f.count <= 1) faults.shift();
      else f.count -= 1;
    }
    return f;
  };

  const counts = (start: number, end: number) => windowCounts(seed, users, start, end, now()).map((c, i) => ({ ...c, applicationName: users[i]!.applicationName, applicationUserName: users[i]!.applicationUserName }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const rec: SerRequestRecord = { at: Date.now(), method: req.method ?? '', path: url.pathname, status: 0, bearer: false };
    const done = (status: number): void => {
      rec.status = status;
      if (options.record !== false) records.push(rec);
    };
    if (url.pathname === '/_sim/stats' && req.method === 'GET') {
      // Control endpoint for a simulator in its own process (benchmarks): counts only, never tokens.
      json(res, 200, stats);
      return;
    }
    if (url.pathname === '/v1/token' && req.method === 'POST') {
      stats.tokens += 1;
      const form = new URLSearchParams(await readBody(req));
      const tokenFault = takeFault('token');
      if (tokenFault?.kind === 'token-status') {
        stats.faults += 1;
        json(res, tokenFault.status ?? 503, { error: 'simulated failure' }, tokenFault.retryAfterSeconds !== undefined ? { 'retry-after': String(tokenFault.retryAfterSeconds) } : {});
        return done(tokenFault.status ?? 503);
      }
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        json(res, 401, { error: 'invalid_client' });
        return done(401);
      }
      const token = randomBytes(24).toString('hex');
      tokens.set(token, Date.now() + ttlMs);
      json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttlMs / 1000 });
      return done(200);
    }
    if (url.pathname !== '/v1/sercustomer/report/summary' || req.method !== 'GET') {
      json(res, 404, { error: 'not found' });
      return done(404);
    }
    stats.reports += 1;
    const auth = req.headers.authorization ?? '';
    rec.bearer = auth.startsWith('Bearer ');
    const start = url.searchParams.get('startTimeStamp');
    const end = url.searchParams.get('endTimeStamp');
    if (start !== null) rec.startTimeStamp = start;
    if (end !== null) rec.endTimeStamp = end;
    const expiry = tokens.get(auth.slice(7));
    if (expiry === undefined || expiry <= Date.now()) {
      stats.unauthorized += 1;
      json(res, 401, { error: 'invalid_token' });
      return done(401);
    }
    if (limit > 0) {
      const t = Date.now();
      while (recentHead < recent.length && recent[recentHead]! <= t - rateWindowMs) recentHead += 1;
      if (recentHead > 4096) {
        recent.splice(0, recentHead);
        recentHead = 0;
      }
      if (recent.length - recentHead >= limit) {
        stats.tooMany += 1;
        const wait = Math.max(1, Math.ceil((recent[recentHead]! + rateWindowMs - t) / 1000));
        json(res, 429, { error: 'rate limit exceeded' }, { 'retry-after': String(wait) });
        return done(429);
      }
      recent.push(t);
    }
    const fault = takeFault();
    if (fault) {
      stats.faults += 1;
      if (fault.kind === 'revoke-tokens') {
        faults = faults.filter((f) => f !== fault);
        tokens.clear();
        stats.unauthorized += 1;
        json(res, 401, { error: 'invalid_token' });
        return done(401);
      }
      if (fault.kind === 'status') {
        const status = fault.status ?? 503;
        json(res, status, { error: 'simulated failure' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
        return done(status);
      }
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return done(0);
      }
      if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    }
    const startMs = start === null ? licenseStart : STAMP.test(start) ? Date.parse(start) : Number.NaN;
    const endMs = end === null ? now() : STAMP.test(end) ? Date.parse(end) : Number.NaN;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs >= endMs) {
      json(res, 400, { error: "startTimeStamp and endTimeStamp must be yyyy-MM-dd'T'HH:mm:ss.SSSZ in UTC, start before end" });
      return done(400);
    }
    const perUser = windowCounts(seed, users, startMs, endMs, now());
    const layout = layoutOf(shape);
    const applicationUsers = perUser.flatMap((c, i) => (c.total > 0 ? [render(c, users[i]!, layout)] : []));
    if (fault?.kind === 'bad-field' && applicationUsers[0]) {
      if (layout.status === 'nested') (applicationUsers[0].status as Record<string, unknown>).success = 'lots';
      else applicationUsers[0].success = 'lots';
    }
    stats.served += 1;
    const body: Record<string, unknown> = { applicationUsers };
    if (layout.entitlement === 'nested') body.entitlement = entitlement;
    else if (layout.entitlement === 'flat') Object.assign(body, entitlement);
    else for (const u of applicationUsers) Object.assign(u, entitlement);
    if (fault?.kind === 'users-block') {
      delete body.applicationUsers;
      if (fault.form === 'null') body.applicationUsers = null;
      if (fault.form === 'misspelled') body.ApplicationUsers = applicationUsers;
    }
    if (fault?.kind === 'malformed') {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return done(200);
    }
    json(res, 200, body);
    return done(200);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    clientId,
    clientSecret,
    requests: () => [...records],
    stats: () => ({ ...stats }),
    setFault: (f) => {
      faults.push({ ...f });
    },
    clearFaults: () => {
      faults = [];
    },
    setNow: (fn) => {
      now = fn ?? Date.now;
    },
    setShape: (s) => {
      shape = s;
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
