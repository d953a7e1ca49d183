import { serInputSchema } from '../../ser/config.js';
import { defineModularInput } from '../define-input.js';

/**
 * [ser_report://<name>]: one poll cycle of the SER report input per run; splunkd's `interval`
 * (e.g. 300) starts the next one. The account and the HEC destination are named settings;
 * their secrets come from storage/passwords.
 */
export default defineModularInput({
  kind: 'ser_report',
  title: 'Proofpoint SER report',
  description:
    'Reads Proofpoint Secure Email Relay reporting windows (per application user: messages, recipients, bytes, outcomes) and delivers them through HEC or the XML stream',
  schema: serInputSchema,
  // Splunk Web refuses an input whose account or HEC destination is missing or lacks its secret.
  async check(config, ctx) {
    await ctx.settings.account(config.account);
    if (config.output === 'hec') {
      if (!config.hec) throw new Error('hec: name a HEC destination (a stanza of ta_ser_mail_hec.conf), or set output = xml');
      await ctx.settings.hec(config.hec);
    }
  },
  async run(ctx) {
    const [{ runSerInput }, { serSessionFor, toSerAccountSettings }] = await Promise.all([import('../../ser/input.js'), import('../../ser/session.js')]);
    const loaded = await ctx.settings.account(ctx.config.account);
    const account = toSerAccountSettings(ctx.config.account, { ...loaded, client_secret: loaded.client_secret.reveal() });
    const [sink, checkpoints, proxy] = await Promise.all([ctx.openSink(), ctx.checkpoints(), ctx.settings.proxy()]);
    const session = serSessionFor(account, { log: ctx.log, proxy, connections: ctx.config.concurrency });
    const index = ctx.params.index && ctx.params.index !== 'default' ? ctx.params.index : undefined;
    const host = ctx.params.host && ctx.params.host !== '$decideOnStartup' ? ctx.params.host : undefined;
    const summary = await runSerInput({
      name: ctx.name,
      input: ctx.config,
      account,
      sink,
      checkpoints,
      log: ctx.log,
      signal: ctx.signal,
      session,
      events: { index, host },
    });
    ctx.log.info({ ...summary }, 'SER poll cycle done');
  },
});
