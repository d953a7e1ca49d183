import { readFileSync, statSync } from 'node:fs';
import { MailboxListError } from './errors.js';

/**
 * Reads a connector whitelist.json / blacklist.json: a JSON array of mailbox addresses, e.g.
 * ["a@x.com","b@x.com"]. Windows editors add a BOM; addresses compare case-insensitively; null and
 * empty entries name no mailbox. An empty whitelist allows no mailbox, as the connector then scans none.
 */
export function parseMailboxList(text: string, file: string): Set<string> {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new MailboxListError(file, `mailbox list ${file} is not valid JSON (expected ["a@x.com", "b@x.com"]): ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(value)) throw new MailboxListError(file, `mailbox list ${file} must be a JSON array of addresses, e.g. ["a@x.com", "b@x.com"]`);
  const out = new Set<string>();
  value.forEach((v, i) => {
    // The connector deserialises a List<string>, which takes null: it names no mailbox, like "".
    if (v === null) return;
    if (typeof v !== 'string') throw new MailboxListError(file, `mailbox list ${file}: entry [${i}] is not a string`);
    const a = v.trim().toLowerCase();
    if (a) out.add(a);
  });
  return out;
}

interface Loaded {
  mtimeMs: number;
  size: number;
  set: Set<string>;
}

/** How often the files are looked at again: an admin's edit applies within this time, without a restart. */
const RECHECK_MS = 5_000;

/**
 * Decides whether a mailbox owner's messages are forwarded: denied when on the blacklist,
 * else allowed when there is no whitelist or it is on it. A list file that turns unreadable
 * keeps the last good list and the error is reported at each re-check.
 */
export class MailboxFilter {
  readonly #whitelist: string | undefined;
  readonly #blacklist: string | undefined;
  #allow: Loaded | undefined;
  #deny: Loaded | undefined;
  #checkedAt = 0;
  readonly #onError: (err: MailboxListError) => void;
  readonly #recheckMs: number;

  /** Throws MailboxListError when a configured file cannot be read at start: a config mistake. */
  constructor(files: { whitelist?: string; blacklist?: string }, onError: (err: MailboxListError) => void = () => {}, recheckMs = RECHECK_MS) {
    this.#recheckMs = recheckMs;
    this.#whitelist = files.whitelist;
    this.#blacklist = files.blacklist;
    this.#onError = onError;
    if (this.#whitelist) this.#allow = load(this.#whitelist);
    if (this.#blacklist) this.#deny = load(this.#blacklist);
    this.#checkedAt = Date.now();
  }

  get active(): boolean {
    return this.#whitelist !== undefined || this.#blacklist !== undefined;
  }

  allows(owner: string): boolean {
    if (!this.active) return true;
    this.#refresh();
    const who = owner.trim().toLowerCase();
    if (this.#deny?.set.has(who)) return false;
    return this.#allow ? this.#allow.set.has(who) : true;
  }

  #refresh(): void {
    const now = Date.now();
    if (now - this.#checkedAt < this.#recheckMs) return;
    this.#checkedAt = now;
    if (this.#whitelist) this.#allow = reload(this.#whitelist, this.#allow, this.#onError);
    if (this.#blacklist) this.#deny = reload(this.#blacklist, this.#deny, this.#onError);
  }
}

function load(file: string): Loaded {
  let text: string;
  let st;
  try {
    st = statSync(file);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MailboxListError(file, `mailbox list ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return { mtimeMs: st.mtimeMs, size: st.size, set: parseMailboxList(text, file) };
}

function reload(file: string, current: Loaded | undefined, onError: (err: MailboxListError) => void): Loaded | undefined {
  try {
    const st = statSync(file);
    if (current && st.mtimeMs === current.mtimeMs && st.size === current.size) return current;
    return load(file);
  } catch (err) {
    if (err instanceof MailboxListError) onError(err);
    else onError(new MailboxListError(file, `mailbox list ${file} cannot be read: ${(err as Error).message}`, { cause: err }));
    // Fail closed for a whitelist that vanished would drop all mail silently; keep the last good list instead.
    return current;
  }
}
