import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConf } from '../../src/splunk/conf-file.js';
import { undeclared } from './conf-spec.js';
import { listTgz, type TarEntry } from './packaged.js';

/**
 * The packaging rules of the shared SPLUNK.md brief ("App packaging and AppInspect habits") as one
 * check over a .tgz: every broken rule is one line naming the file and the rule. The package
 * test runs it on the built package (no line expected) and on a package built to break every
 * rule (each rule's line expected), so a rule that stops checking fails a test.
 */
export const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const WRITE_ROLES = new Set(['admin', 'sc_admin']);

export interface PackageExpectation {
  /** The app folder (= [package] id = [id] name). */
  app: string;
  /** package.json's version, which every other version must equal. */
  version: string;
}

export function packageProblems(tgz: string, want: PackageExpectation): string[] {
  const bytes = readFileSync(tgz);
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08)) return [`${tgz} is not gzip (no 1f 8b 08 header)`];
  let entries: TarEntry[];
  try {
    entries = listTgz(tgz);
  } catch (err) {
    return [`${tgz} does not unpack: ${(err as Error).message}`];
  }
  const problems = entries.flatMap((e) => entryProblems(e, want.app));
  const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-rules-'));
  execFileSync('tar', ['-xzf', tgz, '-C', dir]);
  const app = join(dir, want.app);
  if (!existsSync(app)) return [...problems, `no ${want.app}/ folder in the package`];
  return [...problems, ...appConfProblems(app, want), ...metaProblems(app), ...specProblems(app), ...precertProblems(app, want)];
}

function entryProblems(e: TarEntry, app: string): string[] {
  const out: string[] = [];
  if (e.path.startsWith('./') || e.path.startsWith('/')) out.push(`${e.path}: path starts with ./ or /`);
  const rel = e.path.replace(/^\.?\//, '');
  if (rel !== `${app}/` && !rel.startsWith(`${app}/`)) out.push(`${e.path}: outside the ${app}/ folder`);
  if (e.type === 'other') out.push(`${e.path}: not a plain file or folder (link or long-name entry)`);
  const parts = rel.split('/').filter(Boolean);
  const bad = parts.find((p) => p === 'local' || p === 'local.meta' || p === 'users' || p === '__MACOSX' || p.startsWith('.'));
  if (bad) out.push(`${e.path}: ${bad.startsWith('.') ? 'dot-file' : bad} must not ship`);
  if (e.mode & 0o002) out.push(`${e.path}: world-writable`);
  if (e.type === 'file' && e.mode & 0o111 && !rel.startsWith(`${app}/bin/`)) out.push(`${e.path}: executable outside bin/`);
  return out;
}

function appConfProblems(app: string, want: PackageExpectation): string[] {
  const file = join(app, 'default', 'app.conf');
  if (!existsSync(file)) return ['default/app.conf is missing'];
  const conf = parseConf(readFileSync(file, 'utf8'), { strict: true, file: 'default/app.conf' });
  const get = (stanza: string, key: string) => conf.get(stanza)?.get(key);
  const out: string[] = [];
  const versions: Array<[string, string | undefined]> = [
    ['app.conf [id] version', get('id', 'version')],
    ['app.conf [launcher] version', get('launcher', 'version')],
  ];
  const manifest = join(app, 'app.manifest');
  if (existsSync(manifest)) versions.push(['app.manifest info.id.version', (JSON.parse(readFileSync(manifest, 'utf8')) as { info?: { id?: { version?: string } } }).info?.id?.version]);
  for (const [where, v] of versions) {
    if (v === undefined || !SEMVER.test(v)) out.push(`${where} "${v ?? ''}" is not semver`);
    else if (v !== want.version) out.push(`${where} ${v} differs from package.json ${want.version}`);
  }
  if (get('id', 'name') !== want.app) out.push(`app.conf [id] name "${get('id', 'name') ?? ''}" is not the folder name ${want.app}`);
  if (get('package', 'id') !== want.app) out.push(`app.conf [package] id "${get('package', 'id') ?? ''}" is not the folder name ${want.app}`);
  if (!/^[1-9]\d*$/.test(get('install', 'build') ?? '')) out.push(`app.conf [install] build "${get('install', 'build') ?? ''}" is not a positive integer`);
  if (get('install', 'is_configured') === undefined) out.push('app.conf [install] is_configured is missing');
  if (get('ui', 'is_visible') === undefined) out.push('app.conf [ui] is_visible is missing');
  const label = get('ui', 'label') ?? '';
  if (label.length < 5 || label.length > 80) out.push(`app.conf [ui] label "${label}" is not 5–80 characters`);
  for (const key of ['author', 'description']) if (!get('launcher', key)) out.push(`app.conf [launcher] ${key} is missing`);
  return out;
}

function metaProblems(app: string): string[] {
  const file = join(app, 'metadata', 'default.meta');
  if (!existsSync(file)) return ['metadata/default.meta is missing'];
  const meta = parseConf(readFileSync(file, 'utf8'), { strict: true, file: 'metadata/default.meta' });
  const out: string[] = [];
  if (!/read\s*:\s*\[\s*\*\s*\]/.test(meta.get('')?.get('access') ?? '')) out.push('default.meta [] access does not let everyone read (read : [ * ])');
  for (const [stanza, keys] of meta) {
    const access = keys.get('access');
    if (!access) continue;
    const write = /write\s*:\s*\[([^\]]*)\]/.exec(access)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    if (write.length === 0) out.push(`default.meta [${stanza}] names no write role`);
    for (const role of write) if (!WRITE_ROLES.has(role)) out.push(`default.meta [${stanza}] lets ${role} write (only admin, sc_admin)`);
  }
  return out;
}

