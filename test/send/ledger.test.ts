import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcceptedLedger } from '../../src/send/ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'ta-ser-mail-ledger-'));

describe('ledger of accepted messageIds', () => {
  it('what one run records, the next run finds (a new folder is created)', async () => {
    const file = join(dir, 'state', 'a.jsonl');
    const first = new AcceptedLedger(file);
    first.record({ messageId: 'm1', transactionId: 'T1', at: Date.now() });
    first.record({ messageId: 'm2', transactionId: 'T2', at: Date.now() });
    await first.close();
    const next = new AcceptedLedger(file);
    expect(await next.lookup('m2')).toMatchObject({ transactionId: 'T2' });
    expect(await next.lookup('m3')).toBeUndefined();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('no file yet, or a line torn by a crash: the rest still counts, nothing throws', async () => {
    expect(await new AcceptedLedger(join(dir, 'none', 'x.jsonl')).lookup('m')).toBeUndefined();
    const file = join(dir, 'torn.jsonl');
    writeFileSync(file, `${JSON.stringify({ messageId: 'ok', transactionId: 'T', at: 1 })}\n{"messageId":"half`);
    expect(await new AcceptedLedger(file).lookup('ok')).toMatchObject({ transactionId: 'T' });
  });

  it('a large file is compacted to the entries of the last 30 days before new ones are appended', async () => {
    const file = join(dir, 'big.jsonl');
    const old = Date.now() - 40 * 24 * 3600_000;
    const filler = 'x'.repeat(200);
    const lines = Array.from({ length: 22_000 }, (_v, i) => JSON.stringify({ messageId: `old-${i}-${filler}`, at: old }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    appendFileSync(file, `${JSON.stringify({ messageId: 'recent', transactionId: 'R', at: Date.now() })}\n`);
    expect(statSync(file).size).toBeGreaterThan(4 * 1024 * 1024);
    const l = new AcceptedLedger(file);
    l.record({ messageId: 'new', transactionId: 'N', at: Date.now() });
    await l.close();
    expect(readFileSync(file, 'utf8').trim().split('\n').map((x) => (JSON.parse(x) as { messageId: string }).messageId)).toEqual(['recent', 'new']);
  });
});
