import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { sendServiceSchema } from '../../src/send/config.js';
import { buildRequest, messageIdFor, type OutgoingMessage } from '../../src/send/message.js';
import { openSendService } from '../../src/send/service.js';
import type { SendSimulator } from '../../src/sim/send.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { serviceSettings, startSim } from './fixtures.js';

let sim: SendSimulator;
let proxy: ConnectProxy;
beforeAll(async () => {
  sim = await startSim();
  proxy = await startConnectProxy();
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

describe('send service through the product proxy setting', () => {
  it('tunnels the mTLS request through the configured CONNECT proxy', async () => {
    const service = openSendService(sendServiceSchema.parse(serviceSettings(sim.port)), silentLogger, { url: proxy.url, use_env: false });
    const m: OutgoingMessage = {
      messageId: messageIdFor('sid-proxy', 'alert', ['ops@mail.example.com'], []),
      from: service.from,
      to: ['ops@mail.example.com'],
      cc: [],
      subject: 'through the proxy',
      body: 'hello',
      bodyType: 'text/plain',
      importance: 'normal',
    };
    const outcome = await service.client.send(m.messageId, buildRequest(m, service.wire));
    await service.close();
    expect(outcome.status).toBe('sent');
    expect(proxy.tunnels).toEqual([`127.0.0.1:${sim.port}`]);
  });
});
