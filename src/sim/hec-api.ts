// The HEC simulator's options, records and handle (src/sim/hec.ts starts it).

/** A fault the simulator plays for its next requests. */
export type HecFault =
  /** 503 `{"code":9}` to event posts; health answers 503 code 18 meanwhile. */
  | { kind: 'busy'; count?: number }
  /** 429 with a Retry-After header (seconds). */
  | { kind: 'throttle'; count?: number; retryAfterSeconds?: number }
  /** 500 with an HTML page, as a proxy or a broken indexer would answer. */
  | { kind: 'html500'; count?: number }
  /** A load balancer's or proxy's HTML error page (default 502), with Retry-After when given; health too. */
  | { kind: 'html'; status?: 500 | 502 | 503 | 504; retryAfterSeconds?: number; count?: number }
  /** 200 with a page that is not HEC JSON (a captive portal, a misrouted URL); nothing indexed. */
  | { kind: 'non-json-ok'; count?: number }
  /**
   * HEC indexes the events before `at` (default: the middle) and answers `invalid-event-number`
   * = at with `code`/`status` (default 400 code 6 "Invalid data format", i.e. that event is bad;
   * 503 code 9 plays a server that ran out of room half-way).
   */
  | { kind: 'partial'; at?: number; code?: number; status?: number; text?: string; count?: number }
  /** /health answers 503 code 18 (queues full) for the next `count` probes; event posts are unaffected. */
  | { kind: 'unhealthy'; count?: number }
  /** Reads the request and never answers. */
  | { kind: 'hang'; count?: number }
  /** Destroys the connection without an answer (health probes too). */
  | { kind: 'reset'; count?: number }
  /** Accepts batches (records their events) but their acks never turn true. */
  | { kind: 'lose-acks'; count?: number }
  /** 400 code 11: the channel is unknown (as after a restart of the indexer). */
  | { kind: 'invalid-channel'; count?: number };

export interface HecSimulatorOptions {
  /** The valid token; generated when omitted. */
  token?: string;
  /** Further tokens that exist but are disabled (answer code 1). */
  disabledTokens?: string[];
  /** Indexer acknowledgement on the token: channel required, replies carry ackId. */
  ack?: boolean;
  /** Milliseconds before an ack turns true. */
  ackDelayMs?: number;
  /** Index allow-list of the token (default: main). */
  indexes?: string[];
  /** Index of events that name none (default: the first allowed index). */
  defaultIndex?: string;
  /** Bytes; bigger bodies get 413 (Splunk's max_content_length, default 800 MiB). */
  maxContentLength?: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** Append every accepted event as one JSON line to this file. */
  recordFile?: string;
  /** What to keep in memory: every event (tests), only ids (benchmarks), or only counts. */
  keep?: 'all' | 'ids' | 'count';
  /**
   * Benchmarks only: split the body and read each event's event_id without parsing the event
   * or checking it (token, channel, size and gzip are still checked), so the simulator costs
   * less CPU than the sender it measures. Needs keep = 'ids' or 'count'.
   */
  skimEvents?: boolean;
  port?: number;
  fault?: HecFault;
}

/**
 * Faults at random (seeded, so a run can be replayed): each event post, and each health probe
 * for `unhealthy`, plays one of `faults` with probability `probability`.
 */
export interface HecChaos {
  seed: number;
  probability: number;
  faults: HecFault[];
}

export interface HecRequestRecord {
  method: string;
  path: string;
  status: number;
  code?: number;
  channel?: string;
  gzip: boolean;
  bytes: number;
  events: number;
}

export interface HecSimulatorStats {
  requests: number;
  batches: number;
  accepted: number;
  distinctIds: number;
  bytes: number;
}

export interface HecSimulator {
  url: string;
  token: string;
  /** Every accepted event (duplicates included), in arrival order. Empty unless keep = 'all'. */
  events(): Array<Record<string, unknown>>;
  /** fields.event_id of every accepted event, duplicates included (keep = 'all' or 'ids'). */
  eventIds(): string[];
  /** Every request seen (the latest 100 000). */
  requests(): HecRequestRecord[];
  stats(): HecSimulatorStats;
  /**
   * Plays a fault for the next `count` requests (default: until cleared with null). Event
   * posts and health probes use up the count (ack polls only see lose-acks' effect).
   */
  setFault(fault: HecFault | null): void;
  /** Forgets accepted events and requests (not channels or pending acks). */
  reset(): void;
  /** Forgets every channel and its pending acks, as an indexer restart does (ack polls get code 11). */
  forgetChannels(): void;
  /**
   * Restarts HEC: connections drop, the port refuses connections for `downMs`, channels are
   * forgotten (ack ids start again at 0), and events whose ack had not yet turned true are
   * lost (not indexed) — what indexer acknowledgement exists to catch. Returns how many were lost.
   */
  restart(o?: { downMs?: number }): Promise<number>;
  /** A /health spell: while 'unhealthy', health probes answer 503 code 18 (event posts are unaffected). */
  setHealth(state: 'healthy' | 'unhealthy'): void;
  /** Random faults on (or off with null), besides the scripted one. */
  setChaos(chaos: HecChaos | null): void;
  /** Changes the ack delay, also for batches already accepted (tests hold acks back, then release them). */
  setAckDelay(ms: number): void;
  close(): Promise<void>;
}
