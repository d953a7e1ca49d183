/**
 * Modular inputs, defined once from a zod schema. How to add a kind (e.g. mail_metadata):
 *
 *   // src/splunk/inputs/mail-metadata.ts
 *   export default defineModularInput({
 *     kind: 'mail_metadata',                  // the scheme: [mail_metadata://<name>], bin/mail_metadata.sh
 *     title: 'Mail metadata', description: '…',
 *     schema: mailInputSchema,                // flat z.object, every field .describe()d
 *     secrets: { auth_secret: MAIL_SECRET_REALM },   // secret param → storage/passwords realm (username = input name)
 *     validate: (config) => { if (…) return 'listen_port …'; },   // optional, beyond the schema
 *     check: async (config, ctx) => { await ctx.settings.hec(config.hec); },   // optional, at
 *                                             // --validate-arguments with splunkd: a throw refuses
 *     async run(ctx) {                        // one call per stanza; return when done or ctx.signal aborts
 *       const sink = await ctx.openSink();    // HEC destination named by `hec`, or XML on stdout (`output = xml`)
 *       const cp = await ctx.checkpoints();   // file in checkpoint_dir or KV store (`checkpoint_store`)
 *       ctx.config.auth_secret;               // a Secret (moved from the param into storage/passwords if typed)
 *       await ctx.settings.hec('name');       // named settings + secrets (also .account, .sendService, .proxy)
 *       … ctx.log.info('…');                  // stderr → splunkd.log with the level word
 *     },
 *   });
 *
 * and one line in src/splunk/inputs/index.ts. From that: `--scheme` (scheme XML, data types,
 * required flags and descriptions from the schema), `--validate-arguments` (the schema's and
 * `validate`'s messages as <error>), run mode (the <input> document), and
 * README/inputs.conf.spec (npm run generate) all follow.
 * Fields `output` (hec|xml) and `checkpoint_store` (file|kvstore) are added when the schema
 * has none. Secret params whose value is typed are moved to storage/passwords and masked in
 * inputs.conf at the start of the run.
 */
import { z } from 'zod';
import type { CheckpointStore } from '../core/checkpoint.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import type { Sink } from '../core/sink.js';
import type { LoadedAccount, LoadedHecDestination, LoadedSendService } from './named-settings.js';
import type { ProxySettings } from '../core/http.js';
import type { ProxyConfig } from '../core/proxy-config.js';
import type { SplunkdClient } from './splunkd-client.js';

export const commonInputFields = {
  output: z.enum(['hec', 'xml']).default('hec').describe('hec: deliver through the named HEC destination; xml: Splunk modular-input XML stream on stdout'),
  checkpoint_store: z
    .enum(['file', 'kvstore'])
    .default('file')
    .describe('where the input remembers its place: a file in the checkpoint directory, or the KV store (search head clusters)'),
};

export interface CommonInputConfig {
  output: 'hec' | 'xml';
  checkpoint_store: 'file' | 'kvstore';
  hec?: string;
}

export interface InputSettings {
  account(name: string): Promise<LoadedAccount>;
  hec(name: string): Promise<LoadedHecDestination>;
  sendService(name: string): Promise<LoadedSendService>;
  proxy(): Promise<ProxyConfig & ProxySettings>;
}

export interface InputContext<C> {
  kind: string;
  /** The input's name (after `kind://`). */
  name: string;
  /** `kind://name`. */
  stanza: string;
  app?: string;
  /** Parsed with the schema; secret fields are `Secret`. */
  config: C;
  /** Every param splunkd passed, as text, including the implied index, host, interval, sourcetype. */
  params: Record<string, string>;
  serverHost: string;
  serverUri: string;
  checkpointDir: string;
  splunkd: SplunkdClient;
  settings: InputSettings;
  log: Logger;
  /** Aborted when splunkd stops the input (SIGTERM) or the process shuts down. */
  signal: AbortSignal;
  /** The sink chosen by `output` (HEC destination `hec`, or the XML stream); closed by the runner after run. */
  openSink(): Promise<Sink>;
  /** The store chosen by `checkpoint_store`. */
  checkpoints(): Promise<CheckpointStore>;
}

export type SecretFields<C, K extends string> = Omit<C, K> & { [P in K & keyof C]: undefined extends C[P] ? Secret | undefined : Secret };

export interface ModularInputSpec<S extends z.ZodObject, K extends string = never> {
  kind: string;
  title: string;
  description: string;
  schema: S;
  secrets?: Record<K, string>;
  /** Checks beyond the schema; return (or throw) a message naming the field to refuse. */
  validate?(config: z.output<S>): string | undefined | void;
  /**
   * Checks against splunkd at --validate-arguments (named settings exist, their secrets are
   * stored); a thrown error's message is what Splunk Web shows.
   */
  check?(config: z.output<S>, ctx: CheckContext): Promise<void>;
  run(ctx: InputContext<SecretFields<z.output<S>, K> & CommonInputConfig>): Promise<void>;
}

export interface CheckContext {
  name: string;
  settings: InputSettings;
  log: Logger;
  /**
   * Whether the input's own secret param `field` will be there at run time: typed into the
   * form now (moved to storage/passwords at the first run), or stored already.
   */
  hasSecret(field: string): Promise<boolean>;
}

export interface ModularInput {
  kind: string;
  title: string;
  description: string;
  /** The schema with the common fields added. */
  schema: z.ZodObject;
  /** Secret param → realm. */
  secrets: Record<string, string>;
  validate?(config: unknown): string | undefined | void;
  check?(config: unknown, ctx: CheckContext): Promise<void>;
  run(ctx: InputContext<never>): Promise<void>;
}

/** splunkd's `interval`: `0` restarts the script as soon as it exits; seconds or a cron schedule start one run each time. */
export function isLongLived(interval: string | undefined): boolean {
  return interval !== undefined && /^\s*0+(\.0*)?\s*$/.test(interval);
}

const KIND_RE = /^[0-9a-zA-Z][0-9a-zA-Z_-]*$/;
const RESERVED = new Set(['batch', 'fifo', 'monitor', 'script', 'splunktcp', 'tcp', 'udp']);

export function defineModularInput<S extends z.ZodObject, K extends string = never>(spec: ModularInputSpec<S, K>): ModularInput {
  if (!KIND_RE.test(spec.kind) || RESERVED.has(spec.kind)) throw new Error(`"${spec.kind}" cannot be a modular input scheme name`);
  const shape = spec.schema.shape as Record<string, unknown>;
  const missing = Object.fromEntries(Object.entries(commonInputFields).filter(([k]) => !(k in shape)));
  const schema = Object.keys(missing).length > 0 ? spec.schema.safeExtend(missing) : spec.schema;
  return {
    kind: spec.kind,
    title: spec.title,
    description: spec.description,
    schema: schema as z.ZodObject,
    secrets: (spec.secrets ?? {}) as Record<string, string>,
    validate: spec.validate as ModularInput['validate'],
    check: spec.check as ModularInput['check'],
    run: spec.run as ModularInput['run'],
  };
}
