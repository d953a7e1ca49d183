import { z } from 'zod';
import { boolish } from './schema.js';

/**
 * One proxy setting for every outbound client of the product (SER, HEC, send). Without an
 * explicit URL, HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment apply.
 * Browser-safe (zod only), apart from http.ts so the configuration page can bundle it.
 */
export const proxySchema = z.object({
  url: z.string().url().optional().describe('http(s)://[user@]host:port of the outbound proxy; default: HTTPS_PROXY/HTTP_PROXY from the environment'),
  no_proxy: z.string().optional().describe('comma-separated hosts that bypass the proxy (NO_PROXY syntax); default: NO_PROXY from the environment'),
  use_env: boolish.default(true).describe('honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY when no url is set'),
});
export type ProxyConfig = z.infer<typeof proxySchema>;
