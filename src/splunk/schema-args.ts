import type { z } from 'zod';

/**
 * Reads a flat zod object schema as the list of settings Splunk sees: each field's data type,
 * description, whether it must be given, its default and whether it is a secret. The scheme
 * XML, the validation and every README/*.conf.spec are generated from this one reading.
 */
export interface SettingInfo {
  name: string;
  description: string;
  dataType: 'string' | 'number' | 'boolean';
  /** No default and not optional: splunkd must be given a value. */
  required: boolean;
  defaultValue?: unknown;
  enumValues?: string[];
  /** Integer with these bounds, when the schema says so (for Splunk's own validation). */
  integer?: boolean;
  min?: number;
  max?: number;
  /** Described as "(secret: stored in storage/passwords[, realm X])". */
  secret: boolean;
  realm?: string;
}

/** Arguments splunkd sets on every input itself: never declared in a scheme or an inputs.conf.spec. */
export const IMPLIED_PARAMS = new Set(['source', 'sourcetype', 'host', 'index', 'disabled', 'interval', 'start_by_shell', 'python.version', 'run_introspection']);

const SECRET_RE = /\(secret: stored in storage\/passwords(?:,\s*realm\s+([A-Za-z0-9_:-]+))?\)/;

type AnyDef = { type: string; [k: string]: unknown };
type AnySchema = { _zod: { def: AnyDef; bag?: Record<string, unknown> }; description?: string };

function def(s: AnySchema): AnyDef {
  return s._zod.def;
}

interface Walk {
  description?: string;
  required: boolean;
  defaultValue?: unknown;
  leaf: AnySchema;
  /** The schema under wrappers/pipes whose type decides the data type. */
  typed: AnySchema[];
}

function walk(s: AnySchema): Walk {
  const out: Walk = { required: true, leaf: s, typed: [] };
  let cur: AnySchema | undefined = s;
  for (let i = 0; cur && i < 32; i++) {
    out.description ??= cur.description;
    const d = def(cur);
    if (d.type === 'optional' || d.type === 'nullable') {
      out.required = false;
      cur = d.innerType as AnySchema;
    } else if (d.type === 'default' || d.type === 'prefault') {
      out.required = false;
      if (out.defaultValue === undefined) out.defaultValue = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      cur = d.innerType as AnySchema;
    } else if (d.type === 'pipe') {
      // preprocess(fn, T) and transform: the `in` side is what the user types unless it is a transform.
      const inn = d.in as AnySchema;
      const outS = d.out as AnySchema;
      if (def(inn).type === 'transform') cur = outS;
      else {
        out.typed.push(outS);
        cur = inn;
      }
    } else if (d.type === 'readonly' || d.type === 'catch') {
      cur = d.innerType as AnySchema;
    } else {
      out.leaf = cur;
      break;
    }
  }
  // An optional inner schema (preprocess(…, z.string().optional())) makes the field optional too.
  for (const t of [...out.typed, out.leaf]) if (def(t).type !== 'transform' && acceptsUndefined(t)) out.required = false;
  return out;
}

function acceptsUndefined(s: AnySchema): boolean {
  try {
    return (s as unknown as z.ZodType).safeParse(undefined).success;
  } catch {
    return false;
  }
}

function typeOf(schemas: AnySchema[]): { dataType: SettingInfo['dataType']; enumValues?: string[]; integer?: boolean; min?: number; max?: number } {
  for (const s of schemas) {
    const inner = walk(s).leaf;
    const d = def(inner);
    if (d.type === 'boolean') return { dataType: 'boolean' };
    if (d.type === 'number' || d.type === 'int') {
      const n = inner as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
      const min = typeof n.minValue === 'number' && Number.isFinite(n.minValue) ? n.minValue : undefined;
      const max = typeof n.maxValue === 'number' && Number.isFinite(n.maxValue) ? n.maxValue : undefined;
      const integer = n.isInt === true || d.type === 'int';
      return { dataType: 'number', integer, min, max };
    }
    if (d.type === 'enum') return { dataType: 'string', enumValues: Object.values(d.entries as Record<string, string>) };
    if (d.type === 'union') {
      const opts = (d.options as AnySchema[]).map((o) => def(walk(o).leaf).type);
      if (opts.includes('boolean')) return { dataType: 'boolean' };
      // A number-or-text field (durations: 300, 5m, 1h) takes text: declaring it a number
      // would make splunkd's REST typing and Splunk Web's form expect digits only.
      if (opts.includes('number') && !opts.includes('string')) return { dataType: 'number' };
      return { dataType: 'string' };
    }
    if (d.type === 'string' || d.type === 'array' || d.type === 'literal') return { dataType: 'string' };
  }
  return { dataType: 'string' };
}

/** The fields of a zod object schema (refinements allowed), in declaration order. */
export function settingsOf(schema: z.ZodType): SettingInfo[] {
  const shape = (schema as unknown as { shape?: Record<string, AnySchema> }).shape;
  if (!shape) throw new Error('settingsOf needs a z.object schema');
  return Object.entries(shape).map(([name, field]) => {
    const w = walk(field);
    const t = typeOf([...w.typed, w.leaf]);
    const description = (w.description ?? '').trim();
    const m = SECRET_RE.exec(description);
    return {
      name,
      description,
      required: w.required,
      ...(w.defaultValue !== undefined ? { defaultValue: w.defaultValue } : {}),
      ...t,
      secret: m !== null,
      ...(m?.[1] ? { realm: m[1] } : {}),
    };
  });
}

/** A setting's default as a .conf value. */
export function confValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** "batch_bytes" → "Batch bytes": the scheme's title of an argument. */
export function titleOf(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
