import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/server/turns.js';

describe('Turns', () => {
  it('lets one waiter through per turn of the event loop, in order, with I/O callbacks and timers served in between', async () => {
    const turns = new Turns();
    const events: string[] = [];
    const waits = [1, 2, 3].map((n) => turns.next().then(() => events.push(`turn ${n}`)));
    expect(turns.size).toBe(3);
    // An immediate queued now runs in the same check phase as the first release, before the second one.
    setImmediate(() => events.push('other immediate'));
    await Promise.all(waits);
    expect(events).toEqual(['turn 1', 'other immediate', 'turn 2', 'turn 3']);
    expect(turns.size).toBe(0);
  });

  it('serves a timer that falls due between two turns before the next waiter', async () => {
    const turns = new Turns();
    const events: string[] = [];
    const first = turns.next().then(() => {
      events.push('turn 1');
      setTimeout(() => events.push('timer'), 1);
      const until = performance.now() + 5;
      while (performance.now() < until); // a turn that holds the loop past the timer's due time
    });
    const second = turns.next().then(() => events.push('turn 2'));
    await Promise.all([first, second]);
    await new Promise((r) => setTimeout(r, 5));
    expect(events.indexOf('timer')).toBeLessThan(events.indexOf('turn 2'));
  });
});
