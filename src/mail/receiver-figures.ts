import type { Logger } from '../core/logger.js';

/** The message of the figures line; the health dashboard's ds_figures search looks for it. */
export const FIGURES_MESSAGE = 'mail receiver figures';

/** When the figures line is written. */
export interface FiguresTiming {
  /** How often the receiver looks at its figures; a line is written when requests came in. Default 5 min; 0 turns the periodic line off (the shutdown line stays). */
  intervalMs?: number;
  /** A line is written at least this often even without requests, so an idle receiver shows as alive. Default 1 h. */
  quietMs?: number;
}

export const FIGURES_DEFAULTS = { intervalMs: 5 * 60_000, quietMs: 60 * 60_000 } as const;

/**
 * One figures line: what the receiver answered on the Mails and Users APIs since `since`.
 * Counts are per line (not since start), so a search adds them up over any time range.
 */
export interface FiguresLine {
  /** API requests answered (health checks not included). */
  requests: number;
  /** Requests answered 200: their events are delivered. */
  delivered: number;
  /** Events delivered (messages and users). */
  events: number;
  /** Messages dropped by the whitelist/blacklist (answered 200, not indexed). */
  dropped: number;
  /** Requests refused with 4xx other than 401 (bad payload, too large, wrong path or method, body timeout). */
  refused: number;
  /** Requests refused with 401: a wrong or expired AuthToken. */
  rejected_auth: number;
  /** Requests answered 503: HEC away or slow, or the receiver at capacity (the connector keeps the data and retries). */
  unavailable: number;
  /** Requests answered 500 (a fault of the receiver; the log has the error). */
  errors: number;
  /** Every refusal by its reply code (MAIL_*), so the admin sees why without reading each warning. */
  reasons: Record<string, number>;
  /** GET /health answers (load balancers, connectors probing). */
  health_checks: number;
  /** Start of the counted period (ISO-8601 UTC): the previous line, or the receiver's start. */
  since: string;
  /** Present on the line written when the receiver stops. */
  final?: true;
}

type Counts = Omit<FiguresLine, 'since' | 'final'>;

const zero = (): Counts => ({ requests: 0, delivered: 0, events: 0, dropped: 0, refused: 0, rejected_auth: 0, unavailable: 0, errors: 0, reasons: {}, health_checks: 0 });

/** The receiver's counts for the current period. Nothing here may hold a request's content: only numbers and reply codes. */
export class ReceiverFigures {
  #counts = zero();
  #since: number;

  constructor(now = Date.now()) {
    this.#since = now;
  }

  delivered(events: number, dropped: number): void {
    this.#counts.requests++;
    this.#counts.delivered++;
    this.#counts.events += events;
    this.#counts.dropped += dropped;
  }

  /** A request answered with `status` >= 400; `code` is the reply's MAIL_* error code. */
  refused(status: number, code: string): void {
    const c = this.#counts;
    c.requests++;
    if (status === 401) c.rejected_auth++;
    else if (status === 503) c.unavailable++;
    else if (status >= 500) c.errors++;
    else c.refused++;
    c.reasons[code] = (c.reasons[code] ?? 0) + 1;
  }

  health(): void {
    this.#counts.health_checks++;
  }

  /** API requests came in since the last line. */
  get active(): boolean {
    return this.#counts.requests > 0;
  }

  /** When the current period started (epoch ms). */
  get since(): number {
    return this.#since;
  }

  /** The current period's line; a new period starts at `now`. */
  take(now = Date.now(), final = false): FiguresLine {
    const line: FiguresLine = { ...this.#counts, since: new Date(this.#since).toISOString(), ...(final ? { final: true as const } : {}) };
    this.#counts = zero();
    this.#since = now;
    return line;
  }
}

/**
 * Writes the figures line every `intervalMs` when requests came in, or when `quietMs` passed
 * since the last line. The timer is unref'd: it never keeps the process alive, and `stop`
 * writes the last line (the shutdown line, always).
 */
export function reportFigures(figures: ReceiverFigures, log: Logger, timing: FiguresTiming = {}): { stop(): void } {
  const intervalMs = timing.intervalMs ?? FIGURES_DEFAULTS.intervalMs;
  const quietMs = timing.quietMs ?? FIGURES_DEFAULTS.quietMs;
  const write = (final: boolean) => log.info({ ...figures.take(Date.now(), final) }, FIGURES_MESSAGE);
  let timer: NodeJS.Timeout | undefined;
  if (intervalMs > 0) {
    timer = setInterval(() => {
      // Half an interval of slack: a timer that fires a little early must not skip the hourly line by a whole interval.
      if (figures.active || Date.now() - figures.since >= quietMs - intervalMs / 2) write(false);
    }, intervalMs);
    timer.unref();
  }
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      write(true);
    },
  };
}
