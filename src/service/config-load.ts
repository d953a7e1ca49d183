import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import type { HecDestination } from '../hec/config.js';
import type { MailInputConfig } from '../mail/config.js';
import { checkMailInput } from '../mail/input.js';
import type { SendServiceConfig } from '../send/config.js';
import type { SerAccount } from '../ser/config.js';
import { SECRET_FIELDS, SECTION_SCHEMAS, serviceConfigSchema, type ParsedServiceConfig, type SecretSection } from './config-schema.js';
import { resolveSecretRef, secretRefSchema, type ResolveContext } from './secret-ref.js';

/** A parsed type whose secret fields hold `Secret` instead of the plain string. */
export type WithSecrets<T, K extends keyof T> = Omit<T, K> & { [P in K]: undefined extends T[P] ? Secret | undefined : Secret };

export interface ServiceConfig extends Omit<ParsedServiceConfig, 'accounts' | 'hec' | 'send_services' | 'inputs'> {
  accounts: Record<string, WithSecrets<SerAccount, 'client_secret'>>;
  hec: Record<string, WithSecrets<HecDestination, 'token'>>;
  send_services: Record<string, WithSecrets<SendServiceConfig, 'secret' | 'passphrase'>>;
  inputs: {
    ser_report: ParsedServiceConfig['inputs']['ser_report'];
    mail_metadata: Record<string, WithSecrets<MailInputConfig, 'auth_secret'>>;
  };
  /** The file it came from (absolute), for messages. */
  file: string;
}

/** One readable line naming every bad field by its YAML path. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 8).map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  const more = issues.length > 8 ? `; and ${issues.length - 8} more` : '';
  return `${file}: ${parts.join('; ')}${more}`;
}

const STAND_IN = 'stand-in-for-a-secret';
const PROBE = new Secret('probe');

function takesSecret(section: SecretSection, field: string): boolean {
  // The component schema of the section says whether the field takes a `Secret` as it is.
  const shape = (SECTION_SCHEMAS[section] as { shape: Record<string, z.ZodType | undefined> }).shape;
  return shape[field]?.safeParse(PROBE).success === true;
}

function sectionEntries(raw: Record<string, unknown>, section: SecretSection): Array<[string, Record<string, unknown>]> {
  const parts = section.split('.');
  let node: unknown = raw;
  for (const p of parts) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined;
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node as Record<string, unknown>).filter((e): e is [string, Record<string, unknown>] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]));
}

/**
 * Parses a YAML text into the service configuration. Secrets are references, resolved here
 * (the environment and files are read once, at start); an inline secret is refused, so the
 * file can be shared and committed without leaking anything.
 */
export function parseServiceConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true }) ?? {};
  } catch (err) {
    // The first line says what and where (line, column); the rest quotes the file, which the one-line error must not repeat.
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw new ConfigError(`${file}: the top level must be a map (service:, hec:, accounts:, inputs: …)`);
  const copy = structuredClone(raw) as Record<string, unknown>;
  dropEmptySections(copy);
  const ctx: ResolveContext = { env, baseDir: dirname(file) };
  // Secrets the component's schema cannot take as a Secret (a plain text field) are parsed as a
  // stand-in and set afterwards; the others go in as the Secret itself. Nothing is revealed.
  const later = new Map<string, Secret>();
  const problems: string[] = [];
  for (const section of Object.keys(SECRET_FIELDS) as SecretSection[]) {
    for (const [name, entry] of sectionEntries(copy, section)) {
      for (const field of SECRET_FIELDS[section] as readonly string[]) {
        const v = entry[field];
        if (v === undefined || v === null || v === '') continue;
        const path = `${section}.${name}.${field}`;
        const ref = secretRefSchema.safeParse(v);
        if (!ref.success) {
          problems.push(`${path}: a secret is never written in the file; give { env: VARIABLE } or { file: /path/to/file }`);
          continue;
        }
        try {
          const s = resolveSecretRef(ref.data, path, ctx);
          if (takesSecret(section, field)) entry[field] = s;
          else {
            entry[field] = STAND_IN;
            later.set(path, s);
          }
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }
  }
  if (problems.length) throw new ConfigError(`${file}: ${problems.join('; ')}`);
  const parsed = serviceConfigSchema.safeParse(copy);
  if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error.issues));
  const cfg = { ...parsed.data, file } as ServiceConfig;
  for (const [path, secret] of later) {
    const [field, name, ...section] = path.split('.').reverse();
    const entry = sectionEntries(cfg as unknown as Record<string, unknown>, section.reverse().join('.') as SecretSection).find(([n]) => n === name)?.[1];
    if (entry) entry[field!] = secret;
  }
  checkReferences(cfg, file);
  return cfg;
}

export function loadServiceConfig(path: string, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // The code says it all (ENOENT, EACCES); the cause would repeat it in the one-line message.
    throw new ConfigError(`configuration file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseServiceConfig(text, file, env);
}

/** A section whose settings are all commented out is `null` in YAML: it means "all defaults". */
function dropEmptySections(o: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) if (v === null) delete o[k];
  const inputs = o.inputs;
  if (inputs && typeof inputs === 'object') for (const [k, v] of Object.entries(inputs)) if (v === null) delete (inputs as Record<string, unknown>)[k];
}

/** Names that point at nothing are errors at load time, not at the first poll an hour later. */
function checkReferences(cfg: ServiceConfig, file: string): void {
  const bad: string[] = [];
  const hecNames = Object.keys(cfg.hec);
  const known = (kind: string, names: string[], name: string, path: string) => {
    if (!names.includes(name)) bad.push(`${path}: no ${kind} named "${name}" (known: ${names.join(', ') || 'none'})`);
  };
  for (const [name, input] of Object.entries(cfg.inputs.ser_report)) {
    known('SER account under accounts:', Object.keys(cfg.accounts), input.account, `inputs.ser_report.${name}.account`);
    if (input.output !== 'hec') bad.push(`inputs.ser_report.${name}.output: the standalone service delivers through HEC (output = xml is for inputs inside Splunk)`);
    else known('HEC destination under hec:', hecNames, input.hec, `inputs.ser_report.${name}.hec`);
    if (input.checkpoint_store !== 'file') bad.push(`inputs.ser_report.${name}.checkpoint_store: the standalone service keeps checkpoints in files (the KV store is for inputs inside Splunk)`);
  }
  for (const [name, input] of Object.entries(cfg.inputs.mail_metadata)) {
    known('HEC destination under hec:', hecNames, input.hec, `inputs.mail_metadata.${name}.hec`);
    // The receiver's own start-up rules (TLS off loopback, a secret for static tokens …), here so doctor reports them too.
    try {
      checkMailInput(input, input.auth_secret !== undefined && !input.auth_secret.isEmpty);
    } catch (err) {
      bad.push(`inputs.mail_metadata.${name}: ${(err as Error).message}`);
    }
  }
  if (cfg.service.telemetry_hec) known('HEC destination under hec:', hecNames, cfg.service.telemetry_hec, 'service.telemetry_hec');
  if (bad.length) throw new ConfigError(`${file}: ${bad.join('; ')}`);
}
