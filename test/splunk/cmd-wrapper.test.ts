import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WRAPPER_ENTRIES, wrapperCmd } from '../../src/splunk/wrappers.js';
import { delayedExpansion, percentExpand, routines, structure, type LineShape, type Scope } from './cmd-parse.js';

/**
 * Issue 15 item 8: the .cmd wrappers survive a SPLUNK_HOME like `C:\Program Files (x86)\Splunk`.
 * No Windows here, so the generated text is put through cmd's parsing phases (cmd-parse.ts):
 * whatever the install path holds — spaces, parentheses, &, ^ and % — the block structure and the
 * command operators cmd sees must be the ones it sees for a plain path. What this cannot show:
 * that cmd.exe and node.exe behave so at run time; tools/windows/check-cmd-wrappers.ts runs the
 * wrappers under Wine's cmd.exe (a reimplementation, not Windows; not part of npm test).
 */
interface Paths {
  home: string;
  node: string;
}

function scopes(p: Paths): Record<string, Scope> {
  const appDir = `${p.home}\\etc\\apps\\TA-ser-mail`;
  const env = {
    SPLUNK_HOME: p.home,
    APP_DIR: appDir,
    TA_SER_MAIL_APP_DIR: appDir,
    TA_SER_MAIL_NODE: p.node,
    SETTING: p.node,
    CONF: `${appDir}\\local\\ta_ser_mail_settings.conf`,
    NODE: p.node,
    ONPATH: p.node,
    CANDIDATE: p.node,
    LABEL: '[node] path',
    MAJOR: '20',
    TRIED: `[node] path ${p.node} (not found)`,
    REASON: `[node] path ${p.node} (not found)`,
    ERRORLEVEL: '0',
  };
  const scriptDir = `${appDir}\\bin\\`;
  return {
    main: { env, args: [`${scriptDir}ser_report.cmd`, '--execute'], scriptDir },
    conf_node_path: { env, args: [':conf_node_path'], scriptDir },
    consider: { env, args: [':consider'], scriptDir },
  };
}

function shapes(text: string, p: Paths): Record<string, LineShape[]> {
  const s = scopes(p);
  return Object.fromEntries(routines(text).map((r) => [r.label, structure(r.lines.map((l) => percentExpand(l, s[r.label] ?? s.main!)))]));
}

const plain: Paths = { home: 'C:\\Splunk', node: 'C:\\nodejs\\node.exe' };

