import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import { readStanza, updateStanza, type Stanza } from './conf-rest.js';
import { MissingSecretError, readPassword, writePassword } from './passwords.js';
import { settingsOf } from './schema-args.js';
import type { SplunkdClient } from './splunkd-client.js';

/**
 * Named settings read through splunkd (docs/ARCHITECTURE.md "Configuration model"): the stanza
 * from configs/conf-<file>, each secret from storage/passwords (realm per field, username =
 * stanza name), validated with the component's zod schema. Secrets come back as `Secret`.
 *
 * A secret typed into the .conf (or into an input's parameter, see input-secrets.ts) is moved
 * into storage/passwords and the value in the .conf replaced by MASK, so it is never read
 * from a .conf twice.
 */
export const MASK = '********';

export interface NamedSettingsKind<S extends z.ZodType> {
  /** The .conf file without ".conf". */
  file: string;
  /** What an admin calls it, for messages ("SER account"). */
  what: string;
  schema: S;
  /** Secret field → storage/passwords realm. */
  secrets: Record<string, string>;
}

/** The schema's output with each secret field as a `Secret` (undefined when optional and unset). */
export type WithSecrets<T, K extends string> = Omit<T, K> & { [P in K & keyof T]: undefined extends T[P] ? Secret | undefined : Secret };

export function zodMessage(err: z.ZodError, where: string): string {
  return err.issues.map((i) => `${where}${i.path.length ? ` ${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

export function hasTypedSecret(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v !== MASK;
}

/**
 * Loads one named stanza, moves typed secrets into storage/passwords, reads the secrets and
 * validates. `username` overrides the storage/passwords username (default: the stanza name).
 */
export async function loadNamed<S extends z.ZodType, K extends string>(
  client: SplunkdClient,
  kind: NamedSettingsKind<S> & { secrets: Record<K, string> },
  name: string,
  username = name,
): Promise<WithSecrets<z.output<S>, K>> {
  const where = `${kind.file}.conf [${name}]`;
  const fields = Object.entries(kind.secrets) as Array<[K, string]>;
  // The stanza and its stored secrets in one round trip (splunkd answers them side by side):
  // an input's start-up waits on these.
  const [stanza, ...stored] = await Promise.all([readStanza(client, kind.file, name), ...fields.map(([, realm]) => readPassword(client, realm, username))]);
  if (!stanza) throw new ConfigError(`${kind.what} "${name}" does not exist: add a [${name}] stanza to ${kind.file}.conf (the app's configuration page does this)`);
  const raw: Record<string, unknown> = { ...stanza };
  const infos = new Map(settingsOf(kind.schema).map((s) => [s.name, s]));
  const typed: Stanza = {};
  for (const [i, [field, realm]] of fields.entries()) {
    const inConf = stanza[field];
    let secret: Secret | undefined;
    if (hasTypedSecret(inConf)) {
      secret = new Secret(inConf);
      await writePassword(client, realm, username, secret);
      typed[field] = MASK;
    } else {
      secret = stored[i];
    }
    if (!secret && infos.get(field)?.required) throw new MissingSecretError(realm, username, `the ${field} of ${kind.what} "${name}"`);
    // The component schemas take a Secret as it is (secretSchema): nothing is revealed to parse.
    if (secret) raw[field] = secret;
    else delete raw[field];
  }
  if (Object.keys(typed).length > 0) await updateStanza(client, kind.file, name, typed);
  const parsed = kind.schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodMessage(parsed.error, where));
  return parsed.data as WithSecrets<z.output<S>, K>;
}

/** Reads an optional stanza without secrets (e.g. [logging]); the schema's defaults when absent. */
export async function loadPlain<S extends z.ZodType>(client: SplunkdClient, file: string, name: string, schema: S): Promise<z.output<S>> {
  const stanza = (await readStanza(client, file, name)) ?? {};
  const parsed = schema.safeParse(stanza);
  if (!parsed.success) throw new ConfigError(zodMessage(parsed.error, `${file}.conf [${name}]`));
  return parsed.data;
}
