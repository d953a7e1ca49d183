import { connect, type ConnectionOptions } from 'node:tls';

/**
 * Under TLS 1.3 a server checks the client certificate after the client thinks the handshake
 * is done, so a refused certificate only shows as "other side closed" on the first request.
 * To tell the admin why, we redo a bare handshake (no request, nothing sent) capped at
 * TLS 1.2, where the server must decide during the handshake. Returns the failure code, or
 * undefined when the handshake succeeds (so the certificate is not the problem).
 */
export function probeHandshake(options: ConnectionOptions, timeoutMs = 5000): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: string | undefined) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(v);
    };
    const socket = connect({ ...options, maxVersion: 'TLSv1.2' }, () => done(undefined));
    socket.setTimeout(timeoutMs, () => done('ETIMEDOUT'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'ERR_TLS_HANDSHAKE'));
    socket.on('close', () => done('ECONNRESET'));
  });
}

/** Codes of a probe that mean the server refused us during the handshake. */
export function isHandshakeRefusal(code: string | undefined): boolean {
  return code !== undefined && (code === 'ECONNRESET' || code === 'EPIPE' || /ALERT/.test(code));
}
