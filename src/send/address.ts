import { AddressError } from './errors.js';

/**
 * The send service's own address pattern, character for character as its specification
 * states it (server side). The dots are unescaped there, so each one matches any character,
 * and the middle groups occur exactly once; we reproduce that so we refuse early exactly what
 * the service would refuse, no more and no less. The service is Java (JKS, keytool), so the
 * pattern is read as java.util.regex reads it: with the `u` flag a dot is one code point, as
 * in Java, and `0-9-+` reads the hyphen after a range as a literal in both. Two differences
 * remain and both are handled by refusing more, never less: Java's dot also excludes U+0085,
 * and Java's `$` accepts one trailing line terminator (we refuse any line terminator).
 * test/send/java-interop.test.ts compares this with java.util.regex on random strings.
 */
export const ADDRESS_PATTERN_SOURCE =
  '^[_A-Za-z0-9-+А-Яа-я]+(.[_A-Za-z0-9-А-Яа-я]+)@[A-Za-z0-9-А-Яа-я]+(.[A-Za-z0-9-А-Яа-я]+)(.[A-Za-zА-Яа-я]{2,})$';
export const ADDRESS_PATTERN = new RegExp(ADDRESS_PATTERN_SOURCE, 'u');

/** cc is stated only as "any string of the form xxxx@xxxxx.xx": something@something.something. */
export const CC_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isServiceAddress(address: string): boolean {
  return !address.includes('\u0085') && ADDRESS_PATTERN.test(address);
}

export function isCcAddress(address: string): boolean {
  return CC_PATTERN.test(address);
}

/** Throws AddressError naming the field and the first bad address; called before any connection. */
export function checkAddresses(fields: { from: string; to: readonly string[]; cc: readonly string[] }): void {
  if (!isServiceAddress(fields.from)) throw new AddressError('from', fields.from);
  if (fields.to.length === 0) throw new AddressError('to', '', 'at least one recipient is required');
  for (const a of fields.to) if (!isServiceAddress(a)) throw new AddressError('to', a);
  for (const a of fields.cc) if (!isCcAddress(a)) throw new AddressError('cc', a, 'expected the form xxxx@xxxxx.xx');
}
