import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupRecord } from '../src/store/store.js';
import { groupClaims } from '../src/tokens/groupClaims.js';

const group = (name: string, precedence: number | null, roleArn: string | null = null): GroupRecord => ({
  poolId: 'us-east-1_x', name, description: null, roleArn, precedence, createdAt: 0, modifiedAt: 0,
});
const role = (n: string) => `arn:aws:iam::123456789012:role/${n}`;

test('no groups, no claims', () => {
  assert.deepEqual(groupClaims([]), { access: {}, id: {} });
});

test('cognito:groups by precedence (null last), then name; roles once each, in that order', () => {
  const claims = groupClaims([group('z', null, role('z')), group('b', 2), group('a', 2, role('a')), group('c', 0), group('y', null, role('a'))]);
  assert.deepEqual(claims.access, { 'cognito:groups': ['c', 'a', 'b', 'y', 'z'] });
  assert.deepEqual(claims.id, { 'cognito:groups': ['c', 'a', 'b', 'y', 'z'], 'cognito:roles': [role('a'), role('z')], 'cognito:preferred_role': role('a') });
});

test('cognito:preferred_role: the lowest precedence among groups with a role; a tie of different roles sets none', () => {
  assert.equal(groupClaims([group('a', 5, role('a')), group('b', 1, role('b')), group('c', 0)]).id['cognito:preferred_role'], role('b'));
  assert.equal(groupClaims([group('a', 1, role('a')), group('b', 1, role('b'))]).id['cognito:preferred_role'], undefined);
  assert.equal(groupClaims([group('a', 1, role('s')), group('b', 1, role('s')), group('c', 0)]).id['cognito:preferred_role'], role('s'));
  // A group with a number beats one without; groups without one tie with each other.
  assert.equal(groupClaims([group('a', null, role('a')), group('b', 9, role('b'))]).id['cognito:preferred_role'], role('b'));
  assert.equal(groupClaims([group('a', null, role('a'))]).id['cognito:preferred_role'], role('a'));
  assert.equal(groupClaims([group('a', null, role('a')), group('b', null, role('b'))]).id['cognito:preferred_role'], undefined);
  // No role anywhere: groups only.
  assert.deepEqual(groupClaims([group('a', 1)]).id, { 'cognito:groups': ['a'] });
});
