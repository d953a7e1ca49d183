import type { SplunkEvent } from '../core/event.js';
import type { ProxyConfig } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import type { CloseReport, Sink, SinkStats } from '../core/sink.js';
import { hecDestinationSchema, type HecDestination } from './config.js';

/** A parsed destination whose token is a Secret (wrapped right after parsing). */
export type HecSinkConfig = Omit<HecDestination, 'token'> & { token: Secret };

export interface HecSinkOptions {
  log?: Logger;
  /** The product-wide proxy setting; HTTPS_PROXY/NO_PROXY apply when absent. */
  proxy?: Partial<ProxyConfig>;
  /** For log lines: which destination this is (e.g. the stanza name). */
  name?: string;
}

/** Parses raw settings (YAML map or .conf stanza) and wraps the token. */
export function hecSinkConfig(raw: unknown): HecSinkConfig {
  const parsed = hecDestinationSchema.parse(raw);
  return { ...parsed, token: new Secret(parsed.token) };
}

/** Work in progress: the full pipeline lands in the next commit. */
export class HecSink implements Sink {
  readonly config: HecSinkConfig;
  constructor(config: HecSinkConfig, _options: HecSinkOptions = {}) {
    this.config = config;
  }
  async send(_event: SplunkEvent): Promise<void> {
    throw new Error('HecSink: not yet implemented');
  }
  async sendAll(_events: readonly SplunkEvent[]): Promise<void> {
    throw new Error('HecSink: not yet implemented');
  }
  /** Resolves when there is room under the memory cap (a producer's back-pressure signal). */
  async waitForCapacity(): Promise<void> {}
  async flush(_deadlineMs?: number): Promise<void> {}
  async close(_deadlineMs?: number): Promise<CloseReport> {
    return { delivered: 0, undelivered: 0 };
  }
  stats(): SinkStats {
    return { accepted: 0, delivered: 0, failed: 0, retries: 0, queuedBytes: 0, inFlightBytes: 0 };
  }
}
