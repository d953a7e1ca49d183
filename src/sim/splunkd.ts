import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A local stand-in for splunkd's management port (8089), strict where the product depends on
 * it: every call needs `Authorization: Splunk <session_key>`; answers are splunkd's JSON
 * (`output_mode=json`) shapes; errors are `{"messages":[{"type":"ERROR","text":…}]}`.
 *
 * Endpoints, under `/services/` or `/servicesNS/<owner>/<app>/`:
 * - `storage/passwords` GET (list), POST (create: name, password, realm; 409 if it exists);
 *   `storage/passwords/<realm>:<name>:` GET, POST (password), DELETE.
 * - `configs/conf-<file>` GET (list stanzas), POST (create: name + keys);
 *   `configs/conf-<file>/<stanza>` GET, POST (update keys), DELETE.
 * - `storage/collections/config` GET, POST (name); `storage/collections/config/<coll>` GET, DELETE.
 * - `storage/collections/data/<coll>` GET (all), POST (insert JSON, returns {_key});
 *   `…/<key>` GET, POST (replace), DELETE; `…/batch_save` POST (JSON array).
 *   `setKvStarting(n)` makes the next n KV calls answer 503 "KV Store is initializing".
 * - `dropConnections(n)`: the next n requests get their connection closed with no answer
 *   (splunkd restarting); recorded with status 0.
 * - `loseReplies(n, match)`: the next n requests `match` accepts are carried out, but their
 *   answer is lost (connection closed instead): a retry meets what the first try did.
 * - `apps/local/<app>` GET, POST (`configured=1`): the app's first-launch flag.
 * - `f=<field>` (repeatable) on any call limits each entry's content to those fields
 *   (`fieldFilter: 'get'`: on GET only, the case splunkd documents).
 * - `maskWriteReplies`: the reply to a storage/passwords POST carries `clear_password` masked,
 *   as splunkd does since 8.x; by default it echoes the value (older splunkd, the worst case).
 * Every call is recorded (`calls()`), with the session key replaced by whether it matched.
 * Small additions (a route the config page needs) go through `route()`.
 */
export interface SplunkdCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form fields or JSON body, as received. */
  body: unknown;
  authorized: boolean;
  status: number;
}

export interface SplunkdSimulatorOptions {
  /** PEM server certificate and key; without them the simulator speaks plain HTTP. */
  tls?: { cert: string; key: string };
  /** The session key callers must present; generated when absent. */
  sessionKey?: string;
  /** The app's `configured` flag as `apps/local/<app>` reports it (default false: first launch). */
  configured?: boolean;
  /** The app the TA's entities belong to (entries' acl.app). */
  app?: string;
  port?: number;
  /** Which calls honour `f=`: every call (default) or GET only (all splunkd documents). */
  fieldFilter?: 'all' | 'get';
  /** POST replies of storage/passwords show `clear_password` as `********` (splunkd 8.x+). */
  maskWriteReplies?: boolean;
}

export interface PasswordEntry {
  realm: string;
  username: string;
  password: string;
  app: string;
}

export type RouteHandler = (req: { method: string; path: string; query: Record<string, string>; body: unknown }) => { status: number; body: unknown } | undefined;

export interface SplunkdSimulator {
  url: string;
  sessionKey: string;
  calls(): SplunkdCall[];
  clearCalls(): void;
  /** Stored credentials, keyed by `<realm>:<name>:`. */
  passwords: Map<string, PasswordEntry>;
  setPassword(realm: string, username: string, password: string): void;
  /** conf file → stanza → key → value. */
  confs: Map<string, Map<string, Record<string, string>>>;
  setStanza(file: string, stanza: string, values: Record<string, string>): void;
  getStanza(file: string, stanza: string): Record<string, string> | undefined;
  /** collection name → key → record. */
  collections: Map<string, Map<string, Record<string, unknown>>>;
  setKvStarting(calls: number): void;
  /** Closes the connection of the next n requests without an answer. */
  dropConnections(requests: number): void;
  /** Carries out the next n requests `match` accepts but closes the connection instead of answering. */
  loseReplies(requests: number, match: (call: SplunkdCall) => boolean): void;
  /** The app's `configured` flag (set by POST apps/local/<app> configured=1). */
  appConfigured(): boolean;
  route(handler: RouteHandler): void;
  close(): Promise<void>;
}

