import { inspect } from 'node:util';

/**
 * A secret that cannot leak by accident: logging, JSON, string interpolation and
 * util.inspect all print a placeholder. Only `reveal()` gives the value, and only the
 * code that puts it on the wire calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return '[REDACTED]';
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  [inspect.custom](): string {
    return 'Secret([REDACTED])';
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
