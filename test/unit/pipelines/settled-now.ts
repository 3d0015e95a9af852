import type { Observable } from 'rxjs';

/**
 * A promise look-alike that settles synchronously. Promises settle in microtasks, outside
 * the TestScheduler's virtual time, so a pipeline step that awaits a real promise would
 * emit after the flush; this one lets marble tests drive steps typed as Promise-returning.
 * RxJS's `from` only relies on `then` (and chains a second `then`), which is all this has.
 */
export function settledNow<T>(value: T): Promise<T> {
  const thenable = {
    then<R>(onFulfilled?: ((resolved: T) => R) | null): unknown {
      return settledNow(onFulfilled ? onFulfilled(value) : value);
    },
  };
  return thenable as unknown as Promise<T>;
}

/** A promise look-alike that settles when `source` (a cold marble) emits or errors, in virtual time. */
export function settledWhen<T>(source: Observable<T>): Promise<T> {
  const thenable = {
    then(onFulfilled?: ((value: T) => unknown) | null, onRejected?: ((error: unknown) => unknown) | null): unknown {
      source.subscribe({ next: (value) => onFulfilled?.(value), error: (error: unknown) => onRejected?.(error) });
      // What RxJS chains after (an unhandled-rejection reporter) must not subscribe again.
      return { then: () => undefined };
    },
  };
  return thenable as unknown as Promise<T>;
}
