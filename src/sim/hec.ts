import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import type { HecChaos, HecFault, HecRequestRecord, HecSimulator, HecSimulatorOptions, HecSimulatorStats } from './hec-api.js';
import { parseEventBody, skimEventBody, type HecReply } from './hec-body.js';
import { HecFaultPlan, HTML_PAGES } from './hec-faults.js';

const gunzip = promisify(gunzipCb);

export type { HecChaos, HecFault, HecRequestRecord, HecSimulator, HecSimulatorOptions, HecSimulatorStats } from './hec-api.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_PATHS = new Set(['/services/collector', '/services/collector/event', '/services/collector/event/1.0']);
const HEALTH_PATHS = new Set(['/services/collector/health', '/services/collector/health/1.0']);
const MAX_REQUEST_LOG = 100_000;

interface Channel {
  nextAckId: number;
  /** `ids`: the batch's event ids, lost if HEC restarts before the ack turns true. */
  acks: Map<number, { acceptedAt: number; lost: boolean; ids: string[] }>;
}

/**
 * A Splunk HTTP Event Collector on 127.0.0.1, strict where Splunk is strict (token, index
 * allow-list, channel when ack is on, body format, max content length) and able to play the
 * faults a real deployment shows. It records every accepted event, so tests and benchmarks
 * count what arrived instead of trusting the sender.
 */
