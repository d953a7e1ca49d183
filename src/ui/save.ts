import { createStanza, deleteStanza, updateStanza } from './conf-store.js';
import { confValues, secretsToWrite, type FormValues } from './form-values.js';
import { RestError } from './rest.js';
import { deleteSecret, writeSecret } from './secret-store.js';
import type { Section } from './sections.js';

export interface SaveTarget {
  name: string;
  /** The stanza does not exist yet. */
  isNew: boolean;
  /** The stored values (to know which cleared fields to blank out). */
  previous: Record<string, string>;
  /** Secret field keys already in storage/passwords. */
  storedKeys: ReadonlySet<string>;
  /** Told as soon as the stanza exists, so a retry after a failed secret edits it. */
  onCreated?: () => void;
}

/** Writes the .conf stanza, then each newly typed secret; the secrets never go to the .conf. */
export async function saveStanza(section: Section, values: FormValues, t: SaveTarget): Promise<void> {
  const conf = confValues(section.fields, values, t.previous);
  if (t.isNew) {
    await createStanza(section.file, t.name, conf);
    t.onCreated?.();
  } else if (Object.keys(conf).length > 0) await updateStanza(section.file, t.name, conf);
  for (const [key, value] of secretsToWrite(section.fields, values)) {
    const realm = section.realms[key];
    if (!realm) throw new Error(`no storage/passwords realm is declared for the secret field ${key}`);
    await writeSecret(realm, t.name, value, t.storedKeys.has(key));
  }
}

/**
 * Removes the stanza and every secret stored under its name. Stanza first (an input must not
 * keep a stanza whose secret is gone); a stanza already gone is not an error, so Delete can be
 * pressed again after a secret could not be removed.
 */
export async function deleteNamed(section: Section, name: string): Promise<void> {
  try {
    await deleteStanza(section.file, name);
  } catch (e) {
    if (!(e instanceof RestError && e.status === 404)) throw e;
  }
  for (const realm of Object.values(section.realms)) await deleteSecret(realm, name);
}
