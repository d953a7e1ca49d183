import { AddonError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import type { SplunkdClient, SplunkdFeed } from './splunkd-client.js';

/**
 * storage/passwords: each secret is the entity `<realm>:<username>:` in the app's namespace
 * (realms in docs/ARCHITECTURE.md "Configuration model"). Values come back as `Secret`.
 */

/** A secret the settings need is not in storage/passwords; the message says how to store it. */
export class MissingSecretError extends AddonError {
  constructor(realm: string, username: string, what: string) {
    super(
      'SECRET_MISSING',
      `${what} is not stored: add it to storage/passwords with realm "${realm}" and username "${username}" ` +
        `(the app's configuration page does this, or: curl -k -u admin https://localhost:8089/servicesNS/nobody/TA-ser-mail/storage/passwords -d realm=${realm} -d name=${username} -d password=…)`,
    );
  }
}

interface PasswordContent {
  realm?: string;
  username?: string;
  clear_password?: string;
}

export function passwordEntityId(realm: string, username: string): string {
  const esc = (s: string) => s.replace(/:/g, '\\:');
  return `${esc(realm)}:${esc(username)}:`;
}

/** The secret stored for realm + username, or undefined. */
export async function readPassword(client: SplunkdClient, realm: string, username: string): Promise<Secret | undefined> {
  const id = encodeURIComponent(passwordEntityId(realm, username));
  const feed = await client.call<SplunkdFeed<PasswordContent>>(client.nsPath(`storage/passwords/${id}`), { allow: [404] });
  const c = feed?.entry?.find((e) => e.content.realm === realm && e.content.username === username)?.content;
  return c?.clear_password === undefined ? undefined : new Secret(c.clear_password);
}

/** Creates or replaces the secret for realm + username. */
export async function writePassword(client: SplunkdClient, realm: string, username: string, secret: Secret): Promise<void> {
  const entity = client.nsPath(`storage/passwords/${encodeURIComponent(passwordEntityId(realm, username))}`);
  const updated = await client.call(entity, { form: { password: secret.reveal() }, allow: [404] });
  if (updated !== undefined) return;
  const created = await client.call(client.nsPath('storage/passwords'), { form: { name: username, realm, password: secret.reveal() }, allow: [409] });
  // 409: it exists after all (another process stored it, or our create went through and its
  // answer was lost before the client retried): set the value we hold.
  if (created === undefined) await client.call(entity, { form: { password: secret.reveal() } });
}

export async function deletePassword(client: SplunkdClient, realm: string, username: string): Promise<void> {
  const id = encodeURIComponent(passwordEntityId(realm, username));
  await client.call(client.nsPath(`storage/passwords/${id}`), { method: 'DELETE', allow: [404] });
}
