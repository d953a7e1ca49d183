/**
 * What cmd.exe does to a batch line before it runs it, as far as a wrapper's safety depends
 * on it (there is no Windows here; the rules are cmd's documented parsing phases):
 * 1. percent expansion: %VAR%, %~n / %n (arguments), %~dp0, %*, %% → %, before any parsing;
 * 2. special characters: `"` toggles quoting; outside quotes `^` escapes the next character,
 *    `(` / `)` open and close blocks (a block spans lines until it closes), and `& | < >`
 *    split or redirect commands.
 * Delayed expansion (!VAR!) happens after that, so values expanded there cannot change the
 * structure; values expanded with %…% can. `structure` returns, per line, what phase 2 saw:
 * the block depth at its end, where a block closed, and the unquoted operators.
 */
export interface Scope {
  env: Record<string, string>;
  /** %0..%9 of the routine the line belongs to (%0 = the script or the label). */
  args: string[];
  /** %~dp0: the script's folder with a trailing backslash. */
  scriptDir: string;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function lookup(env: Record<string, string>, name: string): string | undefined {
  return env[name] ?? env[Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''];
}

/** %VAR:~start,length% (negative counts from the end) and %VAR:old=new% (old matched case-insensitively). */
function modify(value: string, mod: string): string {
  const sub = /^~(-?\d+)(?:,(-?\d+))?$/.exec(mod);
  if (sub) {
    const start = Number(sub[1]);
    const from = start < 0 ? Math.max(0, value.length + start) : Math.min(start, value.length);
    if (sub[2] === undefined) return value.slice(from);
    const len = Number(sub[2]);
    return len < 0 ? value.slice(from, Math.max(from, value.length + len)) : value.slice(from, from + len);
  }
  const eq = mod.indexOf('=');
  const old = mod.slice(0, eq);
  if (old === '') return value;
  const esc = old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return value.replace(new RegExp(esc, 'gi'), () => mod.slice(eq + 1));
}

export function percentExpand(line: string, scope: Scope): string {
  return line.replace(
    /%%|%~dp0|%~(\d)|%(\d)|%\*|%([A-Za-z_][A-Za-z0-9_]*)(?::(~-?\d+(?:,-?\d+)?|[^%=]+=[^%]*))?%/g,
    (m, tilde?: string, plain?: string, name?: string, mod?: string) => {
      if (m === '%%') return '%';
      if (m === '%~dp0') return scope.scriptDir;
      if (m === '%*') return scope.args.slice(1).join(' ');
      if (tilde !== undefined) return unquote(scope.args[Number(tilde)] ?? '');
      if (plain !== undefined) return scope.args[Number(plain)] ?? '';
      // An undefined variable expands to nothing in a batch file (the wrappers never apply a
      // modifier to an undefined one: they test `defined` first and goto past the line).
      const value = lookup(scope.env, name!) ?? '';
      return mod === undefined ? value : modify(value, mod);
    },
  );
}

/**
 * Whether delayed expansion (!VAR!) is on for each line, following `setlocal` switches in
 * order (a script's lines, not its control flow). cmd applies it after %-expansion, so on a
 * line where it is on, every "!" that %-expansion brought in (a path, splunkd's arguments
 * through %*) is eaten.
 */
export function delayedExpansion(lines: string[]): boolean[] {
  let on = false;
  return lines.map((line) => {
    const m = /^\s*setlocal\b(.*)$/i.exec(line);
    if (m && /\bEnableDelayedExpansion\b/i.test(m[1]!)) on = true;
    if (m && /\bDisableDelayedExpansion\b/i.test(m[1]!)) on = false;
    return on;
  });
}

export interface LineShape {
  /** Block depth after the line (0: the command ends with the line). */
  depth: number;
  /** Offsets of unquoted ( and ) in order, as +1 / -1 (where the structure changes). */
  parens: number[];
  /** Unquoted & | < > characters, in order. */
  operators: string;
  /** The depth went below zero: a ) closed a block the line did not open. */
  underflow: boolean;
}

/** Phase 2 over a script's lines (already percent-expanded), carrying block depth across lines. */
export function structure(lines: string[]): LineShape[] {
  let depth = 0;
  return lines.map((line) => {
    const shape: LineShape = { depth: 0, parens: [], operators: '', underflow: false };
    const trimmed = line.trimStart();
    // Labels and top-level comments are not parsed further.
    if (depth === 0 && (trimmed.startsWith(':') || /^rem(\s|$)/i.test(trimmed) || trimmed === '')) {
      shape.depth = depth;
      return shape;
    }
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === '"') quoted = !quoted;
      else if (quoted) continue;
      else if (c === '^') i++;
      else if (c === '(') {
        depth++;
        shape.parens.push(1);
      } else if (c === ')' && depth > 0) {
        depth--;
        shape.parens.push(-1);
      } else if (c === ')' && depth === 0 && shape.parens.length > 0) shape.underflow = true;
      else if ('&|<>'.includes(c)) shape.operators += c;
    }
    shape.depth = depth;
    return shape;
  });
}

/** Splits a .cmd text into routines: the main part (scope 'main') and each `:label` to the next. */
export function routines(text: string): Array<{ label: string; lines: string[] }> {
  const out: Array<{ label: string; lines: string[] }> = [{ label: 'main', lines: [] }];
  for (const line of text.split('\r\n')) {
    const m = /^:(\w+)\s*$/.exec(line);
    if (m) out.push({ label: m[1]!, lines: [] });
    out.at(-1)!.lines.push(line);
  }
  return out;
}
