import { throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { coalesceWhileBusy } from '../../../src/pipelines/coalesce-while-busy.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('coalesceWhileBusy', () => {
  it('folds a burst that arrives while busy into exactly one follow-up run', () => {
    const runs: string[][] = [];
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-a-bcd|');
      const result = source.pipe(
        coalesceWhileBusy((items: string[]) => {
          runs.push(items);
          return cold('-----(r|)', { r: items.join('') });
        }),
      );
      expectObservable(result).toBe('------a----(x|)', { a: 'a', x: 'bcd' });
    });
    expect(runs).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('runs at once when idle, so spaced items each get their own run', () => {
    const runs: string[][] = [];
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-a------b--|');
      const result = source.pipe(
        coalesceWhileBusy((items: string[]) => {
          runs.push(items);
          return cold('--(r|)', { r: items.join('') });
        }),
      );
      expectObservable(result).toBe('---a------b|');
    });
    expect(runs).toEqual([['a'], ['b']]);
  });

  it('loses nothing: items arriving during a follow-up get a further follow-up', () => {
    const runs: string[][] = [];
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-abcd-efg-h|');
      const result = source.pipe(
        coalesceWhileBusy((items: string[]) => {
          runs.push(items);
          return cold('----(r|)', { r: items.join('') });
        }),
      );
      expectObservable(result).toBe('-----a---b---c---(d|)', { a: 'a', b: 'bcd', c: 'efg', d: 'h' });
    });
    expect(runs.flat()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(runs).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f', 'g'], ['h']]);
  });

  it('passes every value of a run through, in order', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-a|');
      const result = source.pipe(coalesceWhileBusy(() => cold('-x-y|')));
      expectObservable(result).toBe('--x-y|');
    });
  });

  it('completes only after the run in flight has finished', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-a|');
      const result = source.pipe(coalesceWhileBusy(() => cold('------(r|)')));
      expectObservable(result).toBe('-------(r|)');
    });
  });

  it('propagates an error of a run', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const source = hot('-a-b|');
      const result = source.pipe(coalesceWhileBusy(() => throwError(() => new Error('boom'))));
      expectObservable(result).toBe('-#', undefined, new Error('boom'));
    });
  });
});
