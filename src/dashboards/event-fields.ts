import type { z } from 'zod';

/**
 * The field names Splunk gives an event body at search time with `KV_MODE = json`, derived
 * from the zod schema the code emits it with: nested objects become `a.b`, arrays of values
 * `a{}`, arrays of objects `a{}.b`. A record (free keys) becomes the pattern `a.*`.
 */
interface ZodInternal {
  _zod: { def: Record<string, unknown> & { type: string } };
}

export function jsonFieldNames(schema: z.ZodType): string[] {
  const out = new Set<string>();
  walk(schema as unknown as ZodInternal, '', out, 0);
  return [...out].sort();
}

function walk(node: ZodInternal, prefix: string, out: Set<string>, depth: number): void {
  if (depth > 20) throw new Error(`schema nests deeper than 20 levels at ${prefix}`);
  const def = node._zod.def;
  switch (def.type) {
    case 'object': {
      const shape = (typeof def.shape === 'function' ? (def.shape as () => unknown)() : def.shape) as Record<string, ZodInternal>;
      for (const [k, v] of Object.entries(shape)) walk(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
      return;
    }
    case 'array':
      walk(def.element as ZodInternal, `${prefix}{}`, out, depth + 1);
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      walk(def.innerType as ZodInternal, prefix, out, depth + 1);
      return;
    case 'pipe':
      walk(def.out as ZodInternal, prefix, out, depth + 1);
      return;
    case 'lazy':
      walk((def.getter as () => ZodInternal)(), prefix, out, depth + 1);
      return;
    case 'union':
      for (const o of def.options as ZodInternal[]) walk(o, prefix, out, depth + 1);
      return;
    case 'intersection':
      walk(def.left as ZodInternal, prefix, out, depth + 1);
      walk(def.right as ZodInternal, prefix, out, depth + 1);
      return;
    case 'record':
      out.add(`${prefix}.*`);
      return;
    default:
      if (prefix) out.add(prefix);
  }
}

/** True when `field` is one of `names`, allowing prefix patterns (`a.*`, `header_*`). */
export function fieldMatches(field: string, names: Iterable<string>): boolean {
  for (const n of names) {
    if (n === field) return true;
    if (n.endsWith('*') && field.startsWith(n.slice(0, -1))) return true;
  }
  return false;
}