export async function startHecSimulator(options: HecSimulatorOptions = {}): Promise<HecSimulator> {
  const token = options.token ?? randomUUID();
  const disabled = new Set(options.disabledTokens ?? []);
  const indexes = new Set(options.indexes ?? ['main']);
  const defaultIndex = options.defaultIndex ?? [...indexes][0] ?? 'main';
  const maxContentLength = options.maxContentLength ?? 800 * 1024 * 1024;
  const keep = options.keep ?? 'all';
  const keepAll = keep === 'all';
  let ackDelayMs = options.ackDelayMs ?? 0;
  const channels = new Map<string, Channel>();
  const sockets = new Set<Socket>();
  const plan = new HecFaultPlan(options.fault ?? null);
  let unhealthy = false;
  let accepted: Array<Record<string, unknown>> = [];
  let ids: string[] = [];
  let distinct = new Set<string>();
  let log: HecRequestRecord[] = [];
  const stats: HecSimulatorStats = { requests: 0, batches: 0, accepted: 0, distinctIds: 0, bytes: 0 };
  const record: WriteStream | undefined = options.recordFile ? createWriteStream(options.recordFile, { flags: 'a' }) : undefined;

  /** Takes one use of the current fault (or a chaos draw) if it applies to this kind of request. */
  const takeFault = (kinds: ReadonlyArray<HecFault['kind']>): HecFault | null => plan.take(kinds);

  function sendHtml(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
    const page = HTML_PAGES[status] ?? HTML_PAGES[500]!;
    res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page), ...headers });
    res.end(page);
  }

  function logRequest(r: HecRequestRecord): void {
    stats.requests++;
    if (log.length >= MAX_REQUEST_LOG) log = log.slice(MAX_REQUEST_LOG / 2);
    log.push(r);
  }

  function send(res: ServerResponse, reply: HecReply, headers: Record<string, string> = {}): void {
    const body = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function authorize(req: IncomingMessage): HecReply | null {
    const h = req.headers.authorization;
    if (!h) return { status: 401, body: { text: 'Token is required', code: 2 } };
    const m = /^Splunk\s+(\S+)$/.exec(h);
    if (!m) return { status: 401, body: { text: 'Invalid authorization', code: 3 } };
    if (disabled.has(m[1]!)) return { status: 403, body: { text: 'Token disabled', code: 1 } };
    if (m[1] !== token) return { status: 403, body: { text: 'Invalid token', code: 4 } };
    return null;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxContentLength) return 'too-large';
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > maxContentLength) return 'too-large';
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  function channelOf(req: IncomingMessage, url: URL): string | undefined {
    const h = req.headers['x-splunk-request-channel'];
    return (Array.isArray(h) ? h[0] : h) ?? url.searchParams.get('channel') ?? undefined;
  }

  async function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const gzip = /gzip/i.test(String(req.headers['content-encoding'] ?? ''));
    const rec: HecRequestRecord = { method: req.method ?? '', path: url.pathname, status: 0, gzip, bytes: 0, events: 0 };
    const channel = channelOf(req, url);
    if (channel) rec.channel = channel;
    const reply = (r: HecReply, headers?: Record<string, string>) => {
      rec.status = r.status;
      rec.code = r.body.code;
      logRequest(rec);
      send(res, r, headers);
    };
    const f = takeFault(['busy', 'throttle', 'html500', 'html', 'non-json-ok', 'partial', 'hang', 'reset', 'invalid-channel', 'lose-acks']);
    if (f?.kind === 'reset') {
      rec.status = -1;
      logRequest(rec);
      req.socket.destroy();
      return;
    }
    if (f?.kind === 'hang') {
      rec.status = -2;
      logRequest(rec);
      return; // the socket stays open until the client gives up or the simulator closes
    }
    if (f?.kind === 'busy') return reply({ status: 503, body: { text: 'Server is busy', code: 9 } });
    if (f?.kind === 'throttle') return reply({ status: 429, body: { text: 'Server is busy', code: 9 } }, { 'retry-after': String(f.retryAfterSeconds ?? 1) });
    if (f?.kind === 'html500' || f?.kind === 'html') {
      const status = f.kind === 'html' ? (f.status ?? 502) : 500;
      rec.status = status;
      logRequest(rec);
      return sendHtml(res, status, f.kind === 'html' && f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {});
    }
    if (f?.kind === 'non-json-ok') {
      rec.status = 200;
      logRequest(rec);
      const page = '<html><body>Welcome. Please sign in to continue.</body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
      res.end(page);
      return;
    }
    const denied = authorize(req);
    if (denied) return reply(denied);
    if (options.ack) {
      if (!channel) return reply({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
      if (!GUID.test(channel) || f?.kind === 'invalid-channel') {
        channels.delete(channel);
        return reply({ status: 400, body: { text: 'Invalid data channel', code: 11 } });
      }
    }
    const raw = await readBody(req);
    if (raw === 'too-large') {
      rec.status = 413;
      logRequest(rec);
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ text: `Content too large: max_content_length is ${maxContentLength} bytes` }));
      return;
    }
    rec.bytes = raw.length;
    stats.bytes += raw.length;
    let text: string;
    try {
      text = (gzip ? await gunzip(raw) : raw).toString('utf8');
    } catch {
      return reply({ status: 400, body: { text: 'Invalid data format', code: 6 } });
    }
    const parsed = options.skimEvents && keep !== 'all' ? skimEventBody(text) : parseEventBody(text, indexes, defaultIndex);
    let events = parsed.ok ? parsed.events : (parsed.indexed ?? []);
    let partial: HecReply | undefined = parsed.ok ? undefined : parsed.reply;
    if (!parsed.ok && events.length === 0) return reply(parsed.reply);
    if (parsed.ok && f?.kind === 'partial') {
      // Splunk indexes the events before the one it names, then answers for that one.
      const at = Math.min(f.at ?? Math.floor(events.length / 2), events.length - 1);
      events = events.slice(0, at);
      partial = { status: f.status ?? 400, body: { text: f.text ?? (f.code === 9 ? 'Server is busy' : 'Invalid data format'), code: f.code ?? 6, 'invalid-event-number': at } };
    }
    rec.events = events.length;
    stats.batches++;
    const batchIds: string[] = [];
    for (const e of events) {
      stats.accepted++;
      const id = (e.fields as Record<string, unknown> | undefined)?.event_id;
      if (keep !== 'count' && typeof id === 'string') {
        ids.push(id);
        distinct.add(id);
        if (options.ack) batchIds.push(id);
      }
      if (keep === 'all') accepted.push(e);
      if (record) record.write(`${JSON.stringify(e)}\n`);
    }
    stats.distinctIds = distinct.size;
    if (partial) return reply(partial);
    if (!options.ack) return reply({ status: 200, body: { text: 'Success', code: 0 } });
    let ch = channels.get(channel!);
    if (!ch) channels.set(channel!, (ch = { nextAckId: 0, acks: new Map() }));
    const ackId = ch.nextAckId++;
    ch.acks.set(ackId, { acceptedAt: Date.now(), lost: f?.kind === 'lose-acks', ids: batchIds });
    return reply({ status: 200, body: { text: 'Success', code: 0, ackId } });
  }

  async function handleAcks(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const channel = channelOf(req, url);
    const rec: HecRequestRecord = { method: req.method ?? '', path: url.pathname, status: 0, gzip: false, bytes: 0, events: 0 };
    if (channel) rec.channel = channel;
    const reply = (r: HecReply) => {
      rec.status = r.status;
      rec.code = r.body.code;
      logRequest(rec);
      send(res, r);
    };
    const denied = authorize(req);
    if (denied) return reply(denied);
    if (!options.ack) return reply({ status: 400, body: { text: 'ACK is disabled', code: 14 } });
    if (!channel) return reply({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
    const ch = channels.get(channel);
    if (!ch) return reply({ status: 400, body: { text: 'Invalid data channel', code: 11 } });
    const raw = await readBody(req);
    let wanted: unknown;
    try {
      wanted = raw === 'too-large' ? undefined : (JSON.parse(raw.toString('utf8')) as { acks?: unknown }).acks;
    } catch {
      wanted = undefined;
    }
    if (!Array.isArray(wanted)) return reply({ status: 400, body: { text: 'Invalid data format', code: 6 } });
    const now = Date.now();
    const acks: Record<string, boolean> = {};
    for (const id of wanted) {
      const a = ch.acks.get(Number(id));
      const done = a !== undefined && !a.lost && now >= a.acceptedAt + ackDelayMs;
      acks[String(id)] = done;
      if (done) ch.acks.delete(Number(id)); // Splunk reports an ack true once, then forgets it
    }
    logRequest(rec);
    rec.status = 200;
    send(res, { status: 200, body: { acks } as unknown as HecReply['body'] });
  }

  function handleHealth(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const rec: HecRequestRecord = { method: req.method ?? '', path: url.pathname, status: 200, gzip: false, bytes: 0, events: 0 };
    logRequest(rec);
    // A probe is a request too: it uses up one of the fault's count, so a burst ends even
    // while the sink only probes.
    const f = takeFault(['busy', 'reset', 'hang', 'html500', 'html', 'unhealthy']);
    if (f?.kind === 'reset') {
      rec.status = -1;
      req.socket.destroy();
      return;
    }
    if (f?.kind === 'hang') {
      rec.status = -2;
      return;
    }
    if (f?.kind === 'busy' || f?.kind === 'unhealthy' || unhealthy) {
      rec.status = 503;
      return send(res, { status: 503, body: { text: 'HEC is unhealthy, queues are full', code: 18 } });
    }
    if (f?.kind === 'html500' || f?.kind === 'html') {
      rec.status = f.kind === 'html' ? (f.status ?? 502) : 500;
      return sendHtml(res, rec.status);
    }
    send(res, { status: 200, body: { text: 'HEC is healthy', code: 17 } });
  }

  /** Control endpoints for a simulator in another process (benchmarks, the demo). */
  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/_sim/stats') return send(res, { status: 200, body: { ...stats } as unknown as HecReply['body'] });
    if (url.pathname === '/_sim/reset' && req.method === 'POST') {
      sim.reset();
      return send(res, { status: 200, body: { text: 'reset', code: 0 } });
    }
    if (url.pathname === '/_sim/fault' && req.method === 'POST') {
      const raw = await readBody(req);
      const text = raw === 'too-large' ? 'null' : raw.toString('utf8') || 'null';
      sim.setFault(JSON.parse(text) as HecFault | null);
      return send(res, { status: 200, body: { text: 'fault set', code: 0 } });
    }
    if (url.pathname === '/_sim/chaos' && req.method === 'POST') {
      const raw = await readBody(req);
      sim.setChaos(JSON.parse(raw === 'too-large' ? 'null' : raw.toString('utf8') || 'null') as HecChaos | null);
      return send(res, { status: 200, body: { text: 'chaos set', code: 0 } });
    }
    if (url.pathname === '/_sim/restart' && req.method === 'POST') {
      // Answer first: the restart drops this very connection.
      send(res, { status: 200, body: { text: 'restarting', code: 0 } });
      setImmediate(() => void sim.restart({ downMs: Number(url.searchParams.get('down_ms') ?? 0) }));
      return;
    }
    send(res, { status: 404, body: { text: 'unknown control path', code: 404 } });
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    let work: Promise<void> | void;
    if (EVENT_PATHS.has(path) && req.method === 'POST') work = handleEvents(req, res, url);
    else if (path === '/services/collector/ack' && req.method === 'POST') work = handleAcks(req, res, url);
    else if (HEALTH_PATHS.has(path) && req.method === 'GET') work = handleHealth(req, res, url);
    else if (path.startsWith('/_sim/')) work = handleControl(req, res, url);
    else {
      logRequest({ method: req.method ?? '', path, status: 404, gzip: false, bytes: 0, events: 0 });
      work = send(res, { status: 404, body: { text: 'The requested URL was not found on this server.', code: 404 } });
    }
    Promise.resolve(work).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { text: 'Internal server error', code: 8 } });
      else res.destroy();
    });
  };

  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const stopListening = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    server.closeAllConnections?.();
    return closed;
  };

  /** Drops the events of acks not yet true (the newest copy of each id), as a restart loses them. */
  function loseUnacknowledged(): number {
    const now = Date.now();
    const lost = new Map<string, number>();
    let n = 0;
    for (const ch of channels.values()) {
      for (const a of ch.acks.values()) {
        if (!a.lost && now >= a.acceptedAt + ackDelayMs) continue;
        for (const id of a.ids) lost.set(id, (lost.get(id) ?? 0) + 1);
        n += a.ids.length;
      }
    }
    if (n === 0) return 0;
    const dropIds = new Map(lost);
    const keptIds: string[] = [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      const k = dropIds.get(id) ?? 0;
      if (k > 0) dropIds.set(id, k - 1);
      else keptIds.push(id);
    }
    ids = keptIds.reverse();
    const keptEvents: Array<Record<string, unknown>> = [];
    for (let i = accepted.length - 1; i >= 0; i--) {
      const id = String((accepted[i]!.fields as Record<string, unknown> | undefined)?.event_id);
      const k = lost.get(id) ?? 0;
      if (k > 0) lost.set(id, k - 1);
      else keptEvents.push(accepted[i]!);
    }
    accepted = keepAll ? keptEvents.reverse() : accepted;
    distinct = new Set(ids);
    stats.accepted -= n;
    stats.distinctIds = distinct.size;
    return n;
  }

  const sim: HecSimulator = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    token,
    events: () => accepted.slice(),
    eventIds: () => ids.slice(),
    requests: () => log.slice(),
    stats: () => ({ ...stats }),
    setFault(f) {
      plan.set(f);
    },
    setHealth(state) {
      unhealthy = state === 'unhealthy';
    },
    setChaos(c) {
      plan.setChaos(c);
    },
    async restart(o = {}) {
      const lost = loseUnacknowledged();
      channels.clear();
      await stopListening();
      if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
      await listen(port);
      return lost;
    },
    setAckDelay(ms) {
      ackDelayMs = ms;
    },
    forgetChannels() {
      channels.clear();
    },
    reset() {
      accepted = [];
      ids = [];
      distinct = new Set();
      log = [];
      Object.assign(stats, { requests: 0, batches: 0, accepted: 0, distinctIds: 0, bytes: 0 });
    },
    async close() {
      await stopListening();
      if (record) await new Promise<void>((resolve) => record.end(() => resolve()));
    },
  };
  return sim;
}
