import type { Section } from './sections.js';

/** Secret field keys of `section` stored for `username`, from the `realm:username` set. */
export function storedFields(section: Section, stored: ReadonlySet<string>, username: string): Set<string> {
  const out = new Set<string>();
  for (const [key, realm] of Object.entries(section.realms)) if (stored.has(`${realm}:${username}`)) out.add(key);
  return out;
}
