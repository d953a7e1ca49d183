import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progress } from '../../src/demo/progress.js';

/** A stream that collects what is written; `isTTY` as a terminal or a pipe would have it. */
function stream(isTTY: boolean): PassThrough & { isTTY: boolean; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; text: () => string; columns: number };
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  s.isTTY = isTTY;
  s.columns = 120;
  s.text = () => text;
  return s;
}

describe('the demo progress display', () => {
  it('draws a redrawn bar on a terminal, and nothing on the line output', () => {
    const tty = stream(true);
    const lines: string[] = [];
    const p = progress('SER backfill', 'hourly windows', (l) => lines.push(l), tty);
    for (let i = 1; i <= 168; i++) p.update(i, 168);
    p.stop();
    expect(lines).toEqual([]);
    expect(tty.text()).toMatch(/\x1b\[/); // cursor control: the bar is redrawn in place
    expect(tty.text()).toContain('168/168 hourly windows');
  });

  it('writes plain lines at 25 % steps, with no control characters, when not on a terminal', () => {
    const pipe = stream(false);
    const lines: string[] = [];
    const p = progress('SER backfill', 'hourly windows', (l) => lines.push(l), pipe);
    for (let i = 1; i <= 168; i++) p.update(i, 168);
    p.stop();
    expect(pipe.text()).toBe('');
    expect(lines).toEqual([
      '  SER backfill: 1/168 hourly windows (0%)',
      '  SER backfill: 42/168 hourly windows (25%)',
      '  SER backfill: 84/168 hourly windows (50%)',
      '  SER backfill: 126/168 hourly windows (75%)',
      '  SER backfill: 168/168 hourly windows (100%)',
    ]);
    expect(lines.join('\n')).not.toMatch(/[\r\x1b]/);
  });
});
