import { ConfigError } from '../../core/errors.js';
import { mailInputSchema, MAIL_SECRET_REALM } from '../../mail/config.js';
import { checkMailFiles, checkMailInput, startMailInput } from '../../mail/input.js';
import { defineModularInput } from '../define-input.js';
import { checkDestination } from './check-destination.js';

/**
 * `[mail_metadata://<name>]`: the connector receiver and/or DataPath importer inside Splunk.
 * One long-running process per stanza (interval 0 restarts it if it ever exits); it stops on
 * splunkd's SIGTERM, after in-flight requests are answered. The receiver's figures line
 * (`[mail_metadata://name] mail receiver figures {…}`: every 5 min with traffic, hourly when
 * idle) goes to splunkd.log through ctx.log; `running.stop()` below writes the last one.
 */
export default defineModularInput({
  kind: 'mail_metadata',
  title: 'Mail metadata (EWS/AD connector receiver)',
  description: 'Receives the Yva-format Mails and Users APIs that EWS and AD connectors post to (or imports their DataPath folder) and indexes CIM Email message events and identity events',
  schema: mailInputSchema,
  secrets: { auth_secret: MAIL_SECRET_REALM },
  validate(config) {
    // At validation the secret may be typed into the form or already stored: only its need is checked here.
    try {
      checkMailInput(config, true);
      checkMailFiles(config);
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return undefined;
  },
  // Splunk Web refuses, as for ser_report, an input whose HEC destination is missing or lacks
  // its token, and one whose receiver needs auth_secret that is neither typed nor stored.
  async check(config, ctx) {
    await checkDestination(config, ctx);
    checkMailInput(config, await ctx.hasSecret('auth_secret'));
  },
  async run(ctx) {
    const sink = await ctx.openSink();
    const checkpoints = await ctx.checkpoints();
    const running = await startMailInput({
      name: ctx.name,
      config: ctx.config,
      secret: ctx.config.auth_secret,
      sink,
      checkpoints,
      log: ctx.log,
    });
    let failure: unknown;
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      // An importer that stops on its own (unreadable checkpoint) ends the input with its error.
      running.done.catch((err: unknown) => {
        failure = err;
        resolve();
      });
    });
    // The runner closes the sink after run returns; that also ends an import waiting on HEC.
    await running.stop();
    if (failure !== undefined) throw failure;
  },
});
