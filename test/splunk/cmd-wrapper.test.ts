import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WRAPPER_ENTRIES, wrapperCmd } from '../../src/splunk/wrappers.js';
import { percentExpand, routines, structure, type LineShape, type Scope } from './cmd-parse.js';

/**
 * Issue 15 item 8: the .cmd wrappers survive a SPLUNK_HOME like `C:\Program Files (x86)\Splunk`.
 * No Windows here, so the generated text is put through cmd's parsing phases (cmd-parse.ts):
 * whatever the install path holds — spaces, parentheses, & and ^ — the block structure and the
 * command operators cmd sees must be the ones it sees for a plain path. What this cannot show:
 * that cmd.exe, node.exe and `where` behave as documented at run time (not run here).
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
    NODE: p.node,
    ONPATH: p.node,
    TRIED: `, [node] path ${p.node} (not found)`,
    ERRORLEVEL: '0',
  };
  const scriptDir = `${appDir}\\bin\\`;
  return {
    main: { env, args: [`${scriptDir}ser_report.cmd`, '--execute'], scriptDir },
    conf_node_path: { env, args: [':conf_node_path', `"${appDir}\\local\\ta_ser_mail_settings.conf"`], scriptDir },
    consider: { env, args: [':consider', '"$SPLUNK_HOME\\bin\\node.exe"', `"${p.home}\\bin\\node.exe"`, '"not found"'], scriptDir },
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

  it('keeps its structure for any install path of spaces, parentheses, & and ^ (no !: delayed expansion)', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9 ()&^._-]{1,12}$/);
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
    const probe = 'for /f "delims=" %%V in (\'""%~2" --version" 2^>nul\') do set "VER=%%V"';
    expect(structure([percentExpand(probe, scopes(hostile).consider!)])).not.toEqual(structure([percentExpand(probe, scopes(plain).consider!)]));
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
