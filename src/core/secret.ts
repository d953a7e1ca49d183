import { z } from 'zod';

// Symbol.for, not node:util's `inspect.custom`: the configuration page bundles the config
// schemas (and so this file) for the browser.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

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

  [INSPECT](): string {
    return 'Secret([REDACTED])';
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/**
 * A secret setting in a zod schema: accepts a `Secret` as it is (loaders wrap what they read
 * from storage/passwords, the environment or a file) or a string from a form or a test, which
 * it wraps. Configs parse without revealing; the output type is always `Secret`.
 */
export function secretSchema(what = 'a secret') {
  return z
    .union([z.instanceof(Secret), z.string()], {
      // A union's own message is zod's bare "Invalid input": say what is missing or expected.
      error: (issue) => (issue.input === undefined ? `missing: ${what} is required` : `expected ${what} as a text`),
    })
    .transform((v, ctx) => {
      const s = typeof v === 'string' ? new Secret(v) : v;
      if (s.isEmpty) {
        ctx.addIssue({ code: 'custom', message: `${what} is required` });
        return z.NEVER;
      }
      return s;
    })
    .meta({ secret: true });
}