function specProblems(app: string): string[] {
  const dir = join(app, 'default');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .flatMap((f) => {
      const spec = join(app, 'README', `${f}.spec`);
      return undeclared(f.slice(0, -'.conf'.length), readFileSync(join(dir, f), 'utf8'), existsSync(spec) ? readFileSync(spec, 'utf8') : undefined);
    });
}

/** app.conf [install] build for a version: major * 1000000 + minor * 1000 + patch (scripts/package.mjs). */
export function buildNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

const readConf = (app: string, rel: string) => (existsSync(join(app, rel)) ? parseConf(readFileSync(join(app, rel), 'utf8')) : new Map<string, Map<string, string>>());
const truthy = (v: string | undefined) => /^(1|true|t|yes|y|on)$/i.test(v?.trim() ?? '');

/**
 * AppInspect precert checks and what an admin meets on a real deployment (issue 15 item 2-3):
 * custom alert icons, `--execute` once, the ES lookup exported and not overwritten on upgrade,
 * fields.conf for the indexed event_id, the build number tied to the release, and every
 * ta_ser_mail_* .conf replicated in a search head cluster.
 */
function precertProblems(app: string, want: PackageExpectation): string[] {
  const out: string[] = [];
  const alerts = readConf(app, 'default/alert_actions.conf');
  for (const [stanza, keys] of alerts) {
    if (!truthy(keys.get('is_custom'))) continue;
    const icon = keys.get('icon_path');
    if (!icon) out.push(`alert_actions.conf [${stanza}] has no icon_path (check_alert_icon_exists_for_custom_alerts)`);
    else if (!existsSync(join(app, 'appserver', 'static', icon))) out.push(`alert_actions.conf [${stanza}] icon_path ${icon} is not under appserver/static/`);
    const args = [...keys].filter(([k]) => /^alert\.execute\.cmd\.arg\.\d+$/.test(k)).map(([, v]) => v.trim());
    const executes = args.filter((a) => a === '--execute').length;
    if (keys.has('alert.execute.cmd') && executes !== 1) out.push(`alert_actions.conf [${stanza}] passes --execute ${executes} times in alert.execute.cmd.arg.* (once)`);
    // Without alert.execute.cmd splunkd looks for bin/<stanza>.<ext> per platform (AppInspect:
    // check_alert_actions_exe_exist): a Unix one and a Windows one, or the action is missing on one.
    if (!keys.has('alert.execute.cmd') && !keys.has('command')) {
      const has = (exts: string[]) => exts.some((e) => existsSync(join(app, 'bin', `${stanza}${e}`)));
      if (!has(['.sh', '.py', '.js', ''])) out.push(`alert_actions.conf [${stanza}] has no alert.execute.cmd and no bin/${stanza}.sh for Linux and macOS`);
      if (!has(['.cmd', '.bat', '.exe', '.py', '.js'])) out.push(`alert_actions.conf [${stanza}] has no alert.execute.cmd and no bin/${stanza}.cmd for Windows`);
    }
  }
  const meta = readConf(app, 'metadata/default.meta');
  const transforms = readConf(app, 'default/transforms.conf');
  const lookupFiles = [...transforms.values()].map((k) => k.get('filename')).filter((f): f is string => Boolean(f));
  if (lookupFiles.length > 0 && meta.get('lookups')?.get('export') !== 'system') out.push('default.meta [lookups] is not export = system (the ES identity lookup is read outside the app)');
  const searches = readConf(app, 'default/savedsearches.conf');
  for (const [name, keys] of searches) {
    for (const m of (keys.get('search') ?? '').matchAll(/\|\s*outputlookup\s+(?:\w+=\S+\s+)*([\w.-]+)/g)) {
      const target = m[1]!;
      const file = transforms.get(target)?.get('filename') ?? target;
      if (existsSync(join(app, 'lookups', file))) out.push(`lookups/${file} ships, but savedsearches.conf [${name}] writes it: an upgrade would overwrite what the search wrote`);
    }
  }
  const indexedFields = new Set(['event_id']);
  const fields = readConf(app, 'default/fields.conf');
  for (const f of indexedFields) if (!truthy(fields.get(f)?.get('INDEXED'))) out.push(`fields.conf [${f}] INDEXED = true is missing (an indexed field of every HEC event)`);
  const build = readConf(app, 'default/app.conf').get('install')?.get('build');
  if (build !== undefined && build !== String(buildNumber(want.version))) out.push(`app.conf [install] build ${build} is not tied to the release ${want.version} (${buildNumber(want.version)})`);
  const own = new Set<string>();
  for (const dir of ['default', 'README']) {
    if (!existsSync(join(app, dir))) continue;
    for (const f of readdirSync(join(app, dir))) {
      const m = /^(ta_ser_mail_[\w-]+)\.conf(\.spec)?$/.exec(f);
      if (m) own.add(m[1]!);
    }
  }
  const shc = readConf(app, 'default/server.conf').get('shclustering');
  for (const f of [...own].sort()) {
    if (!truthy(shc?.get(`conf_replication_include.${f}`))) out.push(`server.conf [shclustering] conf_replication_include.${f} = true is missing (search head clusters would not replicate ${f}.conf)`);
  }
  return out;
}
