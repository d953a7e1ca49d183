import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulators } from '../../src/sim/registry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('sim registry', () => {
  it('lists the HEC simulator with described options', () => {
    expect(simulators.hec).toBeDefined();
    for (const [kind, s] of Object.entries(simulators)) {
      expect(s.description, kind).toBeTruthy();
      for (const [o, d] of Object.entries(s.options)) expect(d, `${kind}.${o}`).toBeTruthy();
    }
  });

  it('refuses a bad option naming it', async () => {
    await expect(simulators.hec!.start({ port: 'abc' })).rejects.toThrow(/option port/);
  });
});

describe('sim hec (CLI, its own process)', () => {
  it('prints its URL and token as one JSON line, accepts events, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/dev-main.ts', 'sim', 'hec', '-o', 'ack=0', '-o', 'indexes=main,mail'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line) as { kind: string; url: string; token: string };
    expect(info.kind).toBe('hec');
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const post = await fetch(`${info.url}/services/collector/event`, {
      method: 'POST',
      headers: { authorization: `Splunk ${info.token}` },
      body: '{"event":"x","index":"mail","fields":{"event_id":"e1"}}',
    });
    expect(post.status).toBe(200);
    expect(await (await fetch(`${info.url}/_sim/stats`)).json()).toMatchObject({ accepted: 1, distinctIds: 1 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
