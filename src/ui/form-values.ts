import type { z } from 'zod';
import type { FieldSpec } from './schema-fields.js';

/** What the inputs hold: text as typed, switches as booleans, secrets as typed (blank = keep). */
export type FormValues = Record<string, string | boolean>;
/** Error text by field key; `_form` for a rule that spans fields and names none. */
export type FormErrors = Record<string, string>;

/** Stands in for a stored secret during validation only. */
const STORED = '(stored)';

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on', 't']);

/** A .conf boolean as the program reads it (core/schema.ts boolish); absent = the default. */
export function isOn(stored: string | undefined, fallback: boolean): boolean {
  return stored === undefined ? fallback : TRUE_WORDS.has(stored.trim().toLowerCase());
}

/** Values for the inputs from a stored stanza (or the schema defaults for a new one). */
export function initialValues(specs: FieldSpec[], stored: Record<string, string> = {}): FormValues {
  const out: FormValues = {};
  for (const f of specs) {
    const v = stored[f.key];
    if (f.secret) out[f.key] = '';
    else if (f.kind === 'boolean') out[f.key] = isOn(v, f.default === true);
    else out[f.key] = v ?? (typeof f.default === 'string' ? f.default : '');
  }
  return out;
}

/**
 * The object the schema sees: exactly what the .conf stanza and storage/passwords will hold,
 * as the program reads them (strings; blank = not set), booleans as booleans.
 */
export function candidate(specs: FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of specs) {
    const v = values[f.key];
    if (typeof v === 'boolean') out[f.key] = v;
    else if (typeof v === 'string' && v.trim() !== '') out[f.key] = f.secret ? v : v.trim();
  }
  return out;
}

/**
 * Validates with the program's own schema. A secret left blank that is already stored is
 * kept, so the schema's "required" on it does not apply.
 */
export function validate(schema: z.ZodType, specs: FieldSpec[], values: FormValues, storedSecrets: ReadonlySet<string>): FormErrors {
  // A stored secret left blank is kept: the schema's rules across fields (a file path or a
  // pasted PEM) must see it as given, so it stands in as a placeholder the page never sends.
  const c = candidate(specs, values);
  for (const key of storedSecrets) if (c[key] === undefined && specs.some((f) => f.key === key && f.secret)) c[key] = STORED;
  const result = schema.safeParse(c);
  const errors: FormErrors = {};
  if (result.success) return errors;
  const keys = new Set(specs.map((f) => f.key));
  for (const issue of result.error.issues) {
    const key = typeof issue.path[0] === 'string' && keys.has(issue.path[0]) ? issue.path[0] : '_form';
    const blank = values[key] === '' || values[key] === undefined;
    if (storedSecrets.has(key) && blank) continue;
    // A blank required field reaches the schema as a missing key; zod then speaks of types.
    // (a secret field is a union of Secret and text, so zod says invalid_union there)
    const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && key !== '_form' && candidateValue(values[key]) === undefined;
    const label = specs.find((f) => f.key === key)?.label ?? key;
    errors[key] ??= missing ? `${label} is required` : readable(issue, specs);
  }
  return errors;
}

/**
 * The schema's message as the form speaks: fields by their labels rather than their .conf keys
 * (keys with "_" only: plain words such as "from" or "host" also occur as words), a capital
 * first letter, and an example where zod's own text gives none.
 */
function readable(issue: { code: string; message: string; format?: unknown }, specs: FieldSpec[]): string {
  if (issue.code === 'invalid_format' && issue.format === 'url') return 'Invalid URL: give the full address, such as https://host.example.com';
  let text = issue.message;
  for (const f of specs) if (f.key.includes('_')) text = text.replace(new RegExp(`\\b${f.key}\\b`, 'g'), f.label);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const candidateValue = (v: string | boolean | undefined) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Stanza names: what splunkd and the inputs' references accept without quoting. */
export function nameError(name: string, taken: readonly string[]): string | undefined {
  if (name.trim() === '') return 'A name is required';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name)) return 'Use letters, digits, "_", "-" or "." (start with a letter or digit, at most 100 characters)';
  if (name === 'default') return '"default" is reserved by Splunk';
  if (taken.includes(name)) return `"${name}" already exists`;
  return undefined;
}

/**
 * The .conf keys to write. A value equal to the schema default is left out of a stanza that
 * never had the key (local/ stays small and follows a changed default on upgrade); a key the
 * stanza had is written only when it changed, a cleared one as empty (splunkd cannot remove a
 * key).
 */
export function confValues(specs: FieldSpec[], values: FormValues, previous: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of specs) {
    if (f.secret) continue;
    const v = values[f.key];
    const had = previous[f.key] !== undefined && previous[f.key] !== '';
    let text: string;
    if (typeof v === 'boolean') text = v ? 'true' : 'false';
    else if (typeof v === 'string' && v.trim() !== '') text = v.trim();
    else {
      if (had) out[f.key] = '';
      continue;
    }
    const isDefault = f.default !== undefined && (typeof v === 'boolean' ? v === f.default : text === f.default);
    if (had ? text !== previous[f.key] : !isDefault) out[f.key] = text;
  }
  return out;
}

/** Secret fields the admin typed a new value into. */
export function secretsToWrite(specs: FieldSpec[], values: FormValues): [string, string][] {
  return specs.filter((f) => f.secret && typeof values[f.key] === 'string' && values[f.key] !== '').map((f) => [f.key, values[f.key] as string]);
}
