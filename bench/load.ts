/**
 * Load generation: autocannon (closed loop, keep-alive, pipelining 1) for the one-request benches,
 * and a closed loop of our own for the two-request SRP and MFA sign-ins. Throughput counts only
 * HTTP 200 answers; latencies are those of 200 answers, kept exactly (autocannon's own histogram
 * rounds to whole milliseconds), and every other status is counted and reported.
 */
import autocannon from 'autocannon';
import { TARGET_PREFIX } from './http.js';

export interface LoadResult {
  /** HTTP 200 answers. */
  ok: number;
  /** Status code -> count, for every answer that was not 200. */
  other: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  seconds: number;
  /** ok / seconds. */
  rps: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

class Latencies {
  private values = new Float64Array(1 << 16);
  private n = 0;
  add(ms: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = ms;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.n).sort();
  }
}

export function jsonRequestHeaders(operation: string): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET_PREFIX + operation };
}

export interface AutocannonLoad {
  url: string;
  connections: number;
  /** Seconds; or give amount. */
  duration?: number;
  /** A fixed number of requests. */
  amount?: number;
  requests: autocannon.Request[];
  /** The status that counts as a success (default 200; 400 for a look-up that must fail, as an unknown user's). */
  okStatus?: number;
}

export async function runAutocannon(load: AutocannonLoad): Promise<LoadResult> {
  const latencies = new Latencies();
  const other: Record<string, number> = {};
  let ok = 0;
  const started = performance.now();
  let lastResponseAt = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        pipelining: 1,
        method: 'POST',
        timeout: 30,
        ...(load.amount !== undefined ? { amount: load.amount } : { duration: load.duration ?? 10 }),
        requests: load.requests,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastResponseAt = performance.now();
      if (statusCode === (load.okStatus ?? 200)) {
        ok++;
        latencies.add(responseTime);
      } else {
        other[statusCode] = (other[statusCode] ?? 0) + 1;
      }
    });
  });
  // A fixed-count run ends at the last answer: autocannon only notices that it is done on its
  // once-a-second tick, so its own duration (and the time until it calls back) is rounded up to
  // whole seconds, which would understate a short run's rate by up to half.
  const seconds = load.amount !== undefined ? (lastResponseAt - started) / 1000 : result.duration;
  const sorted = latencies.sorted();
  return {
    ok,
    other,
    errors: result.errors + result.timeouts,
    seconds,
    rps: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** How long a closed loop runs: until `count` tasks have started, or for `seconds`. */
export type LoopLimit = { count: number } | { seconds: number };

/**
 * A closed loop of `concurrency` workers, each running `task` again as soon as its last one ended,
 * until `count` tasks have started or `seconds` have passed (tasks running at the deadline finish
 * and count; the run is timed to the end of the last one). A task resolves with its latency in ms
 * when it succeeded, or a failure label.
 */
export async function runClosedLoop(
  limit: LoopLimit,
  concurrency: number,
  task: (index: number) => Promise<{ ms: number } | { failure: string }>,
): Promise<LoadResult> {
  const latencies = new Latencies();
  const other: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const more =
    'count' in limit
      ? (i: number) => i < limit.count
      : (() => {
          const deadline = started + limit.seconds * 1000;
          return () => performance.now() < deadline;
        })();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (!more(i)) return;
      try {
        const r = await task(i);
        if ('ms' in r) {
          ok++;
          latencies.add(r.ms);
        } else {
          other[r.failure] = (other[r.failure] ?? 0) + 1;
        }
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sorted();
  return { ok, other, errors, seconds, rps: ok / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}
