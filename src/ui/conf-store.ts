import { segment, splunkd } from './rest.js';

/**
 * Non-secret settings in the app's own .conf files through splunkd's `configs/conf-<file>`
 * endpoints: POST to the collection creates a stanza, POST to the stanza edits it, DELETE
 * removes it. Values are strings, as in the file.
 */
export interface Stanza {
  name: string;
  values: Record<string, string>;
}

// Keys splunkd adds to every stanza it returns; they are not settings.
const isSettingKey = (k: string) => !k.startsWith('eai:') && k !== 'disabled';

function toStrings(content: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(content)) {
    if (isSettingKey(k) && v !== null && v !== undefined && typeof v !== 'object') out[k] = String(v);
  }
  return out;
}

export async function listStanzas(file: string): Promise<Stanza[]> {
  const entries = await splunkd('GET', `configs/conf-${file}`, { query: { count: '0' } });
  return entries.filter((e) => e.name !== 'default').map((e) => ({ name: e.name, values: toStrings(e.content) }));
}

/**
 * The stanza, or undefined when the file has none of that name. Read from the list, not the
 * entity: a missing stanza is normal here (first launch) and must not be an HTTP 404 that the
 * browser reports as an error.
 */
export async function getStanza(file: string, name: string): Promise<Stanza | undefined> {
  return (await listStanzas(file)).find((s) => s.name === name);
}

export async function createStanza(file: string, name: string, values: Record<string, string>): Promise<void> {
  await splunkd('POST', `configs/conf-${file}`, { form: { name, ...values } });
}

export async function updateStanza(file: string, name: string, values: Record<string, string>): Promise<void> {
  await splunkd('POST', `configs/conf-${file}/${segment(name)}`, { form: values });
}

export async function deleteStanza(file: string, name: string): Promise<void> {
  await splunkd('DELETE', `configs/conf-${file}/${segment(name)}`);
}
