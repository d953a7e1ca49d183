import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION as CODE_VERSION } from '../../src/core/version.js';
import { parseConf } from '../../src/splunk/conf-file.js';
import { undeclared } from './conf-spec.js';
import { buildNumber, packageProblems } from './package-rules.js';
import { ensurePackage, listTgz, unpack, VERSION, type TarEntry } from './packaged.js';

let tgz: string;
let entries: TarEntry[];
let app: string;

beforeAll(() => {
  tgz = ensurePackage();
  entries = listTgz(tgz);
  app = unpack(tgz);
}, 180_000);

const conf = (rel: string) => parseConf(readFileSync(join(app, rel), 'utf8'), { strict: true, file: rel });

describe('the package (SPLUNK.md packaging rules)', () => {
  it('breaks none of the packaging rules', () => {
    expect(entries.length).toBeGreaterThan(10);
    expect(packageProblems(tgz, { app: 'TA-ser-mail', version: VERSION })).toEqual([]);
  });

  it('ships executable wrappers, the loader and the bundle in bin/', () => {
    for (const w of ['ser_report', 'mail_metadata', 'ser_secure_send']) {
      expect(entries.find((e) => e.path === `TA-ser-mail/bin/${w}.sh`)?.mode, w).toBe(0o755);
      expect(entries.some((e) => e.path === `TA-ser-mail/bin/${w}.cmd`), `${w}.cmd`).toBe(true);
    }
    expect(entries.some((e) => e.path === 'TA-ser-mail/bin/ta-ser-mail.cjs')).toBe(true);
    expect(entries.some((e) => e.path === 'TA-ser-mail/bin/ta-ser-mail.bundle.cjs')).toBe(true);
    // The loader carries the bundle's hash (its code cache key), not the template's placeholder.
    expect(readFileSync(join(app, 'bin', 'ta-ser-mail.cjs'), 'utf8')).toMatch(/BUNDLE_SHA256 = '[0-9a-f]{64}'/);
    // The loader reads the bundle as latin1 and wraps it as it is: ASCII only, no #! line.
    const bundle = readFileSync(join(app, 'bin', 'ta-ser-mail.bundle.cjs'));
    expect(bundle.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(bundle.subarray(0, 2).toString()).not.toBe('#!');
  });

  it('ships wrappers that run the bundled program with their entry command (.cmd with CRLF)', () => {
    for (const [w, cmd] of [['ser_report', 'modinput ser_report'], ['mail_metadata', 'modinput mail_metadata'], ['ser_secure_send', 'alert ser_secure_send']] as const) {
      const sh = readFileSync(join(app, 'bin', `${w}.sh`), 'utf8');
      expect(sh.startsWith('#!/bin/sh\n')).toBe(true);
      expect(sh).toContain(`exec "$NODE" "$APP_DIR/bin/ta-ser-mail.cjs" ${cmd} "$@"`);
      const bat = readFileSync(join(app, 'bin', `${w}.cmd`), 'utf8');
      expect(bat.split('\n').slice(0, -1).every((l) => l.endsWith('\r')), `${w}.cmd line ends`).toBe(true);
      expect(bat).toContain(`"%NODE%" "%APP_DIR%\\bin\\ta-ser-mail.cjs" ${cmd} %*`);
    }
  });

  it('carries the version of package.json and src/core/version.ts in its name and app.conf', () => {
    expect(CODE_VERSION).toBe(VERSION);
    expect(conf('default/app.conf').get('id')?.get('version')).toBe(VERSION);
    expect(tgz.endsWith(`TA-ser-mail-${VERSION}.tgz`)).toBe(true);
  });

  it('ships one example stanza per input kind, disabled', () => {
    const inputs = conf('default/inputs.conf');
    for (const kind of ['ser_report', 'mail_metadata']) {
      const stanzas = [...inputs.keys()].filter((k) => k.startsWith(`${kind}://`));
      expect(stanzas, kind).toHaveLength(1);
      expect(inputs.get(stanzas[0]!)?.get('disabled'), stanzas[0]).toMatch(/^(1|true)$/);
    }
  });

  it('passes the AppInspect precert checks and ships what clusters and ES need', () => {
    const alert = conf('default/alert_actions.conf').get('ser_secure_send');
    expect(alert?.get('icon_path')).toBe('ser_secure_send.png');
    expect(entries.some((e) => e.path === 'TA-ser-mail/appserver/static/ser_secure_send.png')).toBe(true);
    // No alert.execute.cmd: splunkd runs bin/ser_secure_send.sh (Linux, macOS) or .cmd (Windows) with --execute.
    expect([...alert!.keys()].filter((k) => k.startsWith('alert.execute.cmd'))).toEqual([]);
    for (const ext of ['sh', 'cmd']) expect(entries.some((e) => e.path === `TA-ser-mail/bin/ser_secure_send.${ext}`), ext).toBe(true);
    expect(conf('metadata/default.meta').get('lookups')?.get('export')).toBe('system');
    expect(entries.some((e) => e.path.startsWith('TA-ser-mail/lookups/ta_ser_mail_identities'))).toBe(false);
    expect(conf('default/fields.conf').get('event_id')?.get('INDEXED')).toBe('true');
    expect(conf('default/app.conf').get('install')?.get('build')).toBe(String(buildNumber(VERSION)));
    const shc = conf('default/server.conf').get('shclustering');
    for (const f of ['ta_ser_mail_accounts', 'ta_ser_mail_hec', 'ta_ser_mail_send', 'ta_ser_mail_settings']) expect(shc?.get(`conf_replication_include.${f}`), f).toBe('true');
  });

  it('has the app.conf the brief fixes: not configured yet, the setup view', () => {
    const a = conf('default/app.conf');
    expect(a.get('install')?.get('is_configured')).toMatch(/^(false|0)$/);
    expect(a.get('ui')?.get('setup_view')).toBe('ta_ser_mail_configuration');
  });
});

describe('the spec check itself', () => {
  it('finds an undeclared key, a custom file without spec, and accepts Splunk keys', () => {
    const spec = '[ser_report://<name>]\naccount = <string>\n';
    expect(undeclared('inputs', '[ser_report://a]\naccount = x\nacount = y\ninterval = 60\n[monitor:///x]\nsourcetype = s\n', spec)).toEqual(['inputs.conf [ser_report://a] acount']);
    expect(undeclared('ta_ser_mail_new', '[a]\nb = 1\n', undefined)).toEqual(['ta_ser_mail_new.conf has no README/ta_ser_mail_new.conf.spec']);
    expect(undeclared('savedsearches', '[s]\nsearch = x\naction.ser_secure_send.param.too = 1\n', 'action.ser_secure_send.param.to = <string>\n')).toEqual(['savedsearches.conf [s] action.ser_secure_send.param.too']);
    expect(undeclared('props', '[x]\nKV_MODE = json\n', undefined)).toEqual([]);
  });
});

describe('the packaging rules themselves', () => {
  /** A package that breaks every rule once; each rule must name its break. */
  function badPackage(): string {
    const root = mkdtempSync(join(tmpdir(), 'bad-package-'));
    const app = join(root, 'TA-ser-mail');
    const files: Record<string, string> = {
      'default/app.conf': '[id]\nname = TA-other\nversion = 1.0\n[package]\nid = TA-other\n[install]\nbuild = 0\n[ui]\nlabel = SER\n[launcher]\nversion = 2.0.0\n',
      'default/ta_ser_mail_extra.conf': '[a]\nundeclared_key = 1\n',
      'metadata/default.meta': '[]\naccess = read : [ admin ], write : [ * ]\n[views]\naccess = read : [ * ], write : [ power ]\n',
      'local/inputs.conf': '[ser_report://x]\n',
      'metadata/local.meta': '[]\n',
      'users/admin/x.conf': '',
      '.DS_Store': '',
      '__MACOSX/x': '',
      'default/run.sh': '#!/bin/sh\n',
      'bin/ok.sh': '#!/bin/sh\n',
      'lookups/open.csv': 'a\n',
      'app.manifest': JSON.stringify({ info: { id: { version: '1.0.1' } } }),
      'default/alert_actions.conf': '[noicon]\nis_custom = 1\nalert.execute.cmd = a.sh\nalert.execute.cmd.arg.0 = --execute\nalert.execute.cmd.arg.1 = --execute\n[badicon]\nis_custom = 1\nicon_path = missing.png\n[ok]\nis_custom = 1\nicon_path = ok.png\n',
      'default/transforms.conf': '[ids]\nfilename = ids.csv\n',
      'default/savedsearches.conf': '[writer]\nsearch = index=x | outputlookup ids\n',
      'lookups/ids.csv': 'identity\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(app, rel, '..'), { recursive: true });
      writeFileSync(join(app, rel), text);
    }
    chmodSync(join(app, 'default', 'run.sh'), 0o755);
    chmodSync(join(app, 'bin', 'ok.sh'), 0o755);
    chmodSync(join(app, 'lookups', 'open.csv'), 0o666);
    const tgz = join(root, 'bad.tgz');
    // `./TA-ser-mail`: the leading ./ is one of the breaks.
    writeFileSync(tgz, gzipSync(execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', root, './TA-ser-mail'])));
    return tgz;
  }

  it('names every break of a package that breaks them all', () => {
    const problems = packageProblems(badPackage(), { app: 'TA-ser-mail', version: '1.0.0' }).join('\n');
    const expected = [
      /\.\/TA-ser-mail\/.*: path starts with \.\/ or \//,
      /local\/inputs\.conf: local must not ship/,
      /local\.meta: local\.meta must not ship/,
      /users\/admin\/x\.conf: users must not ship/,
      /\.DS_Store: dot-file must not ship/,
      /__MACOSX\/x: __MACOSX must not ship/,
      /lookups\/open\.csv: world-writable/,
      /default\/run\.sh: executable outside bin\//,
      /\[id\] version "1\.0" is not semver/,
      /\[launcher\] version 2\.0\.0 differs from package\.json 1\.0\.0/,
      /app\.manifest info\.id\.version 1\.0\.1 differs/,
      /\[id\] name "TA-other" is not the folder name/,
      /\[package\] id "TA-other" is not the folder name/,
      /\[install\] build "0" is not a positive integer/,
      /\[install\] is_configured is missing/,
      /\[ui\] is_visible is missing/,
      /\[ui\] label "SER" is not 5–80 characters/,
      /\[launcher\] author is missing/,
      /\[\] access does not let everyone read/,
      /\[\] lets \* write/,
      /\[views\] lets power write/,
      /alert_actions\.conf \[noicon\] has no icon_path/,
      /alert_actions\.conf \[badicon\] icon_path missing\.png is not under appserver\/static/,
      /alert_actions\.conf \[noicon\] passes --execute 2 times/,
      /alert_actions\.conf \[badicon\] has no alert\.execute\.cmd and no bin\/badicon\.sh for Linux and macOS/,
      /alert_actions\.conf \[ok\] has no alert\.execute\.cmd and no bin\/ok\.cmd for Windows/,
      /default\.meta \[lookups\] is not export = system/,
      /lookups\/ids\.csv ships, but savedsearches\.conf \[writer\] writes it/,
      /fields\.conf \[event_id\] INDEXED = true is missing/,
      /app\.conf \[install\] build 0 is not tied to the release 1\.0\.0 \(1000000\)/,
      /server\.conf \[shclustering\] conf_replication_include\.ta_ser_mail_extra = true is missing/,
    ];
    for (const re of expected) expect(problems, re.source).toMatch(re);
    // An executable in bin/ breaks nothing but the ./ every path here has.
    expect(problems.split('\n').filter((l) => l.includes('bin/ok.sh') && !l.includes('starts with ./'))).toEqual([]);
  });

  it('refuses a package that is not gzip', () => {
    const root = mkdtempSync(join(tmpdir(), 'bad-package-'));
    const tar = join(root, 'plain.tgz');
    writeFileSync(tar, execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', root, '.']));
    expect(packageProblems(tar, { app: 'TA-ser-mail', version: '1.0.0' })).toEqual([`${tar} is not gzip (no 1f 8b 08 header)`]);
  });
});
