import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';

/** TLS settings shared by every outbound client (SER, HEC, send service, splunkd). */
export const tlsSchema = z.object({
  ca_file: z.string().min(1).optional().describe('PEM file of the CA(s) that sign the server certificate; default: the system store'),
  insecure: z.boolean().default(false).describe('skip certificate verification (test systems only; logged as a warning)'),
  server_name: z.string().min(1).optional().describe('name to verify the certificate against, if it differs from the URL host'),
});
export type TlsConfig = z.infer<typeof tlsSchema>;

export function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${what} file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Options for undici's `connect` (tls.connect) from a TlsConfig; warns once when verification is off. */
export function tlsConnectOptions(tls: Partial<TlsConfig> | undefined, target: string, log?: Logger): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (tls?.ca_file) out.ca = readPem(tls.ca_file, 'CA');
  if (tls?.server_name) out.servername = tls.server_name;
  if (tls?.insecure) {
    out.rejectUnauthorized = false;
    log?.warn(`TLS certificate verification is OFF for ${target}: anyone on the path can read and change this traffic`);
  }
  return out;
}
