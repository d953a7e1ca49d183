import { z } from 'zod';

/**
 * What the page needs to draw one input for one key of a configuration schema. Read from the
 * zod schema itself (through its JSON Schema), so the form has exactly the schema's fields and
 * a field added to a schema appears on the page without a change here.
 */
export interface FieldSpec {
  key: string;
  label: string;
  /** The schema's `.describe()` text without the "(secret: …)" note. */
  help: string;
  kind: 'text' | 'boolean' | 'select';
  options: string[];
  /** Must be given: no default and not optional. */
  required: boolean;
  /** Stored in storage/passwords, never read back. */
  secret: boolean;
  /** Several lines (a pasted PEM): the schema marks it with `.meta({ multiline: true })`. */
  multiline: boolean;
  default: string | boolean | undefined;
}

const SECRET_NOTE = /\s*\(secret[^)]*\)/i;

interface JsonProp {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: JsonProp[];
  multiline?: boolean;
}

function types(p: JsonProp | undefined): string[] {
  if (!p) return [];
  const own = p.type === undefined ? [] : Array.isArray(p.type) ? p.type : [p.type];
  return [...own, ...(p.anyOf ?? []).flatMap(types)];
}

/** "client_id" → "Client id"; pages pass nicer labels where the words need it. */
export function humanise(key: string): string {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Capitalises a description that starts with a plain word (not "http(s)://…" or a key name). */
const sentence = (s: string): string => (/^[a-z][a-z-]*[\s,;:]/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** Field specs in the schema's key order. `labels` overrides the generated labels. */
export function fieldSpecs(schema: z.ZodType, labels: Record<string, string> = {}): FieldSpec[] {
  // Both sides: output shows defaults and enums after coercion, input shows what may be
  // omitted and the spellings a string-typed .conf value may take (booleans as 1/0 too).
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp>; required?: string[] };
  const inp = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp>; required?: string[] };
  // A preprocessed field (comma lists) has no input type, so "required" comes from either side.
  const required = new Set([...(inp.required ?? []), ...(out.required ?? [])]);
  return Object.entries(out.properties ?? {}).map(([key, o]) => {
    const i = inp.properties?.[key];
    const description = o.description ?? i?.description ?? '';
    const enumValues = (o.enum ?? i?.enum)?.filter((v): v is string => typeof v === 'string');
    const isBoolean = typeof o.default === 'boolean' || types(o).includes('boolean') || types(i).includes('boolean');
    const kind: FieldSpec['kind'] = enumValues && enumValues.length > 0 ? 'select' : isBoolean ? 'boolean' : 'text';
    const def = o.default ?? i?.default;
    return {
      key,
      label: labels[key] ?? humanise(key),
      help: sentence(description.replace(SECRET_NOTE, '').trim()),
      kind,
      options: enumValues ?? [],
      required: required.has(key) && def === undefined,
      secret: SECRET_NOTE.test(description),
      multiline: o.multiline === true || i?.multiline === true,
      default: typeof def === 'boolean' ? def : def === undefined ? undefined : String(def),
    };
  });
}

/**
 * The label beside the input. "(optional)" only where leaving the field blank is a choice: a
 * required field gets the asterisk instead, one with a default shows that default, and a
 * switch is always on or off.
 */
export function displayLabel(f: FieldSpec): string {
  if (f.required || f.default !== undefined || f.kind === 'boolean') return f.label;
  return `${f.label} (optional)`;
}