const KV_STARTING = 'KV Store is initializing. Please try again later.';

export function passwordId(realm: string, username: string): string {
  const esc = (s: string) => s.replace(/:/g, '\\:');
  return `${esc(realm)}:${esc(username)}:`;
}

export async function startSplunkdSimulator(options: SplunkdSimulatorOptions = {}): Promise<SplunkdSimulator> {
  const sessionKey = options.sessionKey ?? randomBytes(24).toString('base64url');
  const app = options.app ?? 'TA-ser-mail';
  const calls: SplunkdCall[] = [];
  const passwords = new Map<string, PasswordEntry>();
  const confs = new Map<string, Map<string, Record<string, string>>>();
  const collections = new Map<string, Map<string, Record<string, unknown>>>();
  const extraRoutes: RouteHandler[] = [];
  let kvStarting = 0;
  let dropping = 0;
  let losing: { left: number; match: (call: SplunkdCall) => boolean } | undefined;
  let keySeq = 0;
  let appConfigured = options.configured ?? false;

  const confFile = (file: string) => {
    let f = confs.get(file);
    if (!f) confs.set(file, (f = new Map()));
    return f;
  };

  const entry = (name: string, content: Record<string, unknown>) => ({
    name,
    id: `https://127.0.0.1/servicesNS/nobody/${app}/${encodeURIComponent(name)}`,
    author: 'nobody',
    acl: { app, owner: 'nobody', sharing: 'app', perms: { read: ['*'], write: ['admin', 'sc_admin'] } },
    content,
  });
  const feed = (entries: unknown[]) => ({ origin: 'https://127.0.0.1', entry: entries, paging: { total: entries.length, perPage: 0, offset: 0 }, messages: [] });
  const err = (status: number, text: string) => ({ status, body: { messages: [{ type: 'ERROR', text }] } });
  const ok = (body: unknown, status = 200) => ({ status, body });

  const passwordContent = (id: string, p: PasswordEntry, write = false) => ({
    realm: p.realm,
    username: p.username,
    clear_password: write && options.maskWriteReplies ? '********' : p.password,
    password: '********',
    encr_password: `$7$${Buffer.from(id).toString('base64')}`,
  });

  function handlePasswords(method: string, rest: string[], form: Record<string, string>) {
    if (rest.length === 0) {
      if (method === 'GET') return ok(feed([...passwords].map(([id, p]) => entry(id, passwordContent(id, p)))));
      if (method === 'POST') {
        if (!form.name || form.password === undefined) return err(400, 'Missing argument: name and password are required');
        const realm = form.realm ?? '';
        const id = passwordId(realm, form.name);
        if (passwords.has(id)) return err(409, `An object with name=${id} already exists`);
        const p = { realm, username: form.name, password: form.password, app };
        passwords.set(id, p);
        return ok(feed([entry(id, passwordContent(id, p, true))]), 201);
      }
      return err(405, `method ${method} not allowed`);
    }
    const id = rest.join('/');
    const p = passwords.get(id);
    if (!p) return err(404, `Could not find object id=${id}`);
    if (method === 'GET') return ok(feed([entry(id, passwordContent(id, p))]));
    if (method === 'POST') {
      if (form.password === undefined) return err(400, 'Missing argument: password');
      p.password = form.password;
      return ok(feed([entry(id, passwordContent(id, p, true))]));
    }
    if (method === 'DELETE') {
      passwords.delete(id);
      return ok(feed([]));
    }
    return err(405, `method ${method} not allowed`);
  }

  function handleConf(method: string, file: string, rest: string[], form: Record<string, string>) {
    const f = confFile(file);
    const stanzaEntry = (name: string, v: Record<string, string>) => entry(name, { ...v, disabled: v.disabled === '1' || v.disabled === 'true', 'eai:appName': app });
    if (rest.length === 0) {
      if (method === 'GET') return ok(feed([...f].map(([n, v]) => stanzaEntry(n, v))));
      if (method === 'POST') {
        const { name, ...values } = form;
        if (!name) return err(400, 'Missing argument: name');
        if (f.has(name)) return err(409, `An object with name=${name} already exists`);
        f.set(name, values);
        return ok(feed([stanzaEntry(name, values)]), 201);
      }
      return err(405, `method ${method} not allowed`);
    }
    const name = rest.join('/');
    const v = f.get(name);
    if (!v) return err(404, `Could not find object id=${name}`);
    if (method === 'GET') return ok(feed([stanzaEntry(name, v)]));
    if (method === 'POST') {
      Object.assign(v, form);
      return ok(feed([stanzaEntry(name, v)]));
    }
    if (method === 'DELETE') {
      f.delete(name);
      return ok(feed([]));
    }
    return err(405, `method ${method} not allowed`);
  }

  function handleKv(method: string, rest: string[], form: Record<string, string>, json: unknown) {
    if (kvStarting > 0) {
      kvStarting -= 1;
      return err(503, KV_STARTING);
    }
    const [kind, coll, ...tail] = rest;
    if (kind === 'config') {
      if (!coll) {
        if (method === 'GET') return ok(feed([...collections.keys()].map((n) => entry(n, {}))));
        if (method === 'POST') {
          if (!form.name) return err(400, 'Missing argument: name');
          if (collections.has(form.name)) return err(409, `An object with name=${form.name} already exists`);
          collections.set(form.name, new Map());
          return ok(feed([entry(form.name, {})]), 201);
        }
        return err(405, `method ${method} not allowed`);
      }
      if (!collections.has(coll)) return err(404, `Could not find object id=${coll}`);
      if (method === 'GET') return ok(feed([entry(coll, {})]));
      if (method === 'DELETE') {
        collections.delete(coll);
        return ok(feed([]));
      }
      return err(405, `method ${method} not allowed`);
    }
    if (kind !== 'data' || !coll) return err(404, 'Not Found');
    const c = collections.get(coll);
    if (!c) return err(404, `Collection ${coll} does not exist`);
    const key = tail.join('/');
    const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
    if (key === 'batch_save') {
      if (method !== 'POST' || !Array.isArray(json)) return err(400, 'batch_save needs a JSON array');
      const keys: string[] = [];
      for (const r of json) {
        if (!isRecord(r)) return err(400, 'batch_save records must be objects');
        const k = typeof r._key === 'string' ? r._key : `k${++keySeq}`;
        c.set(k, { ...r, _key: k });
        keys.push(k);
      }
      return ok(keys);
    }
    if (!key) {
      if (method === 'GET') return ok([...c.values()]);
      if (method === 'POST') {
        if (!isRecord(json)) return err(400, 'expected a JSON object');
        const k = typeof json._key === 'string' ? json._key : `k${++keySeq}`;
        if (c.has(k)) return err(409, `A document with _key=${k} already exists`);
        c.set(k, { ...json, _key: k });
        return ok({ _key: k }, 201);
      }
      if (method === 'DELETE') {
        c.clear();
        return ok(null);
      }
      return err(405, `method ${method} not allowed`);
    }
    if (method === 'GET') {
      const r = c.get(key);
      return r ? ok(r) : err(404, `Could not find object id=${key}`);
    }
    if (method === 'POST') {
      if (!isRecord(json)) return err(400, 'expected a JSON object');
      c.set(key, { ...json, _key: key });
      return ok({ _key: key });
    }
    if (method === 'DELETE') {
      if (!c.has(key)) return err(404, `Could not find object id=${key}`);
      c.delete(key);
      return ok(null);
    }
    return err(405, `method ${method} not allowed`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const query = Object.fromEntries(u.searchParams);
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    let form: Record<string, string> = {};
    let json: unknown;
    let badJson = false;
    if (isJson) {
      try {
        json = raw ? JSON.parse(raw) : undefined;
      } catch {
        badJson = true;
      }
    } else form = Object.fromEntries(new URLSearchParams(raw));
    const authorized = req.headers.authorization === `Splunk ${sessionKey}`;
    const body = isJson ? json : form;

    const segments = u.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    let out: { status: number; body: unknown };
    if (!authorized) out = err(401, 'call not properly authenticated');
    else if (badJson) out = err(400, 'body is not valid JSON');
    else out = route(method, segments, form, json, query) ?? err(404, `Not Found: ${u.pathname}`);

    // splunkd's field filter: `f=realm&f=username` limits each entry's content to those keys
    // (the configuration page relies on it to never receive clear_password).
    const fields = options.fieldFilter === 'get' && method !== 'GET' ? [] : u.searchParams.getAll('f');
    if (fields.length > 0) out = { status: out.status, body: filterFields(out.body, fields) };
    const call: SplunkdCall = { method, path: u.pathname, query, body, authorized, status: out.status };
    calls.push(call);
    if (losing && losing.left > 0 && losing.match(call)) {
      losing.left -= 1;
      res.socket?.destroy();
      return;
    }
    const text = out.body === null ? '' : JSON.stringify(out.body);
    res.writeHead(out.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function filterFields(body: unknown, fields: string[]): unknown {
    const b = body as { entry?: { content?: Record<string, unknown> }[] } | null;
    if (!b || !Array.isArray(b.entry)) return body;
    const keep = new Set(fields);
    const entry = b.entry.map((e) => ({ ...e, content: Object.fromEntries(Object.entries(e.content ?? {}).filter(([k]) => keep.has(k))) }));
    return { ...b, entry };
  }

  /** `apps/local/<app>`: the app's `configured` flag (app.conf [install] is_configured). */
  function handleApps(method: string, rest: string[], form: Record<string, string>) {
    const name = rest.join('/');
    if (name !== app) return err(404, `Could not find object id=${name}`);
    if (method === 'POST' && form.configured !== undefined) appConfigured = form.configured === '1' || form.configured === 'true';
    else if (method !== 'GET' && method !== 'POST') return err(405, `method ${method} not allowed`);
    return ok(feed([entry(app, { configured: appConfigured, visible: true, label: app, version: '' })]));
  }

  function route(method: string, segments: string[], form: Record<string, string>, json: unknown, query: Record<string, string>) {
    let rest: string[];
    if (segments[0] === 'services') rest = segments.slice(1);
    else if (segments[0] === 'servicesNS' && segments.length >= 3) rest = segments.slice(3);
    else return undefined;
    const path = rest.join('/');
    for (const h of extraRoutes) {
      const r = h({ method, path, query, body: json ?? form });
      if (r) return r;
    }
    if (rest[0] === 'storage' && rest[1] === 'passwords') return handlePasswords(method, rest.slice(2), form);
    if (rest[0] === 'apps' && rest[1] === 'local' && rest.length > 2) return handleApps(method, rest.slice(2), form);
    if (rest[0] === 'configs' && rest[1]?.startsWith('conf-')) return handleConf(method, rest[1].slice(5), rest.slice(2), form);
    if (rest[0] === 'storage' && rest[1] === 'collections') return handleKv(method, rest.slice(2), form, json);
    return undefined;
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (dropping > 0) {
      dropping -= 1;
      const u = new URL(req.url ?? '/', 'http://splunkd');
      calls.push({ method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), body: undefined, authorized: false, status: 0 });
      req.socket.destroy();
      return;
    }
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messages: [{ type: 'ERROR', text: String(e) }] }));
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    sessionKey,
    calls: () => calls.slice(),
    clearCalls: () => {
      calls.length = 0;
    },
    passwords,
    setPassword(realm, username, password) {
      passwords.set(passwordId(realm, username), { realm, username, password, app });
    },
    confs,
    setStanza(file, stanza, values) {
      confFile(file).set(stanza, { ...values });
    },
    getStanza(file, stanza) {
      return confs.get(file)?.get(stanza);
    },
    collections,
    setKvStarting(n) {
      kvStarting = n;
    },
    dropConnections(n) {
      dropping = n;
    },
    loseReplies(n, match) {
      losing = { left: n, match };
    },
    appConfigured: () => appConfigured,
    route(handler) {
      extraRoutes.push(handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
