import { Observable, from, type ObservableInput, type OperatorFunction } from 'rxjs';

/**
 * Runs `work` for the first item at once; items that arrive while it runs are buffered
 * and handed to ONE follow-up run when it finishes, however many there were. So a burst
 * of triggers during a training yields at most one more evaluation, and none is lost.
 * (exhaustMap would drop them; concatMap would run each one.)
 */
export function coalesceWhileBusy<T, R>(work: (items: T[]) => ObservableInput<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let buffer: T[] = [];
      let busy = false;
      let sourceDone = false;

      const runNext = (): void => {
        if (buffer.length === 0) {
          busy = false;
          if (sourceDone) subscriber.complete();
          return;
        }
        const items = buffer;
        buffer = [];
        busy = true;
        from(work(items)).subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: runNext,
        });
      };

      const subscription = source.subscribe({
        next: (item) => {
          buffer.push(item);
          if (!busy) runNext();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (!busy) subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}
