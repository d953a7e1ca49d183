/**
 * Plain http:// to another host sends credentials (the SER client secret, the HEC token) and
 * data in clear; on this machine nothing crosses a network. The config schemas refuse the
 * first unless their `allow_insecure_http` says otherwise. Browser-safe (the configuration page
 * bundles the schemas).
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** An http:// URL whose host is not this machine; false for https:// and for text that is not a URL. */
export function isPlainHttpElsewhere(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && !LOOPBACK.test(u.hostname);
  } catch {
    return false;
  }
}
