import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, Failed } from '../src/store/postgres/batch.js';

/**
 * The PostgreSQL store's batching (src/store/postgres/batch.ts): what each caller gets back, and
 * when statements go out. The statements themselves are tested on a real PostgreSQL through the
 * store contract (test/store.contract.test.ts) and the index test.
 */

test('calls made in one turn share one run, and each gets its own answer', async () => {
  const runs: number[][] = [];
  const batcher = new Batcher<number, number>(async (inputs) => {
    runs.push(inputs);
    return inputs.map((n) => n * 10);
  });
  assert.deepEqual(await Promise.all([1, 2, 3].map((n) => batcher.load(n))), [10, 20, 30]);
  assert.deepEqual(runs, [[1, 2, 3]]);
  assert.equal(await batcher.load(4), 40, 'a later call runs alone');
  assert.deepEqual(runs, [[1, 2, 3], [4]]);
});

test('a Failed answer fails its own call only; a thrown error fails the whole batch', async () => {
  const failing = new Batcher<number, number>(async (inputs) => inputs.map((n) => (n === 2 ? new Failed(new Error('two')) : n)));
  const settled = await Promise.allSettled([1, 2, 3].map((n) => failing.load(n)));
  assert.deepEqual(settled.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(((settled[1] as PromiseRejectedResult).reason as Error).message, 'two');

  const throwing = new Batcher<number, number>(async () => {
    throw new Error('connection lost');
  });
  const all = await Promise.allSettled([1, 2].map((n) => throwing.load(n)));
  assert.deepEqual(all.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')), ['connection lost', 'connection lost']);
});

test('no more than maxInFlight runs are out; calls made meanwhile wait and go out together', async () => {
  let out = 0;
  let most = 0;
  const sizes: number[] = [];
  const release: (() => void)[] = [];
  const batcher = new Batcher<number, number>(
    async (inputs) => {
      out++;
      most = Math.max(most, out);
      sizes.push(inputs.length);
      await new Promise<void>((resolve) => release.push(resolve));
      out--;
      return inputs;
    },
    3, // at most 3 calls per run
    2,
  );
  const first = [batcher.load(1), batcher.load(2), batcher.load(3), batcher.load(4), batcher.load(5), batcher.load(6), batcher.load(7)];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sizes, [3, 3], 'two runs of at most 3 calls are out, the seventh call waits');
  const later = [batcher.load(8), batcher.load(9)];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sizes, [3, 3], 'still two out');
  release.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sizes, [3, 3, 3], 'when one returns, the waiting calls go out together');
  while (release.length) {
    release.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all([...first, ...later]), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(most, 2);
});