describe('the .cmd wrappers under cmd.exe parsing', () => {
  for (const e of WRAPPER_ENTRIES) {
    it(`${e.name}.cmd keeps its structure with SPLUNK_HOME under "Program Files (x86)"`, () => {
      const text = wrapperCmd(e);
      const base = shapes(text, plain);
      // The plain case is itself well formed: every block closes, nothing closes what it did not open.
      for (const [label, lines] of Object.entries(base)) {
        expect(lines.at(-1)?.depth ?? 0, label).toBe(0);
        expect(lines.some((l) => l.underflow), label).toBe(false);
      }
      expect(shapes(text, { home: 'C:\\Program Files (x86)\\Splunk', node: 'C:\\Program Files (x86)\\nodejs\\node.exe' })).toEqual(base);
    });
  }

  it('keeps its structure for any install path of spaces, parentheses, &, ^ and %', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9 ()&^%._-]{1,12}$/);
    const text = wrapperCmd(WRAPPER_ENTRIES[0]!);
    const base = shapes(text, plain);
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        expect(shapes(text, { home: `C:\\${a}\\Splunk`, node: `D:\\${b}\\node.exe` })).toEqual(base);
      }),
      { numRuns: 300 },
    );
  });

  it('the parse model sees the failure it guards against', () => {
    // A path expanded unquoted inside a block closes the block at "(x86)".
    const bad = ['if not defined NODE (', '  echo no node in %APP_DIR%', '  exit /b 1', ')'].join('\r\n');
    const good = ['if not defined NODE (', '  echo no node in !APP_DIR!', '  exit /b 1', ')'].join('\r\n');
    const hostile = { home: 'C:\\Program Files (x86)\\Splunk', node: 'x' };
    expect(shapes(bad, hostile)).not.toEqual(shapes(bad, plain));
    expect(shapes(good, hostile)).toEqual(shapes(good, plain));
    // The version probe: a path only quoted by doubled quotes is bare to the for-in parser.
    const probe = 'for /f "delims=" %%V in (\'""%CANDIDATE%" --version" 2^>nul\') do set "VER=%%V"';
    const hostileNode = { home: hostile.home, node: 'C:\\Program Files (x86)\\nodejs\\node.exe' };
    expect(structure([percentExpand(probe, scopes(hostileNode).consider!)])).not.toEqual(structure([percentExpand(probe, scopes(plain).consider!)]));
    // A quoted setting %-expanded as it is: its quotes end the ones around it.
    const quoted = { home: 'C:\\Program Files (x86)\\Splunk', node: '"C:\\R&D (x86)\\node.exe"' };
    const prefix = 'if /i "%SETTING:~0,12%"=="$SPLUNK_HOME" set "SETTING=%SPLUNK_HOME%%SETTING:~12%"';
    expect(shapes(prefix, quoted)).not.toEqual(shapes(prefix, plain));
  });

  it('strips the quotes an admin puts around [node] path before the value is used anywhere', () => {
    const text = wrapperCmd(WRAPPER_ENTRIES[0]!);
    const lines = text.split('\r\n');
    const strip = lines.indexOf('set "SETTING=%SETTING:"=%"');
    expect(strip).toBeGreaterThan(-1);
    // The stripping line itself keeps its structure with a quoted, hostile value, and it comes
    // before any other line that %-expands SETTING.
    const quoted = { home: 'C:\\Program Files (x86)\\Splunk', node: '"C:\\R&D (x86)\\node.exe"' };
    expect(shapes(lines[strip]!, quoted)).toEqual(shapes(lines[strip]!, plain));
    const uses = lines.flatMap((l, i) => (/%SETTING[:%]/.test(l) && i !== strip ? [i] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const i of uses) expect(i, lines[i]).toBeGreaterThan(strip);
    expect(percentExpand(lines[strip]!, { env: { SETTING: quoted.node }, args: [], scriptDir: '' })).toBe('set "SETTING=C:\\R&D (x86)\\node.exe"');
  });

  it('expands paths and splunkd\'s arguments with delayed expansion off, so a "!" in them survives', () => {
    for (const e of WRAPPER_ENTRIES) {
      const lines = wrapperCmd(e).split('\r\n');
      const on = delayedExpansion(lines);
      // %*: splunkd's arguments; %~dp0/%%~fI: the app folder; %%L: the conf value; $PATH: node.exe on PATH.
      const raw = lines.flatMap((l, i) => (/%\*|%~dp0|%%~fI|%%L"|%%~\$PATH|%TA_SER_MAIL_NODE%/.test(l) ? [i] : []));
      expect(raw.length, e.name).toBeGreaterThanOrEqual(5);
      for (const i of raw) expect(on[i], lines[i]).toBe(false);
      // And the search between them does run with it on (it relies on !VAR!).
      expect(on.some(Boolean), e.name).toBe(true);
    }
  });

  it('passes no value through `call` arguments (call expands % a second time and doubles ^)', () => {
    for (const e of WRAPPER_ENTRIES) {
      const calls = wrapperCmd(e)
        .split('\r\n')
        .flatMap((l) => [...l.matchAll(/\bcall\s+(\S+)(.*)$/gi)].map((m) => [m[1]!, m[2]!.trim()] as const));
      expect(calls.length, e.name).toBeGreaterThanOrEqual(4);
      for (const [label, rest] of calls) {
        expect(label, e.name).toMatch(/^:\w+$/);
        expect(rest, `${e.name}: call ${label}`).toBe('');
      }
    }
  });

  it('clears OPENSSL_CONF for a Node that is not Splunk\'s own, like the .sh wrappers', () => {
    for (const e of WRAPPER_ENTRIES) {
      const lines = wrapperCmd(e).split('\r\n');
      const run = lines.findIndex((l) => l.includes(`bin\\ta-ser-mail.cjs" ${e.command.join(' ')}`));
      const clear = lines.findIndex((l) => /if \/i not "!NODE!"=="!SPLUNK_HOME!\\bin\\node\.exe" set "OPENSSL_CONF="/.test(l));
      expect(clear, e.name).toBeGreaterThan(-1);
      expect(clear, e.name).toBeLessThan(run);
    }
  });
});
