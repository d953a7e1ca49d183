import type { CheckContext } from '../define-input.js';

/**
 * The one --validate-arguments check of where an input's events go, shared by every kind so
 * each refuses the same way: with `output = hec` the named HEC destination must exist and its
 * token be stored (loading it checks both); `output = xml` needs neither.
 */
export async function checkDestination(config: { output?: string; hec?: string }, ctx: CheckContext): Promise<void> {
  // `output` is added to every kind's schema (define-input.ts), default hec.
  if ((config.output ?? 'hec') !== 'hec') return;
  const name = config.hec?.trim();
  if (!name) throw new Error('hec: name a HEC destination (a stanza of ta_ser_mail_hec.conf), or set output = xml');
  await ctx.settings.hec(name);
}
