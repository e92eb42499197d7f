import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { CognitoError } from '../src/errors.js';
import { srpQueueFull } from '../src/crypto/srpPool.js';
import { WorkerPool } from '../src/crypto/workerPool.js';

/** A worker that answers each message after 100 ms, with an error when asked for one. */
const SLOW = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, fail }) => setTimeout(() => parentPort.postMessage(fail ? { id, error: 'no' } : { id, result: id }), 100));
`;

test('a full worker queue refuses at once with the SRP pool error (TooManyRequestsException), then recovers', async () => {
  const pool = new WorkerPool(() => new Worker(SLOW, { eval: true }), 1, 2, srpQueueFull);
  try {
    const first = pool.run<number>({});
    const second = pool.run<number>({ fail: true });
    assert.equal(pool.queued, 2);
    const started = Date.now();
    await assert.rejects(pool.run({}), (err: unknown) => {
      assert.ok(err instanceof CognitoError);
      assert.equal(err.type, 'TooManyRequestsException');
      assert.equal(err.status, 400);
      assert.equal(err.message, 'Too many requests; try again later.');
      return true;
    });
    assert.ok(Date.now() - started < 50, 'refused without waiting');
    assert.equal(await first, 0);
    await assert.rejects(second, /no/);
    // Answers and errors both free their place.
    assert.equal(pool.queued, 0);
    assert.equal(typeof (await pool.run<number>({})), 'number');
  } finally {
    await pool.close();
  }
});
