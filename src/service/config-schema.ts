import { z } from 'zod';
import { loggingSchema } from '../core/logging-config.js';
import { proxySchema } from '../core/proxy-config.js';
import { durationSeconds } from '../core/schema.js';
import { hecDestinationSchema } from '../hec/config.js';
import { mailInputSchema } from '../mail/config.js';
import { sendServiceSchema } from '../send/config.js';
import { serAccountSchema, serInputSchema } from '../ser/config.js';

/**
 * The standalone service's YAML, composed from the components' own schemas (the same ones
 * Splunk's .conf stanzas and modular-input parameters are checked with): named maps of
 * accounts, HEC destinations and send services, and the inputs that refer to them by name.
 * Only `service` is the service's own.
 */
export const serviceSettingsSchema = z
  .object({
    checkpoint_dir: z.string().min(1).default('./var/checkpoints').describe('directory of the inputs\' checkpoint files (one per input), relative to the working directory'),
    telemetry_interval: durationSeconds.default(60).describe('seconds between self-telemetry events (events delivered, retries, lag per input, last window); 0 turns them off'),
    telemetry_hec: z.string().default('').describe('HEC destination the telemetry events go to; empty: the destination of the first mail input, else of the first SER input'),
    telemetry_index: z.string().optional().describe('index of the telemetry events; default: the destination\'s index'),
    shutdown_timeout: durationSeconds.default(30).describe('on SIGTERM/SIGINT, seconds to drain in-flight events before exiting; what is not delivered by then is reported and the exit code is 1'),
  })
  .strict();

const named = <T extends z.ZodType>(schema: T) => z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a name is letters, digits, _ . - (it is also a Splunk stanza name)'), schema);

export const serviceConfigSchema = z
  .object({
    service: serviceSettingsSchema.prefault({}).describe('the standalone process itself'),
    logging: loggingSchema.strict().prefault({}).describe('logging to stderr'),
    proxy: proxySchema.strict().prefault({}).describe('outbound HTTP(S) proxy for every client (SER, HEC, send)'),
    accounts: named(serAccountSchema.strict()).default({}).describe('SER accounts by name'),
    hec: named(hecDestinationSchema.strict()).default({}).describe('HEC destinations by name'),
    send_services: named(sendServiceSchema.strict()).default({}).describe('secure send services by name (used by doctor and the alert action)'),
    inputs: z
      .object({
        ser_report: named(serInputSchema.strict()).default({}).describe('SER report inputs by name'),
        mail_metadata: named(mailInputSchema.strict()).default({}).describe('mail metadata receivers / DataPath importers by name'),
      })
      .strict()
      .prefault({})
      .describe('the inputs this process runs'),
  })
  .strict();

export { loggingSchema, proxySchema };

export type ServiceConfigInput = z.input<typeof serviceConfigSchema>;
export type ParsedServiceConfig = z.output<typeof serviceConfigSchema>;

/**
 * The fields that hold secrets, per section. In YAML each is a `{ env }` / `{ file }`
 * reference; a test checks this list against the components' "(secret: …)" descriptions so a
 * new secret field cannot be missed.
 */
export const SECRET_FIELDS = {
  accounts: ['client_secret'],
  hec: ['token'],
  send_services: ['secret', 'passphrase', 'client_cert_pem', 'client_key_pem', 'public_key_pem', 'ca_pem'],
  'inputs.ser_report': [],
  'inputs.mail_metadata': ['auth_secret'],
} as const satisfies Record<string, readonly string[]>;

export type SecretSection = keyof typeof SECRET_FIELDS;

/** The component schema of each named section, for the secret-field check and the docs. */
export const SECTION_SCHEMAS = {
  accounts: serAccountSchema,
  hec: hecDestinationSchema,
  send_services: sendServiceSchema,
  'inputs.ser_report': serInputSchema,
  'inputs.mail_metadata': mailInputSchema,
} as const;

/** Field names a schema marks as secrets in their description. */
export function describedSecretFields(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, f]) => /\(secret\b/.test((f as z.ZodType).description ?? ''))
    .map(([k]) => k);
}
