import { createFetchInit } from '@splunk/splunk-utils/fetch';
import { splunkdPath } from '@splunk/splunk-utils/config';

/** The app whose namespace holds every setting the page edits. */
export const APP = 'TA-ser-mail';

/** Splunk Web's proxy to splunkd when `$C` (from /config?autoload=1) is not there. */
const FALLBACK_SPLUNKD_PATH = '/en-US/splunkd/__raw';

/** splunkd answered with an error; `message` is splunkd's own text when it gave one. */
export class RestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RestError';
    this.status = status;
  }
}

export interface RestEntry {
  name: string;
  content: Record<string, unknown>;
}

export interface CallOptions {
  /** Query parameters; an array repeats the key (`f=realm&f=username`). */
  query?: Record<string, string | string[]>;
  /** Form fields for POST (splunkd's EAI endpoints take x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** Do not read the reply body (replies that may echo a secret). */
  discardBody?: boolean;
}

/**
 * One call to splunkd through Splunk Web's proxy, with Splunk Web's CSRF convention
 * (`X-Splunk-Form-Key` from the `splunkweb_csrf_token_<port>` cookie, `X-Requested-With`)
 * supplied by @splunk/splunk-utils. `endpoint` is relative to the app's namespace
 * (`servicesNS/nobody/TA-ser-mail/`) unless it starts with `services/`.
 */
export async function splunkd(method: 'GET' | 'POST' | 'DELETE', endpoint: string, options: CallOptions = {}): Promise<RestEntry[]> {
  const base = typeof splunkdPath === 'string' && splunkdPath !== '' ? splunkdPath : FALLBACK_SPLUNKD_PATH;
  const path = endpoint.startsWith('services/') ? endpoint : `servicesNS/nobody/${encodeURIComponent(APP)}/${endpoint}`;
  const query = new URLSearchParams({ output_mode: 'json' });
  for (const [k, v] of Object.entries(options.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) query.append(k, one);
  const init = createFetchInit({ method, ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}) });
  const res = await fetch(`${base}/${path}?${query.toString()}`, init);
  if (options.discardBody && res.ok) {
    // Drained unparsed (cancelling would show as a failed request in the browser).
    await res.arrayBuffer();
    return [];
  }
  const text = await res.text();
  let parsed: { entry?: RestEntry[]; messages?: { type?: string; text?: string }[] } = {};
  try {
    parsed = text ? (JSON.parse(text) as typeof parsed) : {};
  } catch {
    // Splunk Web answers HTML for some proxy errors (session expired): keep the status.
  }
  if (!res.ok) {
    const message = parsed.messages?.find((m) => m.type === 'ERROR' || m.text)?.text;
    throw new RestError(res.status, message ?? `splunkd answered HTTP ${res.status} to ${method} ${endpoint}`);
  }
  return parsed.entry ?? [];
}

/** Encodes one path segment of an entity name (stanza names may hold `/` or spaces). */
export const segment = (name: string): string => encodeURIComponent(name);
