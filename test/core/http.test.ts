import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createDispatcher } from '../../src/core/http.js';

// A server that accepts TCP and then says nothing: a TLS handshake to it never completes.
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function silentServer(): Promise<number> {
  server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

describe('createDispatcher', () => {
  it('gives up on a TLS set-up that never completes after the request timeout, not undici’s 10 s', async () => {
    const port = await silentServer();
    const dispatcher = createDispatcher({ target: 'silent', timeoutMs: 300, proxy: { use_env: false } });
    const started = process.hrtime.bigint();
    const err = await request(`https://127.0.0.1:${port}/`, { dispatcher }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    const waitedMs = Number(process.hrtime.bigint() - started) / 1e6;
    await dispatcher.close();
    expect(err?.code).toBe('UND_ERR_CONNECT_TIMEOUT');
    // Behaviour, not speed: with the default it would wait the full 10 s.
    expect(waitedMs).toBeLessThan(9_000);
  });

  it('takes an explicit connect timeout over the derived one', async () => {
    const port = await silentServer();
    const dispatcher = createDispatcher({ target: 'silent', timeoutMs: 60_000, connectTimeoutMs: 200, proxy: { use_env: false } });
    const err = await request(`https://127.0.0.1:${port}/`, { dispatcher }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    await dispatcher.close();
    expect(err?.code).toBe('UND_ERR_CONNECT_TIMEOUT');
  });
});
