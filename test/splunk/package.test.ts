import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION as CODE_VERSION } from '../../src/core/version.js';
import { parseConf } from '../../src/splunk/conf-file.js';
import { undeclared } from './conf-spec.js';
import { ensurePackage, listTgz, unpack, VERSION, type TarEntry } from './packaged.js';

let tgz: string;
let entries: TarEntry[];
let app: string;

beforeAll(() => {
  tgz = ensurePackage();
  entries = listTgz(tgz);
  app = unpack(tgz);
}, 180_000);

const conf = (rel: string) => parseConf(readFileSync(join(app, rel), 'utf8'));
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

describe('the package (SPLUNK.md packaging rules)', () => {
  it('is real gzip with a ustar archive of TA-ser-mail/ paths', () => {
    const head = readFileSync(tgz).subarray(0, 3);
    expect([...head]).toEqual([0x1f, 0x8b, 0x08]);
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) {
      expect(e.path.startsWith('./') || e.path.startsWith('/'), e.path).toBe(false);
      expect(e.path === 'TA-ser-mail/' || e.path.startsWith('TA-ser-mail/'), e.path).toBe(true);
      expect(e.type, e.path).not.toBe('other');
    }
  });

  it('holds no local/, local.meta, users/, dot-files or __MACOSX', () => {
    for (const e of entries) {
      const parts = e.path.split('/').filter(Boolean);
      expect(parts.some((p) => p === 'local' || p === 'local.meta' || p === 'users' || p === '__MACOSX' || p.startsWith('.')), e.path).toBe(false);
    }
  });

  it('sets execute bits only in bin/ and nothing world-writable', () => {
    for (const e of entries) {
      expect(e.mode & 0o002, `${e.path} is world-writable`).toBe(0);
      if (e.type === 'file' && (e.mode & 0o111) !== 0) expect(e.path.startsWith('TA-ser-mail/bin/'), `${e.path} is executable outside bin/`).toBe(true);
    }
    for (const w of ['ser_report', 'mail_metadata', 'ser_secure_send']) {
      expect(entries.find((e) => e.path === `TA-ser-mail/bin/${w}.sh`)?.mode, w).toBe(0o755);
      expect(entries.some((e) => e.path === `TA-ser-mail/bin/${w}.cmd`), `${w}.cmd`).toBe(true);
    }
    expect(entries.some((e) => e.path === 'TA-ser-mail/bin/ta-ser-mail.cjs')).toBe(true);
    expect(entries.some((e) => e.path === 'TA-ser-mail/bin/ta-ser-mail.bundle.cjs')).toBe(true);
    // The loader carries the bundle's hash (its code cache key), not the template's placeholder.
    expect(readFileSync(join(app, 'bin', 'ta-ser-mail.cjs'), 'utf8')).toMatch(/BUNDLE_SHA256 = '[0-9a-f]{64}'/);
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

  it('has one semver version everywhere: package.json, src/core/version.ts, app.conf [id] and [launcher], app.manifest', () => {
    const a = conf('default/app.conf');
    const versions = [VERSION, CODE_VERSION, a.get('id')?.get('version'), a.get('launcher')?.get('version')];
    if (existsSync(join(app, 'app.manifest'))) versions.push((JSON.parse(readFileSync(join(app, 'app.manifest'), 'utf8')) as { info: { id: { version: string } } }).info.id.version);
    for (const v of versions) expect(v).toBe(VERSION);
    expect(VERSION).toMatch(SEMVER);
    expect(tgz.endsWith(`TA-ser-mail-${VERSION}.tgz`)).toBe(true);
  });

  it('has the app.conf the brief fixes: ids, build, is_configured, label length, setup view', () => {
    const a = conf('default/app.conf');
    expect(a.get('id')?.get('name')).toBe('TA-ser-mail');
    expect(a.get('package')?.get('id')).toBe('TA-ser-mail');
    expect(a.get('install')?.get('build')).toMatch(/^[1-9]\d*$/);
    expect(a.get('install')?.get('is_configured')).toMatch(/^(false|0)$/);
    const label = a.get('ui')?.get('label') ?? '';
    expect(label.length).toBeGreaterThanOrEqual(5);
    expect(label.length).toBeLessThanOrEqual(80);
    expect(a.get('ui')?.get('setup_view')).toBe('ta_ser_mail_configuration');
    expect(a.get('launcher')?.get('author')).toBeTruthy();
    expect(a.get('launcher')?.get('description')).toBeTruthy();
  });

  it('lets everyone read and only admin / sc_admin write (default.meta)', () => {
    const meta = conf('metadata/default.meta');
    expect(meta.get('')?.get('access')).toBeDefined();
    for (const [stanza, keys] of meta) {
      const access = keys.get('access');
      if (!access) continue;
      const write = /write\s*:\s*\[([^\]]*)\]/.exec(access)?.[1]?.split(',').map((s) => s.trim()) ?? [];
      expect(write.length, `[${stanza}] names write roles`).toBeGreaterThan(0);
      for (const role of write) expect(['admin', 'sc_admin'], `[${stanza}] write role ${role}`).toContain(role);
    }
    expect(meta.get('')?.get('access')).toMatch(/read\s*:\s*\[\s*\*\s*\]/);
  });

  it('declares every setting of every .conf file in its README spec', () => {
    const problems: string[] = [];
    const defaults = readdirSync(join(app, 'default')).filter((f) => f.endsWith('.conf'));
    expect(defaults).toContain('inputs.conf');
    for (const f of defaults) {
      const name = f.slice(0, -'.conf'.length);
      const spec = join(app, 'README', `${f}.spec`);
      problems.push(...undeclared(name, readFileSync(join(app, 'default', f), 'utf8'), existsSync(spec) ? readFileSync(spec, 'utf8') : undefined));
    }
    expect(problems).toEqual([]);
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
