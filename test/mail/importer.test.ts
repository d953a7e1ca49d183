import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/core/checkpoint.js';
import { silentLogger } from '../../src/core/logger.js';
import { mailInputSchema } from '../../src/mail/config.js';
import { FolderImporter } from '../../src/mail/importer.js';
import { ingestOptions } from '../../src/mail/ingest.js';
import { mails, message, ScriptedSink } from './helpers.js';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'mail-import-'));
  const data = join(root, 'data');
  mkdirSync(data);
  const sink = new ScriptedSink();
  const checkpoints = new FileCheckpointStore(join(root, 'state'));
  const make = () =>
    new FolderImporter({
      dataPath: data,
      donePath: join(data, 'done'),
      errorPath: join(data, 'error'),
      stableMs: 5_000,
      maxFileBytes: 1024 * 1024,
      ingest: ingestOptions(mailInputSchema.parse({ auth_mode: 'static' }), 'dp'),
      sink,
      checkpoints,
      checkpointKey: 'mail_import_dp',
      log: silentLogger,
    });
  /** Writes a file whose last change was `ageMs` ago. */
  const write = (name: string, content: string | Buffer, ageMs = 60_000) => {
    const file = join(data, name);
    writeFileSync(file, content);
    const t = new Date(Date.now() - ageMs);
    utimesSync(file, t, t);
    return file;
  };
  return { root, data, sink, checkpoints, make, write };
}

const ids = (sink: ScriptedSink) => sink.delivered.map((e) => (e.event as Record<string, unknown>).internal_message_id ?? (e.event as Record<string, unknown>).email);

describe('DataPath importer', () => {
  it('imports each stable file once, leaves files still being written, skips temp names', async () => {
    const t = setup();
    t.write('a.json', JSON.stringify(mails('o@x.com', [message(1), message(2)])));
    t.write('b.json.gz', gzipSync(JSON.stringify({ users: [{ id: 'u1', loginEmail: 'u1@x.com' }] })));
    t.write('c.json', JSON.stringify(mails('o@x.com', [message(3)])), 0); // just written
    t.write('d.json.tmp', 'partial');
    t.write('.hidden.json', 'x');
    t.write('desktop.ini', '[.ShellClassInfo]');
    t.write('Thumbs.db', 'x');
    const imp = t.make();
    const first = await imp.scanOnce();
    expect(first.imported).toEqual([]); // one look is not enough to call a file stable
    const second = await imp.scanOnce();
    expect(second.imported.sort()).toEqual(['a.json', 'b.json.gz']);
    expect(second.waiting).toEqual(['c.json']);
    expect(ids(t.sink).sort()).toEqual(['AAMk-1', 'AAMk-2', 'u1@x.com']);
    expect(readdirSync(join(t.data, 'done')).sort()).toEqual(['a.json', 'b.json.gz']);
    expect(existsSync(join(t.data, 'd.json.tmp'))).toBe(true);
    expect(existsSync(join(t.data, 'desktop.ini')) && existsSync(join(t.data, 'Thumbs.db'))).toBe(true);
    expect(existsSync(join(t.data, 'error'))).toBe(false);
    // c becomes stable later; a and b are never delivered again
    const later = await imp.scanOnce(Date.now() + 10_000);
    expect(later.imported).toEqual(['c.json']);
    expect((await imp.scanOnce(Date.now() + 20_000)).imported).toEqual([]);
    expect(ids(t.sink).sort()).toEqual(['AAMk-1', 'AAMk-2', 'AAMk-3', 'u1@x.com']);
  });

  it('moves a bad file aside with its error and goes on with the rest', async () => {
    const t = setup();
    t.write('1-broken.json', '{"mailMessages": [');
    t.write('2-invalid.json', JSON.stringify(mails('o@x.com', [message(1), { ...message(2), sentAt: 'never' }])));
    t.write('3-unknown.json', '{"something": []}');
    t.write('4-bad.json.gz', 'not gzip');
    t.write('5-good.json', JSON.stringify(mails('o@x.com', [message(5)])));
    const latin1 = Buffer.from(JSON.stringify(mails('o@x.com', [message(6, { subject: 'caf\u00e9' })])), 'latin1'); // é as one byte: not UTF-8
    t.write('6-latin1.json', latin1);
    t.write('7-deep.json', `{"users":${'['.repeat(100)}${']'.repeat(100)}}`);
    const imp = t.make();
    await imp.scanOnce();
    const r = await imp.scanOnce();
    expect(r.failed.sort()).toEqual(['1-broken.json', '2-invalid.json', '3-unknown.json', '4-bad.json.gz', '6-latin1.json', '7-deep.json']);
    expect(r.imported).toEqual(['5-good.json']);
    expect(ids(t.sink)).toEqual(['AAMk-5']); // nothing of the invalid file, not even its good message
    const errors = join(t.data, 'error');
    expect(readFileSync(join(errors, '2-invalid.json.error.txt'), 'utf8')).toContain('mailMessages[1].sentAt');
    expect(readFileSync(join(errors, '1-broken.json.error.txt'), 'utf8')).toMatch(/not valid JSON/);
    expect(readFileSync(join(errors, '6-latin1.json.error.txt'), 'utf8')).toContain(`not valid UTF-8 at byte ${latin1.indexOf(0xe9)}, in mailMessages[0].subject`);
    expect(readFileSync(join(errors, '7-deep.json.error.txt'), 'utf8')).toMatch(/deeper than 64 levels/);
    expect(readdirSync(t.data).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('keeps a file whose delivery failed and delivers it at a later scan', async () => {
    const t = setup();
    t.write('a.json', JSON.stringify(mails('o@x.com', [message(1)])));
    const imp = t.make();
    await imp.scanOnce();
    t.sink.mode = 'fail';
    const failed = await imp.scanOnce();
    expect(failed.deliveryError).toMatch(/scripted delivery failure/);
    expect(existsSync(join(t.data, 'a.json'))).toBe(true);
    t.sink.mode = 'ok';
    expect((await imp.scanOnce()).imported).toEqual(['a.json']);
    expect(ids(t.sink)).toEqual(['AAMk-1']);
  });

  it('after a crash between ledger and move, finishes the move without delivering again', async () => {
    const t = setup();
    const file = t.write('a.json', JSON.stringify(mails('o@x.com', [message(1)])));
    const st = (await import('node:fs')).statSync(file);
    await t.checkpoints.save('mail_import_dp', { version: 1, delivered: { 'a.json': { size: st.size, mtimeMs: st.mtimeMs, events: 1 } } });
    const imp = t.make(); // a new process
    await imp.scanOnce();
    const r = await imp.scanOnce();
    expect(r.imported).toEqual(['a.json']);
    expect(t.sink.delivered).toHaveLength(0);
    expect(existsSync(join(t.data, 'done', 'a.json'))).toBe(true);
    // the ledger forgets files that have left data_path
    await imp.scanOnce();
    expect(await t.checkpoints.load('mail_import_dp')).toEqual({ version: 1, delivered: {} });
  });

  it('refuses to guess when its ledger is unreadable', async () => {
    const t = setup();
    mkdirSync(join(t.root, 'state'));
    writeFileSync(join(t.root, 'state', 'mail_import_dp.json'), '{torn');
    t.write('a.json', JSON.stringify(mails('o@x.com', [message(1)])));
    await expect(t.make().scanOnce()).rejects.toThrow(/mail_import_dp\.json is not valid JSON/);
    expect(t.sink.delivered).toHaveLength(0);
  });
});
