import type { ModularInput } from '../define-input.js';

/**
 * Every modular input kind, loaded only when asked for (start-up stays lean: splunkd starts
 * the program for every run and every validation). One line per kind.
 */
export const INPUT_KINDS: Record<string, () => Promise<ModularInput>> = {
  ser_report: async () => (await import('./ser-report.js')).default,
  mail_metadata: async () => (await import('./mail-metadata.js')).default,
};

export async function loadInputKind(kind: string): Promise<ModularInput> {
  const load = INPUT_KINDS[kind];
  if (!load) throw new Error(`unknown modular input "${kind}"; known: ${Object.keys(INPUT_KINDS).join(', ')}`);
  return load();
}
