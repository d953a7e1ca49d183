import { describe, expect, it } from 'vitest';
import { MemoryGate } from '../../src/hec/memory-gate.js';

describe('MemoryGate', () => {
  it('admits waiting events in order as bytes are released', async () => {
    const gate = new MemoryGate(100);
    gate.used = 90;
    expect(gate.mustWait(20)).toBe(true);
    expect(gate.mustWait(10)).toBe(false);
    const added: string[] = [];
    const add = async (json: string, bytes: number) => {
      added.push(json);
      gate.used += bytes;
    };
    const a = gate.wait('a', 20);
    const b = gate.wait('b', 5);
    expect(gate.mustWait(1)).toBe(true); // someone is in line: newcomers queue behind
    expect(gate.waitingEvents).toBe(2);
    gate.admit(add);
    expect(added).toEqual([]); // 90 + 20 > 100: the head still waits, and b stays behind it
    gate.used = 70;
    gate.admit(add);
    await Promise.all([a, b]);
    expect(added).toEqual(['a', 'b']);
    expect(gate.used).toBe(95);
  });

  it('lets a room-only waiter through without adding anything', async () => {
    const gate = new MemoryGate(10);
    gate.used = 10;
    expect(gate.full).toBe(true);
    const w = gate.wait(undefined, 0);
    expect(gate.waitingEvents).toBe(0);
    gate.used = 5;
    gate.admit(async () => {
      throw new Error('must not be called');
    });
    await expect(w).resolves.toBeUndefined();
  });

  it('abandon rejects waiting events, releases room waiters and counts the events', async () => {
    const gate = new MemoryGate(1);
    gate.used = 1;
    const e1 = gate.wait('x', 1);
    const r = gate.wait(undefined, 0);
    const e2 = gate.wait('y', 1);
    expect(gate.abandon(() => new Error('closed'))).toBe(2);
    await expect(e1).rejects.toThrow('closed');
    await expect(e2).rejects.toThrow('closed');
    await expect(r).resolves.toBeUndefined();
    expect(gate.waitingEvents).toBe(0);
  });
});
