import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { AddonError } from '../core/errors.js';

/** A request the receiver refuses before looking at its payload: carries the HTTP status to answer. */
export class RequestRefused extends AddonError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

export function tooLargeDeclared(limitBytes: number): RequestRefused {
  return new RequestRefused(413, 'MAIL_REQUEST_TOO_LARGE', `the request body is larger than ${limitBytes} bytes (max_request_size_mb); send fewer messages per request`);
}

/** application/json, with or without charset; also the +json family some clients send. */
export function checkContentType(header: string | undefined): void {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'text/json' || /^application\/[\w.+-]+\+json$/.test(type)) {
    const charset = /charset\s*=\s*"?([\w-]+)/i.exec(header ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      throw new RequestRefused(415, 'MAIL_UNSUPPORTED_CHARSET', `charset ${charset} is not supported: send UTF-8 JSON`);
    }
    return;
  }
  throw new RequestRefused(415, 'MAIL_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${JSON.stringify(header ?? '(none)')} is not supported: send application/json`);
}

export interface BodyReadOptions {
  /** Largest body, on the wire and after decompression. */
  limitBytes: number;
  /** The whole body must arrive within this (body_timeout): a stalled client is answered 408. */
  timeoutMs: number;
  /**
   * Asked for room for each decompressed chunk before it is kept (the receiver's in-flight
   * byte budget); a reason refuses the request with 503 at once. Bytes charged are the
   * caller's to release, also when the read fails.
   */
  charge?: (bytes: number) => string | undefined;
}

/** 503 + Retry-After: the receiver's in-flight byte budget is spent; the connector keeps its batch. */
export function atCapacity(what: string): RequestRefused {
  return new RequestRefused(503, 'MAIL_AT_CAPACITY', `${what}; the data was not accepted, retry later`);
}

/**
 * Reads the whole body as bytes, gunzipping/inflating it when the client says so. The limit
 * applies both on the wire and after decompression, so neither a huge body nor a small gzip
 * bomb can take more than `limitBytes` of memory; bytes are charged as they arrive, so a
 * client that sent headers and stalls holds nothing but its socket, and only until the timeout.
 */
export function readBody(req: IncomingMessage, o: BodyReadOptions): Promise<Buffer> {
  const limitBytes = o.limitBytes;
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => tooLargeDeclared(limitBytes);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let decoder: Gunzip | Inflate | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = createGunzip();
  else if (encoding === 'deflate') decoder = createInflate();
  else if (encoding !== 'identity' && encoding !== '') {
    return Promise.reject(new RequestRefused(415, 'MAIL_UNSUPPORTED_ENCODING', `Content-Encoding ${encoding} is not supported: send gzip, deflate or none`));
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let plain = 0;
    let done = false;
    const timer = setTimeout(() => {
      fail(new RequestRefused(408, 'MAIL_BODY_TIMEOUT', `the request body did not arrive within ${o.timeoutMs / 1000} s (body_timeout; ${plain} bytes came): the connection is closed, retry the request`));
    }, o.timeoutMs);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.unpipe();
      decoder?.destroy();
      chunks.length = 0;
      reject(err);
    };
    const collect = (c: Buffer) => {
      if (done) return;
      plain += c.length;
      if (plain > limitBytes) return fail(tooLarge());
      const full = o.charge?.(c.length);
      if (full) return fail(atCapacity(full));
      chunks.push(c);
    };
    req.on('data', (c: Buffer) => {
      wire += c.length;
      if (wire > limitBytes) fail(tooLarge());
    });
    req.on('error', (e) => fail(new RequestRefused(400, 'MAIL_REQUEST_ABORTED', `the request body could not be read: ${e.message}`)));
    req.on('aborted', () => fail(new RequestRefused(400, 'MAIL_REQUEST_ABORTED', 'the client aborted the request')));
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, plain));
    };
    if (decoder) {
      decoder.on('data', collect);
      decoder.on('error', (e) => fail(new RequestRefused(400, 'MAIL_BAD_COMPRESSION', `the ${encoding} body cannot be decompressed: ${e.message}`)));
      decoder.on('end', finish);
      req.pipe(decoder);
    } else {
      req.on('data', collect);
      req.on('end', finish);
    }
  });
}
