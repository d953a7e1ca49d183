import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startHecSimulator, type HecSimulator } from '../../src/sim/hec.js';
import { mails, message, post, sleep } from './helpers.js';

/** `mail serve` as an admin runs it: a child process, a service YAML, secrets from the environment. */
const root = fileURLToPath(new URL('../../', import.meta.url));
let sim: HecSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, stderr: () => stderr };
}

describe('ta-ser-mail mail serve', () => {
  it('receives, delivers, and on SIGTERM stops cleanly with exit 0', async () => {
    sim = await startHecSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'mail-cli-'));
    const port = await freePort();
    const config = join(dir, 'service.yaml');
    writeFileSync(
      config,
      `service:\n  checkpoint_dir: ${join(dir, 'state')}\nhec:\n  main:\n    urls: ${sim.url}\n    token: { env: HEC_TOKEN }\n    batch_interval: 10ms\n` +
        `inputs:\n  mail_metadata:\n    exchange:\n      hec: main\n      auth_mode: static\n      auth_secret: { env: MAIL_TOKEN }\n      listen_port: ${port}\n`,
    );
    const run = cli(['mail', 'serve', '-c', config], { HEC_TOKEN: sim.token, MAIL_TOKEN: 'cli-token' });
    let status = 0;
    for (let i = 0; i < 300 && status !== 200; i++) {
      status = await post(`http://127.0.0.1:${port}/api/mails`, mails('o@x.com', [message(1), message(2)]), { token: 'cli-token' }).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await sleep(30);
    }
    expect(status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(sim.events().map((e) => (e.event as Record<string, unknown>).internal_message_id)).toEqual(['AAMk-1', 'AAMk-2']);
    expect(run.stderr()).toMatch(/stopping \(SIGTERM\)/);
    expect(run.stderr()).not.toContain('cli-token');
  });

  it('refuses an inline secret in one readable line and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-cli-'));
    const config = join(dir, 'service.yaml');
    writeFileSync(config, 'hec:\n  main:\n    urls: http://127.0.0.1:9\n    token: { env: X }\ninputs:\n  mail_metadata:\n    a:\n      hec: main\n      auth_mode: static\n      auth_secret: plain-text-token\n');
    const run = cli(['mail', 'serve', '-c', config], { X: 'x' });
    expect(await run.exit).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR .*inputs\.mail_metadata\.a\.auth_secret: a secret is never written in the file/);
    expect(run.stderr()).not.toContain('plain-text-token');
  });
});
