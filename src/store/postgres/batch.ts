import type { PostgresContext } from './context.js';
import type { Row } from '../rows.js';

/**
 * Statement batching for the PostgreSQL store: the calls of one kind that arrive while the event
 * loop is busy go to PostgreSQL as one statement over arrays (`unnest`), so N requests pay one
 * round trip, one Bind/Execute and one result to decode instead of N (issue 17: PostgreSQL made
 * faster "with fewer round trips per operation").
 *
 * Nothing is cached or delayed past what a request would wait anyway: a call is sent at the end of
 * the event-loop turn it was made in (setImmediate), or, when `maxInFlight` statements of its kind
 * are already out, as soon as one returns. Each statement reads the rows after every call in it was
 * made, so a change committed before a request arrived (a revocation by another instance) is seen,
 * exactly as with one statement per call.
 */
export class Batcher<In, Out> {
  private queue: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  /**
   * @param run the statement for a batch: one result per input, in input order (a `Failed` fails
   *   that call only); if it throws, every call of the batch fails with its error.
   * @param maxBatch most calls in one statement.
   * @param maxInFlight most statements of this kind out at once; the rest queue (and grow the batch).
   */
  constructor(
    private readonly run: (inputs: In[]) => Promise<(Out | Failed)[]>,
    private readonly maxBatch = 64,
    private readonly maxInFlight = 2,
  ) {}

  load(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.input)).then(
        (outs) =>
          batch.forEach((b, i) => {
            const out = outs[i];
            if (out instanceof Failed) b.reject(out.error);
            else b.resolve(out);
          }),
        (err) => batch.forEach((b) => b.reject(err)),
      ).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }
}

/** A batch's answer for one call that failed alone (the others' answers stand). */
export class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * A batch of reads of at most one row per key: `text` selects `k.i` (the key's 1-based position)
 * and the row's columns from `unnest($1::text[], ...) WITH ORDINALITY AS k(..., i)`, with one array
 * per key part. Answers in the keys' order, undefined where no row was found.
 */
export async function readByKeys<T>(
  ctx: Pick<PostgresContext, 'query'>,
  text: string,
  keys: string[][],
  make: (row: Row) => T,
): Promise<(T | undefined)[]> {
  const { rows } = await ctx.query(text, keys[0].map((_, part) => keys.map((k) => k[part])));
  const found: (T | undefined)[] = new Array(keys.length).fill(undefined);
  // `i` is left out of what make sees: pool and client records are reused by content (fromContent).
  for (const { i, ...row } of rows) found[(i as number) - 1] = make(row);
  return found;
}
