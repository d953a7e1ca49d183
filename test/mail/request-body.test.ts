import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContentType, readBody, RequestRefused } from '../../src/mail/request-body.js';

/**
 * readBody on a real HTTP server: the client sends the encoded body in arbitrary chunks
 * (chunked transfer, so no Content-Length to lean on); the server reads it with a limit given
 * in the `x-limit` header and answers the text it got, or the refusal's status and code.
 */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    readBody(req, { limitBytes: Number(req.headers['x-limit']), timeoutMs: 10_000 }).then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text),
      (err: unknown) => {
        const r = err as RequestRefused;
        res.writeHead(r instanceof RequestRefused ? r.status : 500, { connection: 'close' }).end(r instanceof RequestRefused ? r.code : String(err));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

type Encoding = 'identity' | 'gzip' | 'x-gzip' | 'deflate';
const encode = (text: string, e: Encoding): Buffer => {
  const plain = Buffer.from(text, 'utf8');
  return e === 'identity' ? plain : e === 'deflate' ? deflateSync(plain) : gzipSync(plain);
};

function send(wire: Buffer, encoding: Encoding, chunk: number, limit: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-encoding': encoding, 'x-limit': String(limit), 'transfer-encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    // The server may refuse and close before the whole body is written: that is an answer, not a failure.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    for (let i = 0; i < wire.length; i += chunk) req.write(wire.subarray(i, i + chunk));
    req.end();
  });
}

describe('request body: encodings, chunking and the size limit (properties, real HTTP)', () => {
  const encodings = fc.constantFrom<Encoding>('identity', 'gzip', 'x-gzip', 'deflate');
  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.constant('Отчёт №1 — квартал 📎'.repeat(20)));

  it('gives back exactly the text sent, however it is encoded and split (multi-byte characters across chunks)', async () => {
    await fc.assert(
      fc.asyncProperty(text, encodings, fc.integer({ min: 1, max: 64 }), async (t, e, chunk) => {
        const res = await send(encode(t, e), e, chunk, 1_000_000);
        expect(res).toEqual({ status: 200, text: t });
      }),
      { numRuns: 60 },
    );
  });

  it('takes a body of exactly the limit and refuses one byte more, on the wire or after decompression', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), encodings, fc.integer({ min: 1, max: 64 }), fc.integer({ min: -3, max: 3 }), async (t, e, chunk, delta) => {
        const plain = Buffer.byteLength(t, 'utf8');
        const wire = encode(t, e);
        const limit = Math.max(1, plain + delta);
        const res = await send(wire, e, chunk, limit);
        if (plain <= limit && wire.length <= limit) expect(res).toEqual({ status: 200, text: t });
        else expect(res).toEqual({ status: 413, text: 'MAIL_REQUEST_TOO_LARGE' });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a body that is not what its Content-Encoding says with 400, and an unknown encoding with 415', async () => {
    expect(await send(Buffer.from('{"not":"gzip"}'), 'gzip', 4, 1000)).toEqual({ status: 400, text: 'MAIL_BAD_COMPRESSION' });
    expect(await send(gzipSync('{}').subarray(0, 8), 'gzip', 4, 1000)).toMatchObject({ status: 400 });
    expect(await send(Buffer.from('{}'), 'br' as Encoding, 4, 1000)).toEqual({ status: 415, text: 'MAIL_UNSUPPORTED_ENCODING' });
  });
});

describe('request Content-Type', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"', 'application/json; charset=utf8', 'text/json', 'application/vnd.yva+json'])('accepts %s', (type) => {
    expect(() => checkContentType(type)).not.toThrow();
  });

  it.each([
    ['text/plain', 'MAIL_UNSUPPORTED_MEDIA_TYPE'],
    ['application/x-www-form-urlencoded', 'MAIL_UNSUPPORTED_MEDIA_TYPE'],
    [undefined, 'MAIL_UNSUPPORTED_MEDIA_TYPE'],
    ['application/json; charset=windows-1251', 'MAIL_UNSUPPORTED_CHARSET'],
  ])('refuses %s with 415 %s', (type, code) => {
    try {
      checkContentType(type);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RequestRefused);
      expect(err).toMatchObject({ status: 415, code });
    }
  });
});
