/** The caches' bounded map (src/boundedMap.ts): never more than its bound, and what is in use stays. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../src/boundedMap.js';

test('holds at most its bound, however many entries go in', () => {
  const map = new BoundedMap<number, string>(100);
  for (let i = 0; i < 10_000; i++) {
    map.set(i, `v${i}`);
    assert.ok(map.size <= 100, `size ${map.size} after ${i + 1} inserts`);
  }
  assert.equal(map.get(9_999), 'v9999', 'the newest entry is there');
  assert.equal(map.get(0), undefined, 'the oldest is gone');
});

test('an entry that keeps being read survives any number of newer ones', () => {
  const map = new BoundedMap<string, number>(10);
  map.set('hot', 1);
  for (let i = 0; i < 1_000; i++) {
    map.set(`cold-${i}`, i);
    assert.equal(map.get('hot'), 1, `after ${i + 1} other entries`);
  }
});

test('set replaces, delete and clear remove, from either generation', () => {
  const map = new BoundedMap<string, number>(6);
  map.set('a', 1).set('b', 2).set('c', 3); // c fills the young generation: a, b and c become the old one
  map.set('d', 4);
  map.set('a', 10);
  assert.equal(map.get('a'), 10);
  assert.equal(map.delete('b'), true);
  assert.equal(map.get('b'), undefined);
  assert.equal(map.delete('b'), false);
  map.clear();
  assert.equal(map.size, 0);
  assert.equal(map.get('d'), undefined);
});
