import type { ConfFile as ConfStanzas } from '../splunk/conf-file.js';

/**
 * Macro expansion as Splunk does it for `name` and `name(a, b)`: the stanza is `name` or
 * `name(<arity>)`, `args` names the parameters and `$param$` in the definition is replaced.
 */
export interface MacroDef {
  args: string[];
  definition: string;
}

export type Macros = Map<string, MacroDef>;

export function macrosFromConf(conf: ConfStanzas): Macros {
  const out: Macros = new Map();
  for (const [stanza, settings] of conf) {
    if (stanza === 'default') continue;
    const definition = settings.get('definition');
    if (definition === undefined) continue;
    const args = (settings.get('args') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    out.set(stanza, { args, definition: definition.replace(/\n/g, ' ') });
  }
  return out;
}

export class MacroError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MacroError';
  }
}

/** Expands every macro (recursively, bounded); throws naming a macro that is not defined. */
export function expandMacros(spl: string, macros: Macros, used: Set<string> = new Set(), depth = 0): string {
  if (depth > 10) throw new MacroError('macros nest more than 10 deep (a macro that calls itself?)');
  return spl.replace(/`([^`(]+)(?:\(([^`]*)\))?`/g, (_m, name: string, argText: string | undefined) => {
    const args = argText === undefined ? [] : splitArgs(argText);
    const key = args.length ? `${name}(${args.length})` : name;
    const def = macros.get(key);
    if (!def) throw new MacroError(`macro \`${key}\` is used but not defined in macros.conf`);
    used.add(key);
    let body = def.definition;
    def.args.forEach((a, i) => {
      body = body.split(`$${a}$`).join(args[i] ?? '');
    });
    return expandMacros(body, macros, used, depth + 1);
  });
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const c of s) {
    if (c === '"') quote = !quote;
    if (!quote && c === '(') depth++;
    if (!quote && c === ')') depth--;
    if (!quote && depth === 0 && c === ',') {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}
