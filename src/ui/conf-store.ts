import { RestError, segment, splunkd } from './rest.js';

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

/** The stanza, or undefined when the file has none of that name. */
export async function getStanza(file: string, name: string): Promise<Stanza | undefined> {
  try {
    const [e] = await splunkd('GET', `configs/conf-${file}/${segment(name)}`);
    return e ? { name: e.name, values: toStrings(e.content) } : undefined;
  } catch (e) {
    if (e instanceof RestError && e.status === 404) return undefined;
    throw e;
  }
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
