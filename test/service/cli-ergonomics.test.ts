import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'ta-ser-mail.cjs');
const DEV_BUNDLE = join(ROOT, 'dist', 'ta-ser-mail-dev.cjs');
const runWith = (bundle: string, ...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
const run = (...args: string[]) => runWith(BUNDLE, ...args);

/** Every command the program registers, read from its own --help (so a new command is covered). */
function commandNames(bundle = BUNDLE): string[] {
  const help = runWith(bundle, '--help').stdout;
  const section = help.slice(help.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('CLI ergonomics (the bundle, as an admin runs it)', () => {
  it('--version prints the package version', () => {
    expect(existsSync(BUNDLE), 'run `npm run build` first (npm test does)').toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('every command, and every subcommand of a command group, has --help with exit 0', () => {
    const names = commandNames();
    expect(names).toEqual(expect.arrayContaining(['run', 'doctor', 'forward', 'alert', 'modinput']));
    // The demo and the simulators are development tools: only the development CLI has them.
    expect(names).not.toContain('demo');
    expect(names).not.toContain('sim');
    for (const name of names) {
      const r = run(name, '--help');
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: ta-ser-mail ${name}\\b`, 'm'));
      const subs = r.stdout.includes('Commands:') ? [...r.stdout.slice(r.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help') : [];
      for (const sub of subs) expect(run(name, sub, '--help').status, `${name} ${sub}`).toBe(0);
    }
  });

  it('the development CLI (npm start) has every command of the app plus demo and sim', () => {
    const dev = commandNames(DEV_BUNDLE);
    expect(dev).toEqual(['demo', 'sim', ...commandNames()]);
    for (const name of ['demo', 'sim']) {
      const r = runWith(DEV_BUNDLE, name, '--help');
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: ta-ser-mail-dev ${name}\\b`, 'm'));
    }
    expect(run('demo').stderr).toMatch(/^ERROR unknown command 'demo'/);
  });

  it('usage errors and bad values are one ERROR line and a non-zero exit', () => {
    for (const args of [['no-such-command'], ['doctor'], ['run'], ['--log-level', 'loud', 'doctor', '-c', 'x.yaml'], ['run', '--config', '/nonexistent/config.yaml'], ['doctor', '--bogus'], ['doctor', '-c', 'x.yaml', '--timeout', 'abc']]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(/^ERROR \S/);
    }
    expect(run('doctor', '-c', 'x.yaml', '--timeout', '0').stderr).toMatch(/^ERROR .*--timeout.*'0'.*seconds above 0/);
  });

  it('--log-level is a global option taking the level words', () => {
    expect(run('--help').stdout.replace(/\s+/g, ' ')).toContain('--log-level <level> least severe level written to stderr (choices: "debug", "info", "warn", "error", "fatal"');
    expect(run('--log-level', 'debug', '--version').status).toBe(0);
  });
});
