import { RestError, segment, splunkd } from './rest.js';

/**
 * Secrets in storage/passwords, write-only from the page's side. A GET of storage/passwords
 * returns every credential's `clear_password`, so the listing asks for the `realm` and
 * `username` fields only (`f=realm&f=username`, splunkd's field filter for GET). The replies to
 * writes carry no clear password on splunkd 8.2+ (docs/splunk-admin.md, "The configuration page"); `f=` is
 * sent there too as a second guard, and those replies are drained unread. The page learns
 * whether a secret is stored, never its value.
 */
const FIELDS = { f: ['realm', 'username'] };

/** The entity name splunkd gives a credential: `<realm>:<username>:` with `:` escaped. */
export function credentialId(realm: string, username: string): string {
  const esc = (s: string) => s.replace(/:/g, '\\:');
  return `${esc(realm)}:${esc(username)}:`;
}

/** `realm:username` keys of every stored credential of the given realms (names only). */
export async function storedSecrets(realms: readonly string[]): Promise<Set<string>> {
  const entries = await splunkd('GET', 'storage/passwords', { query: { count: '0', ...FIELDS } });
  const wanted = new Set(realms);
  const out = new Set<string>();
  for (const e of entries) {
    const realm = typeof e.content.realm === 'string' ? e.content.realm : '';
    const username = typeof e.content.username === 'string' ? e.content.username : '';
    if (wanted.has(realm)) out.add(`${realm}:${username}`);
  }
  return out;
}

/** Creates or replaces one secret. `known` = the page already saw it stored. */
export async function writeSecret(realm: string, username: string, value: string, known: boolean): Promise<void> {
  const update = () =>
    splunkd('POST', `storage/passwords/${segment(credentialId(realm, username))}`, { query: FIELDS, form: { password: value }, discardBody: true });
  if (known) {
    await update();
    return;
  }
  try {
    await splunkd('POST', 'storage/passwords', { query: FIELDS, form: { name: username, password: value, realm }, discardBody: true });
  } catch (e) {
    // Stored meanwhile (another admin, or a page opened twice): replace it.
    if (e instanceof RestError && e.status === 409) await update();
    else throw e;
  }
}

export async function deleteSecret(realm: string, username: string): Promise<void> {
  try {
    await splunkd('DELETE', `storage/passwords/${segment(credentialId(realm, username))}`, { query: FIELDS, discardBody: true });
  } catch (e) {
    if (!(e instanceof RestError && e.status === 404)) throw e;
  }
}
