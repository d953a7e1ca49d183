import { AddonError } from '../core/errors.js';

const LISTEN_FIX: Record<string, string> = {
  EADDRINUSE: 'another process uses this port: stop it, or change listen_port',
  EACCES: 'ports below 1024 need privileges: use a port above 1023 (and forward to it), or change listen_port',
  EADDRNOTAVAIL: 'this machine has no such address: change listen_host (0.0.0.0 for every interface)',
};

/** The mail receiver could not open its port; the message names the input, the address and what to change. */
export class ListenError extends AddonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LISTEN_FAILED', message, options);
  }
}

/**
 * A receiver port that cannot be opened, described for the admin of the YAML file: the
 * input's path, the address, why and what to change (Node says only "listen EADDRINUSE").
 * Other errors already name the input and pass through.
 */
export function mailStartError(name: string, at: { listen_host: string; listen_port: number }, err: unknown): unknown {
  const path = `inputs.mail_metadata.${name}`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && LISTEN_FIX[code]) return new ListenError(`${path}: cannot listen on ${at.listen_host}:${at.listen_port} (${code}): ${LISTEN_FIX[code]}`);
  return err;
}
