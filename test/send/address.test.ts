import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADDRESS_PATTERN, ADDRESS_PATTERN_SOURCE, checkAddresses, isCcAddress, isServiceAddress } from '../../src/send/address.js';

// The pattern exactly as the service specification prints it (secure-send-api.ru.txt).
const SPEC_PATTERN = '^[_A-Za-z0-9-+А-Яа-я]+(.[_A-Za-z0-9-А-Яа-я]+)@[A-Za-z0-9-А-Яа-я]+(.[A-Za-z0-9-А-Яа-я]+)(.[A-Za-zА-Яа-я]{2,})$';

const LATIN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CYR = 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя';
const DIGITS = '0123456789';
const chars = (set: string, min = 1, max = 8) => fc.array(fc.constantFrom(...set), { minLength: min, maxLength: max }).map((a) => a.join(''));
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/[\n\r\u0085\u2028\u2029]/.test(c));

describe('address pattern', () => {
  it('is the specification pattern, character for character', () => {
    expect(ADDRESS_PATTERN_SOURCE).toBe(SPEC_PATTERN);
    expect(ADDRESS_PATTERN.source).toBe(SPEC_PATTERN);
    expect(ADDRESS_PATTERN.flags).toBe('u');
  });

  it('accepts every address built from the pattern parts (the dots match any character)', () => {
    fc.assert(
      fc.property(
        chars(`_${LATIN}${DIGITS}-+${CYR}`),
        anyChar,
        chars(`_${LATIN}${DIGITS}-${CYR}`),
        chars(`${LATIN}${DIGITS}-${CYR}`),
        anyChar,
        chars(`${LATIN}${DIGITS}-${CYR}`),
        anyChar,
        chars(`${LATIN}${CYR}`, 2),
        (a, d1, b, c, d2, d, d3, tld) => isServiceAddress(`${a}${d1}${b}@${c}${d2}${d}${d3}${tld}`),
      ),
      { numRuns: 300 },
    );
  });

  it('never accepts a string without "@", with a line break, or with a one-letter top-level part', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !isServiceAddress(s.replace(/@/g, ''))), { numRuns: 300 });
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => !isServiceAddress(`${a}\n${b}`) || !`${a}\n${b}`.includes('\n')), { numRuns: 200 });
    fc.assert(fc.property(chars(LATIN, 3), chars(LATIN, 3), chars(LATIN, 1, 1), (l, dom, t) => !isServiceAddress(`${l}@${dom}.${t}`)), { numRuns: 200 });
  });

  it.each([
    ['mail@example.com', true],
    ['john.smith@mail.example.org', true],
    ['иван.петров@пример.рф', true],
    ['почта@сервер.рус', true],
    ['ab@example.com', false], // the local part needs three characters: class+, any, class+
    ['a+b.c@example.com', true], // "+" only in the first part
    ['ab.c+d@example.com', false],
    ['mail@examplecom', true], // unescaped dots: "example" + "c" + "om" splits without a dot
    ['mail@example!com', true],
    ['mail@example.c', false],
    ['Ёжик@пример.рф', false], // Ё is outside А-Я
    ['mail@ex__ample.com', false], // "_" is not in the domain classes; one "_" alone would be taken by a dot
    [' mail@example.com', false],
  ])('%s → %s (as the service decides)', (address, ok) => {
    expect(isServiceAddress(address)).toBe(ok);
  });

  it('cc only needs the form xxxx@xxxxx.xx', () => {
    expect(isCcAddress('ab@example.com')).toBe(true);
    expect(isCcAddress('no-at.example.com')).toBe(false);
    expect(isCcAddress('a@b')).toBe(false);
  });

  it('checkAddresses names the field and the address', () => {
    expect(() => checkAddresses({ from: 'mail@example.com', to: ['ok.user@example.com', 'ab@example.com'], cc: [] })).toThrowError(/to address "ab@example.com"/);
    expect(() => checkAddresses({ from: 'x', to: ['ok.user@example.com'], cc: [] })).toThrowError(/from address "x"/);
    expect(() => checkAddresses({ from: 'mail@example.com', to: [], cc: [] })).toThrowError(/at least one recipient/);
    expect(() => checkAddresses({ from: 'mail@example.com', to: ['ok.user@example.com'], cc: ['bad'] })).toThrowError(/cc address "bad"/);
  });
});
