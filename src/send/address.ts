import { AddressError } from './errors.js';

/**
 * The send service's own address pattern, character for character as its specification
 * states it (server side). The dots are unescaped there, so each one matches any character,
 * and the middle groups occur exactly once; we reproduce that so we refuse early exactly what
 * the service would refuse, no more and no less. Compiled without the `u` flag, as in Java,
 * `0-9-+` reads the hyphen after a range as a literal.
 */
export const ADDRESS_PATTERN_SOURCE =
  '^[_A-Za-z0-9-+А-Яа-я]+(.[_A-Za-z0-9-А-Яа-я]+)@[A-Za-z0-9-А-Яа-я]+(.[A-Za-z0-9-А-Яа-я]+)(.[A-Za-zА-Яа-я]{2,})$';
export const ADDRESS_PATTERN = new RegExp(ADDRESS_PATTERN_SOURCE);

/** cc is stated only as "any string of the form xxxx@xxxxx.xx": something@something.something. */
export const CC_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isServiceAddress(address: string): boolean {
  return ADDRESS_PATTERN.test(address);
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
