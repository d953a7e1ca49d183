import { describe, expect, it } from 'vitest';
import { expandMacros, macrosFromConf } from '../../src/dashboards/macros.js';
import { readAppConf } from './app-files.js';

/**
 * The two arithmetic macros the mail dashboard's "after hours" rests on, evaluated. Their eval
 * expressions use only if/match/substr/replace/tonumber/floor, arithmetic and comparisons, so
 * they are run here as JavaScript (each SPL function given its documented meaning: substr is
 * 1-based, = compares) on the scenario's times and on every hour of a week.
 */
const macros = macrosFromConf(readAppConf('macros.conf'));

const FUNCTIONS = {
  if_: (c: boolean, a: unknown, b: unknown) => (c ? a : b),
  match: (s: string, re: string) => new RegExp(re).test(s),
  substr: (s: string, start: number, len: number) => s.substr(start - 1, len),
  replace: (s: string, re: string, by: string) => s.replace(new RegExp(re, 'g'), by),
  tonumber: (s: string) => Number(s),
  floor: Math.floor,
};

/** An SPL eval expression (no fields left) → its value. */
function evalSpl(expr: string): unknown {
  const js = expr
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_m, body: string) => JSON.stringify(body.replace(/\\"/g, '"')))
    .replace(/\bif\(/g, 'if_(')
    .replace(/\bOR\b/g, '||')
    .replace(/\bAND\b/g, '&&')
    .replace(/([^=!<>])=(?!=)/g, '$1===');
  return new Function(...Object.keys(FUNCTIONS), `return (${js});`)(...Object.values(FUNCTIONS));
}

const offset = (tz: string) => evalSpl(expandMacros(`\`ta_ser_mail_tz_offset_seconds("${tz}")\``, macros)) as number;
const afterHours = (iso: string, seconds: number) => evalSpl(expandMacros(`\`ta_ser_mail_after_hours(${Date.parse(iso) / 1000}, ${seconds})\``, macros)) as boolean;

describe('time-zone offset and after-hours macros', () => {
  it('reads the connector\'s offsets: +HH:MM, -HH:MM, +HHMM, UTC and rubbish (0)', () => {
    expect(offset('+01:00')).toBe(3600);
    expect(offset('+09:00')).toBe(32400);
    expect(offset('-05:30')).toBe(-19800);
    expect(offset('+0545')).toBe(20700);
    expect(offset('UTC')).toBe(0);
    expect(offset('Europe/Paris')).toBe(0);
  });

  it('judges the scenario\'s messages in the sender\'s own zone, not UTC', () => {
    expect(afterHours('2026-03-05T07:30:00Z', offset('+01:00'))).toBe(false); // m1: 08:30 in ann's zone
    expect(afterHours('2026-03-05T11:00:00Z', offset('+09:00'))).toBe(true); // m3: 20:00 in Tokyo
    expect(afterHours('2026-03-05T11:00:00Z', 0)).toBe(false); // the same instant in UTC
    expect(afterHours('2026-03-04T18:30:00Z', offset('+01:00'))).toBe(true); // m4: 19:30
    expect(afterHours('2026-03-04T18:30:00Z', 0)).toBe(false);
  });

  it('over a whole week: after hours exactly outside 08:00-19:00 Monday to Friday, local time', () => {
    for (const tz of ['+01:00', '-05:00', '+09:00', 'UTC']) {
      const off = offset(tz);
      for (let h = 0; h < 24 * 7; h++) {
        const t = Date.parse('2026-03-02T00:00:00Z') + h * 3_600_000 - off * 1000; // local Monday 00:00 + h
        const local = new Date(t + off * 1000);
        const day = local.getUTCDay();
        const hour = local.getUTCHours();
        const expected = day === 0 || day === 6 || hour < 8 || hour >= 19;
        expect(afterHours(new Date(t).toISOString(), off), `${tz} ${local.toISOString()}`).toBe(expected);
      }
    }
  });
});
