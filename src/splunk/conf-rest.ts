import type { SplunkdClient, SplunkdFeed } from './splunkd-client.js';

/**
 * configs/conf-<file>: a .conf file as splunkd merges it (default + local, app namespace).
 * Values are strings, as splunkd keeps them; splunkd's own keys (eai:*, disabled flags) are
 * dropped so a stanza maps 1:1 onto a flat zod schema.
 */
export type Stanza = Record<string, string>;

function clean(content: Record<string, unknown>): Stanza {
  const out: Stanza = {};
  for (const [k, v] of Object.entries(content)) {
    // '' = unset: splunkd cannot delete a key, so a cleared setting (configuration page) is written empty.
    if (k.startsWith('eai:') || v === null || v === undefined || v === '' || typeof v === 'object') continue;
    out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

export async function readStanza(client: SplunkdClient, file: string, stanza: string): Promise<Stanza | undefined> {
  const feed = await client.call<SplunkdFeed<Record<string, unknown>>>(client.nsPath(`configs/conf-${encodeURIComponent(file)}/${encodeURIComponent(stanza)}`), {
    allow: [404],
  });
  const e = feed?.entry?.find((x) => x.name === stanza) ?? feed?.entry?.[0];
  return e ? clean(e.content) : undefined;
}

export async function listStanzas(client: SplunkdClient, file: string): Promise<Map<string, Stanza>> {
  const feed = await client.call<SplunkdFeed<Record<string, unknown>>>(client.nsPath(`configs/conf-${encodeURIComponent(file)}`), {
    query: { count: '0' },
    allow: [404],
  });
  return new Map((feed?.entry ?? []).map((e) => [e.name, clean(e.content)]));
}

/**
 * Sets keys of an existing stanza (splunkd writes them to the app's local/ file); `app` when the
 * stanza lives in another app (an input created from the Search app's context).
 */
export async function updateStanza(client: SplunkdClient, file: string, stanza: string, values: Stanza, app?: string): Promise<void> {
  await client.call(client.nsPath(`configs/conf-${encodeURIComponent(file)}/${encodeURIComponent(stanza)}`, app), { form: values });
}
