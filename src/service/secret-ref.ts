import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { Secret } from '../core/secret.js';

/**
 * In a YAML file a secret is never written inline: it is a reference to an environment
 * variable or to a file (a Kubernetes/Docker secret mount, a vault agent's output).
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).describe('name of the environment variable that holds the secret') }).strict(),
  z.object({ file: z.string().min(1).describe('path of a file that holds the secret (trailing newline removed); relative to the config file') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export interface ResolveContext {
  env: NodeJS.ProcessEnv;
  /** Directory that relative `file:` paths are resolved against (the config file's). */
  baseDir: string;
}

/** Reads the value a reference points at; `path` names the setting in errors (never the value). */
export function resolveSecretRef(ref: SecretRef, path: string, ctx: ResolveContext): Secret {
  if ('env' in ref) {
    const v = ctx.env[ref.env];
    if (v === undefined || v === '') {
      throw new ConfigError(`${path}: environment variable ${ref.env} is not set (it should hold this secret)`);
    }
    return new Secret(v);
  }
  const file = isAbsolute(ref.file) ? ref.file : resolve(ctx.baseDir, ref.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: secret file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const v = text.replace(/\r?\n$/, '');
  if (v === '') throw new ConfigError(`${path}: secret file ${file} is empty`);
  return new Secret(v);
}
