import type { ModularInput } from './define-input.js';
import { buildSchemeXml, type InputDocument, type ParamValue, type SchemeArg } from './protocol-xml.js';
import { confValue, IMPLIED_PARAMS, settingsOf, titleOf, type SettingInfo } from './schema-args.js';
import { hasTypedSecret, MASK, zodMessage } from './settings.js';

/** The arguments an input declares to splunkd: every schema field but the ones splunkd implies. */
export function declaredSettings(input: ModularInput): SettingInfo[] {
  return settingsOf(input.schema).filter((s) => !IMPLIED_PARAMS.has(s.name));
}

// Splunk Web shows the title as the field's label: initialisms read as admins write them.
const INITIALISMS = new Set(['api', 'ca', 'hec', 'http', 'https', 'id', 'jwt', 'kv', 'mb', 'ser', 'tls', 'url', 'urls']);

export function argTitle(name: string): string {
  return titleOf(name)
    .split(' ')
    .map((w) => (INITIALISMS.has(w.toLowerCase()) ? (w.toLowerCase() === 'urls' ? 'URLs' : w.toUpperCase()) : w))
    .join(' ');
}

function describeSetting(s: SettingInfo): string {
  const parts = [/[.!?]$/.test(s.description) ? s.description : `${s.description}.`];
  if (s.enumValues) parts.push(`One of: ${s.enumValues.join(', ')}.`);
  if (s.defaultValue !== undefined && confValue(s.defaultValue) !== '') parts.push(`Default: ${confValue(s.defaultValue)}.`);
  return parts.join(' ');
}

/** Splunk's own check of an integer argument, when the schema's bounds match one it knows. */
function splunkValidation(s: SettingInfo): string | undefined {
  if (s.dataType !== 'number' || !s.integer || s.min === undefined) return undefined;
  if (s.min >= 1) return `is_pos_int('${s.name}')`;
  if (s.min === 0) return `is_nonneg_int('${s.name}')`;
  return undefined;
}

export function schemeArgs(input: ModularInput): SchemeArg[] {
  return declaredSettings(input).map((s) => ({
    name: s.name,
    title: argTitle(s.name),
    description: describeSetting(s),
    dataType: s.dataType,
    // A secret may already be in storage/passwords, so the form never demands it.
    requiredOnCreate: s.required && !(s.name in input.secrets) && !s.secret,
    requiredOnEdit: false,
    ...(splunkValidation(s) ? { validation: splunkValidation(s) } : {}),
  }));
}

export function schemeXml(input: ModularInput): string {
  return buildSchemeXml({
    title: input.title,
    description: input.description,
    useExternalValidation: true,
    useSingleInstance: false,
    streamingMode: 'xml',
    args: schemeArgs(input),
  });
}

/** Secret params of an input: the declared map plus fields described as secrets (default realm per kind). */
export function secretParams(input: ModularInput): Record<string, string> {
  const out: Record<string, string> = { ...input.secrets };
  for (const s of settingsOf(input.schema)) if (s.secret && !(s.name in out)) out[s.name] = s.realm ?? `ta_ser_mail_${input.kind}`;
  return out;
}

/** Splunk's strings as the flat schema takes them: param_list values become a comma list. */
export function flatParams(params: Record<string, ParamValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
}

/**
 * splunkd's implied params as the events take them: `index = default` and
 * `host = $decideOnStartup` mean "not set" (splunkd's own choice applies), so both inputs leave
 * <index>/<host> out of XML events and HEC events fall back to the destination's defaults.
 */
export function effectiveParams(params: Record<string, ParamValue>): Record<string, ParamValue> {
  const out = { ...params };
  if (typeof out.index === 'string' && (out.index.trim() === '' || out.index.trim() === 'default')) delete out.index;
  if (typeof out.host === 'string' && (out.host.trim() === '' || out.host.trim() === '$decideOnStartup')) delete out.host;
  return out;
}

const STORED_ELSEWHERE = 'stored-in-storage-passwords';

export type ParseResult = { ok: true; config: Record<string, unknown> } | { ok: false; message: string };

/**
 * Validates one stanza's params. Run mode passes `secrets`, the values read from
 * storage/passwords; without it (validation) a secret that is masked or empty is not checked,
 * because it may be stored already.
 */
export function parseParams(input: ModularInput, name: string, params: Record<string, ParamValue>, secrets?: Record<string, string>): ParseResult {
  const raw: Record<string, unknown> = flatParams(params);
  for (const field of Object.keys(secretParams(input))) {
    const v = raw[field] as string | undefined;
    if (secrets) {
      if (field in secrets) raw[field] = secrets[field];
      else delete raw[field];
    }
    // Validation: not typed here: it is (or will be) in storage/passwords; stand in for it so the rest is checked.
    else if (!hasTypedSecret(v)) raw[field] = STORED_ELSEWHERE;
  }
  const parsed = input.schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: zodMessage(parsed.error, `${input.kind}://${name}`) };
  try {
    const extra = input.validate?.(parsed.data);
    if (typeof extra === 'string' && extra) return { ok: false, message: `${input.kind}://${name}: ${extra}` };
  } catch (err) {
    return { ok: false, message: `${input.kind}://${name}: ${(err as Error).message}` };
  }
  return { ok: true, config: parsed.data as Record<string, unknown> };
}

/** --validate-arguments, schema part: the first refusal, or the parsed items when every one is valid. */
export function validateDocument(input: ModularInput, doc: InputDocument): string | undefined {
  const r = parseItems(input, doc);
  return typeof r === 'string' ? r : undefined;
}

export interface ValidationItem {
  name: string;
  config: Record<string, unknown>;
  /** Secret params typed into the form (the others must be in storage/passwords already). */
  typedSecrets: string[];
}

export function parseItems(input: ModularInput, doc: InputDocument): string | ValidationItem[] {
  if (doc.stanzas.length === 0) return 'splunkd sent no <item> to validate';
  const out: ValidationItem[] = [];
  for (const item of doc.stanzas) {
    const name = item.name.replace(/^[^:]+:\/\//, '');
    const r = parseParams(input, name, effectiveParams(item.params));
    if (!r.ok) return r.message;
    out.push({ name, config: r.config, typedSecrets: Object.keys(secretParams(input)).filter((f) => hasTypedSecret(flatParams(item.params)[f])) });
  }
  return out;
}

export { MASK };
