import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxListError } from '../../src/mail/errors.js';
import { MailboxFilter, parseMailboxList } from '../../src/mail/mailbox-filter.js';

describe('connector whitelist.json / blacklist.json', () => {
  it('reads the connector format: a JSON array of addresses, BOM and case tolerated', () => {
    expect([...parseMailboxList('\ufeff["Test@Test.com", " test1@test.com ", ""]', 'w.json')]).toEqual(['test@test.com', 'test1@test.com']);
  });

  it('reads the specification\'s example file exactly', () => {
    // yva-connectors-api.ru.txt, "Файлы whitelist.json \\ blacklist.json": Пример содержимого файла
    expect([...parseMailboxList('["test@test.com", "test1@test.com"]', 'whitelist.json')]).toEqual(['test@test.com', 'test1@test.com']);
  });

  it('reads the file as a Windows tool writes it: indented, CRLF, BOM; a null entry (a .NET List<string> holds one) is skipped', () => {
    const text = '\ufeff[\r\n  "Иван.Петров@пример.рф",\r\n  null,\r\n  "b@x.com"\r\n]\r\n';
    expect([...parseMailboxList(text, 'whitelist.json')]).toEqual(['иван.петров@пример.рф', 'b@x.com']);
  });

  it.each([
    ['null', /must be a JSON array/],
    ['"a@x.com"', /must be a JSON array/],
    ['{"a":1}', /must be a JSON array/],
    ['["a@x.com", 5]', /entry \[1\] is not a string/],
    ['[a@x.com]', /not valid JSON/],
  ])('refuses %j naming the file', (text, reason) => {
    expect(() => parseMailboxList(text, '/etc/conn/w.json')).toThrow(reason);
    expect(() => parseMailboxList(text, '/etc/conn/w.json')).toThrow(/\/etc\/conn\/w\.json/);
  });

  it('any list of addresses round-trips through JSON (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.emailAddress(), { maxLength: 20 }), (list) => {
        const set = parseMailboxList(JSON.stringify(list, null, 2), 'w.json');
        expect(set).toEqual(new Set(list.map((a) => a.toLowerCase())));
      }),
    );
  });

  it('applies an edited file without a restart and keeps the last good list when it breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lists-'));
    const white = join(dir, 'whitelist.json');
    writeFileSync(white, '["a@x.com"]');
    const errors: MailboxListError[] = [];
    const filter = new MailboxFilter({ whitelist: white }, (e) => errors.push(e), 0);
    expect(filter.allows('A@x.com')).toBe(true);
    expect(filter.allows('b@x.com')).toBe(false);
    writeFileSync(white, '["b@x.com", "a@x.com"]');
    utimesSync(white, new Date(), new Date(Date.now() + 5_000));
    expect(filter.allows('b@x.com')).toBe(true);
    writeFileSync(white, '["broken');
    utimesSync(white, new Date(), new Date(Date.now() + 10_000));
    expect(filter.allows('b@x.com')).toBe(true);
    expect(errors.at(-1)?.message).toMatch(/whitelist\.json is not valid JSON/);
  });

  it('an empty whitelist lets no mailbox through (the connector scans only listed mailboxes); an empty blacklist denies none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lists-'));
    writeFileSync(join(dir, 'w.json'), '[]');
    writeFileSync(join(dir, 'b.json'), '[]');
    expect(new MailboxFilter({ whitelist: join(dir, 'w.json') }).allows('a@x.com')).toBe(false);
    expect(new MailboxFilter({ blacklist: join(dir, 'b.json') }).allows('a@x.com')).toBe(true);
  });

  it('lets the blacklist win and allows everyone without lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lists-'));
    writeFileSync(join(dir, 'b.json'), '["x@x.com"]');
    const deny = new MailboxFilter({ blacklist: join(dir, 'b.json') });
    expect(deny.allows('X@X.com')).toBe(false);
    expect(deny.allows('y@x.com')).toBe(true);
    expect(new MailboxFilter({}).allows('anyone@x.com')).toBe(true);
  });
});
