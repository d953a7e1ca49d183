import { serInputSchema } from '../../ser/config.js';
import { defineModularInput, isLongLived } from '../define-input.js';
import { checkDestination } from './check-destination.js';

/**
 * [ser_report://<name>]: with splunkd's `interval` in seconds or cron (e.g. 300), one poll
 * cycle per run, splunkd starting the next; with `interval = 0`, one long-lived process that
 * polls every `poll_interval` (see run). The account and the HEC destination are named settings;
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
    await checkDestination(config, ctx);
  },
  async run(ctx) {
    // Side by side: each is a round trip to splunkd (the code loads meanwhile), and start-up
    // waits on the slowest only.
    const [loaded, sink, checkpoints, proxy, { runSerInput }, { serSessionFor, toSerAccountSettings }] = await Promise.all([
      ctx.settings.account(ctx.config.account),
      ctx.openSink(),
      ctx.checkpoints(),
      ctx.settings.proxy(),
      import('../../ser/input.js'),
      import('../../ser/session.js'),
    ]);
    const account = toSerAccountSettings(ctx.config.account, loaded);
    // The account's rate budget is shared with the app's other inputs and processes on this host.
    const session = serSessionFor(account, { log: ctx.log, proxy, connections: ctx.config.concurrency, budgetDir: ctx.checkpointDir || undefined });
    // index = default / host = $decideOnStartup never get here (effectiveParams): splunkd's own choice applies.
    const events = { index: ctx.params.index, host: ctx.params.host };
    const cycle = async (signal: AbortSignal) => {
      const summary = await runSerInput({ name: ctx.name, input: ctx.config, account, sink, checkpoints, log: ctx.log, signal, session, events });
      ctx.log.info({ ...summary }, 'SER poll cycle done');
    };
    if (!isLongLived(ctx.params.interval)) return cycle(ctx.signal);
    // interval = 0: splunkd would restart a finished process at once (a new token, a new
    // entitlement event each time). Instead this process stays and polls every poll_interval,
    // keeping its token, connections and HEC channel, until splunkd's SIGTERM.
    const { runPollLoop } = await import('../../core/poll-loop.js');
    ctx.log.info(`interval = 0: polling every ${ctx.config.poll_interval} s (poll_interval) until splunkd stops the input`);
    await runPollLoop({ name: ctx.stanza, intervalMs: ctx.config.poll_interval * 1000, signal: ctx.signal, log: ctx.log, cycle });
  },
});

