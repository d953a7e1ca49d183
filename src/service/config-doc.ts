import { stringify } from 'yaml';
import type { z } from 'zod';
import { loggingSchema, proxySchema, SECRET_FIELDS, SECTION_SCHEMAS, serviceSettingsSchema, type SecretSection } from './config-schema.js';

/**
 * Renders default/config.yaml from the schemas, so the documented file lists every setting
 * with its meaning and default and cannot drift from what the program accepts (a test
 * compares the committed file with this output). Example values fill the settings that have
 * no default; secrets are always references.
 */
const EXAMPLES: Record<SecretSection | 'service' | 'logging' | 'proxy', { name?: string; values: Record<string, unknown> }> = {
  service: { values: {} },
  logging: { values: {} },
  proxy: { values: {} },
  hec: { name: 'main', values: { urls: 'https://splunk-hec.example.com:8088', token: { env: 'TA_SER_MAIL_HEC_TOKEN' }, ack: true } },
  accounts: { name: 'production', values: { client_id: 'your-ser-api-key', client_secret: { env: 'TA_SER_MAIL_SER_CLIENT_SECRET' } } },
  send_services: {
    name: 'mailer',
    values: {
      host: 'send.example.com',
      client_cert_file: '/etc/ta-ser-mail/client.crt',
      client_key_file: '/etc/ta-ser-mail/client.key',
      passphrase: { env: 'TA_SER_MAIL_SEND_KEY_PASSPHRASE' },
      secret: { env: 'TA_SER_MAIL_SEND_SECRET' },
      from: 'alerts@example.com',
    },
  },
  'inputs.ser_report': { name: 'production', values: { account: 'production', hec: 'main' } },
  'inputs.mail_metadata': { name: 'exchange', values: { hec: 'main', auth_mode: 'static', auth_secret: { env: 'TA_SER_MAIL_RECEIVER_TOKEN' } } },
};

const HEADER = `# TA-ser-mail standalone service: \`ta-ser-mail run --config <this file>\`
# (also read by \`ta-ser-mail doctor --config <this file>\`).
#
# Generated from the configuration schemas (src/service/config-doc.ts): every setting is
# listed with its meaning. Commented-out settings show their default; uncomment to change.
# Durations take seconds or a unit: 250ms, 30s, 5m, 2h, 1d.
#
# Secrets are NEVER written in this file. Give each one as a reference:
#   token: { env: TA_SER_MAIL_HEC_TOKEN }          # an environment variable
#   token: { file: /run/secrets/hec_token }         # a file (trailing newline ignored);
#                                                   # relative paths are relative to this file
# The same settings exist in Splunk as .conf stanzas (see docs/ARCHITECTURE.md).
`;

function comment(text: string, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + w.length + 1 > 92 - indent.length) {
      lines.push(`${indent}# ${cur}`);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(`${indent}# ${cur}`);
  return lines;
}

function scalar(v: unknown): string {
  return stringify(v, { flow: true } as never).trim();
}

function defaultOf(f: z.ZodType): { has: boolean; value?: unknown } {
  const def = (f as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
  if (def.type === 'default' || def.type === 'prefault') return { has: true, value: def.defaultValue };
  return { has: false };
}

function fields(schema: z.ZodObject, values: Record<string, unknown>, secrets: readonly string[], indent: string): string[] {
  const out: string[] = [];
  for (const [key, f] of Object.entries(schema.shape)) {
    const field = f as z.ZodType;
    const desc = (field.description ?? '').replace(/\s*\(secret: stored in storage\/passwords[^)]*\)/, '');
    out.push(...comment(desc, indent));
    if (secrets.includes(key)) out.push(`${indent}# SECRET: give { env: VARIABLE } or { file: path }, never the value itself`);
    const d = defaultOf(field);
    if (key in values) out.push(`${indent}${key}: ${scalar(values[key])}`);
    else if (d.has) out.push(`${indent}# ${key}: ${d.value === '' ? '""' : scalar(d.value)}`);
    else if (field.isOptional()) out.push(`${indent}# ${key}:`);
    else throw new Error(`config-doc: required setting ${key} has no example value`);
  }
  return out;
}

export function renderConfigDoc(): string {
  const lines: string[] = [HEADER];
  const block = (key: string, title: string, schema: z.ZodObject, ex: { values: Record<string, unknown> }) => {
    lines.push('', ...comment(title, ''), `${key}:`, ...fields(schema, ex.values, [], '  '));
  };
  block('service', 'The standalone process itself.', serviceSettingsSchema, EXAMPLES.service);
  block('logging', 'Logging to stderr (lines start with the level word Splunk understands).', loggingSchema, EXAMPLES.logging);
  block('proxy', 'Outbound HTTP(S) proxy, used by every client (SER, HEC, send service).', proxySchema, EXAMPLES.proxy);
  const named = (section: SecretSection, title: string) => {
    const ex = EXAMPLES[section];
    const [parent, child] = section.split('.');
    const indent = child ? '    ' : '  ';
    if (child) lines.push('', ...comment(title, '  '), `  ${child}:`);
    else lines.push('', ...comment(title, ''), `${parent}:`);
    lines.push(`${indent}${ex.name}:`, ...fields(SECTION_SCHEMAS[section] as z.ZodObject, ex.values, SECRET_FIELDS[section], `${indent}  `));
  };
  named('hec', 'HEC destinations, by name: where events go. Inputs name one with `hec: <name>`. Add more entries for more destinations.');
  named('accounts', 'SER accounts, by name: credentials and API. One account = one token, one rate limit, shared by its inputs.');
  named('send_services', 'Secure send services, by name (checked by doctor; used by the alert action).');
  lines.push('', '# The inputs this process runs. Remove a block to turn that input off.', 'inputs:');
  named('inputs.ser_report', 'SER report inputs, by name: one per account usually. The checkpoint is <service.checkpoint_dir>/ser_<input>__<account>.json.');
  named('inputs.mail_metadata', 'Mail metadata inputs, by name: the receiver EWS/AD connectors post to, and/or a DataPath importer.');
  return `${lines.join('\n')}\n`;
}
