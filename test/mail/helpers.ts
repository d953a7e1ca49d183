import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import type { SplunkEvent } from '../../src/core/event.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { Secret } from '../../src/core/secret.js';
import type { CloseReport, Sink, SinkStats } from '../../src/core/sink.js';
import { mailInputSchema, type MailSettingsInput } from './config-input.js';
import { startMailInput, type RunningMailInput } from '../../src/mail/input.js';

/**
 * A sink for receiver tests that can be told to fail or to hang, and records what it
 * delivered. Integration tests use the real HecSink against the HEC simulator instead.
 */
export class ScriptedSink implements Sink {
  readonly delivered: SplunkEvent[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  readonly #hanging: Array<() => void> = [];

  async send(event: SplunkEvent): Promise<void> {
    return this.sendAll([event]);
  }

  async sendAll(events: readonly SplunkEvent[]): Promise<void> {
    if (this.mode === 'fail') throw new Error('scripted delivery failure');
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.#hanging.push(resolve));
    this.delivered.push(...events);
  }

  /** Lets hanging deliveries finish (as HEC coming back would). */
  release(): void {
    for (const r of this.#hanging.splice(0)) r();
  }

  async flush(): Promise<void> {}
  async close(): Promise<CloseReport> {
    this.release();
    return { delivered: this.delivered.length, undelivered: 0 };
  }
  stats(): SinkStats {
    const n = this.delivered.length;
    return { accepted: n, delivered: n, failed: 0, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}

export const TOKEN = 'connector-static-token-for-tests';

export async function startTestInput(sink: Sink, settings: MailSettingsInput = {}, secret: string | undefined = TOKEN, stateDir = '/tmp', log: Logger = silentLogger): Promise<RunningMailInput & { url: string }> {
  const { auth_secret: _ignored, ...config } = mailInputSchema.parse({ auth_mode: 'static', listen_port: 0, ...settings });
  const running = await startMailInput({
    name: 'test',
    config,
    secret: secret === undefined ? undefined : new Secret(secret),
    sink,
    checkpoints: new FileCheckpointStore(stateDir),
    log,
  });
  return { ...running, url: running.receiver!.url };
}

export interface PostOptions {
  token?: string | null;
  gzip?: boolean;
  contentType?: string;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** Posts like the connector does: JSON, Authorization: Bearer <AuthToken>. */
export async function post(url: string, body: unknown, o: PostOptions = {}): Promise<PostResult> {
  let payload: string | Buffer = o.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json; charset=utf-8', ...o.headers };
  const token = o.token === undefined ? TOKEN : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (o.gzip) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  const res = await request(url, { method: 'POST', headers, body: payload });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.statusCode, headers: res.headers, json };
}

let seq = 0;

/** A connector message; `n` makes it unique. Cyrillic on purpose. */
export function message(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `AAMk-${n}`,
    sentAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
    receivedAt: new Date(Date.UTC(2024, 0, 1) + n * 1000 + 500).toISOString(),
    from: { displayName: 'Иван Петров', address: 'ivan@example.ru' },
    to: [{ displayName: 'Мария', address: `maria${n % 7}@example.ru` }],
    cc: null,
    bcc: [],
    importance: 'normal',
    threadId: `thread-${n % 13}`,
    subject: `Отчёт №${n} — квартал`,
    body: { contentType: 'text', content: `тело письма ${n}` },
    headers: [{ name: 'Message-ID', value: `<${n}.${++seq}@example.ru>` }],
    isFlagged: null,
    isSent: n % 2 === 0,
    isAutomatic: null,
    ...overrides,
  };
}

export function mails(owner: string, messages: Array<Record<string, unknown>>): Record<string, unknown> {
  return { ownerIdentity: { type: 'email', value: owner }, mailMessages: messages };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
