import { describe, expect, it } from 'vitest';
import { EventQueue } from '../src/internal.ts';

describe('EventQueue', () => {
  it('event queue - pauses at high water and resumes at low water', async () => {
    const calls: string[] = [];
    const queue = new EventQueue<number>({ highWater: 4, lowWater: 1, overflow: 'pause', onPause: () => calls.push('pause'), onResume: () => calls.push('resume') });
    for (let i = 0; i < 6; i++) queue.push(i, 10);
    expect(calls).toEqual(['pause']);
    expect(queue.length).toBe(6);
    expect(queue.weight).toBe(60);
    const taken: number[] = [];
    for (let i = 0; i < 5; i++) taken.push((await queue.next()).value as number);
    expect(taken).toEqual([0, 1, 2, 3, 4]);
    expect(calls).toEqual(['pause', 'resume']);
    queue.end();
    expect(await queue.next()).toEqual({ value: 5, done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('event queue - a waiting consumer gets the next push directly', async () => {
    const queue = new EventQueue<string>({ highWater: 2, lowWater: 0, overflow: 'pause' });
    const pending = queue.next();
    queue.push('a');
    expect(await pending).toEqual({ value: 'a', done: false });
    const ending = queue.next();
    queue.end();
    expect(await ending).toEqual({ value: undefined, done: true });
  });

  it('event queue - drop-oldest keeps the newest items and counts drops', () => {
    const queue = new EventQueue<number>({ highWater: 3, lowWater: 0, overflow: 'drop-oldest' });
    for (let i = 0; i < 10; i++) queue.push(i);
    expect(queue.drainAll()).toEqual([7, 8, 9]);
    expect(queue.dropped).toBe(7);
  });

  it('event queue - stays correct across compaction', async () => {
    const queue = new EventQueue<number>({ highWater: 100_000, lowWater: 10, overflow: 'pause' });
    for (let i = 0; i < 5000; i++) queue.push(i);
    for (let i = 0; i < 5000; i++) expect((await queue.next()).value).toBe(i);
    expect(queue.length).toBe(0);
  });
});
