import type { HecChaos, HecFault } from './hec-api.js';

/**
 * Which fault the HEC simulator plays for one request: the scripted one (`setFault`, used up
 * by its count) first, else one drawn at random from the chaos list. A small seeded PRNG
 * (mulberry32) keeps a chaos run reproducible.
 */
export class HecFaultPlan {
  #fault: HecFault | null;
  #left: number;
  #chaos: HecChaos | null = null;
  #state = 0;

  constructor(fault: HecFault | null = null) {
    this.#fault = fault;
    this.#left = fault?.count ?? Infinity;
  }

  set(fault: HecFault | null): void {
    this.#fault = fault;
    this.#left = fault?.count ?? Infinity;
  }

  setChaos(chaos: HecChaos | null): void {
    this.#chaos = chaos;
    this.#state = chaos?.seed ?? 0;
  }

  /** Takes one use of a fault that applies to this kind of request, if any. */
  take(kinds: ReadonlyArray<HecFault['kind']>): HecFault | null {
    const f = this.#fault;
    if (f && kinds.includes(f.kind)) {
      this.#left--;
      if (this.#left <= 0) this.#fault = null;
      return f;
    }
    const c = this.#chaos;
    if (!c || this.#random() >= c.probability) return null;
    const fits = c.faults.filter((x) => kinds.includes(x.kind));
    if (fits.length === 0) return null;
    return fits[Math.floor(this.#random() * fits.length)]!;
  }

  /** mulberry32: a tiny PRNG good enough to pick faults reproducibly. */
  #random(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export const HTML_PAGES: Record<number, string> = {
  500: '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>',
  502: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
  503: '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>No server is available to handle this request.</p></body></html>',
  504: '<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1><p>The server didn\'t respond in time.</p></body></html>',
};
