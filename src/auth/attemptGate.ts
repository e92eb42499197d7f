/**
 * One attempt at a user's secret at a time, in this process. Attempts are counted in the store
 * before the secret is checked (reserveAttempt), so that concurrent guesses cannot all be evaluated
 * before any is counted; but then concurrent *right* answers would count too, and a user whose
 * app signs in six times at once would be locked out by its own successes. Running each user's
 * reserve, check and clear one after another keeps both: a wrong guess is counted before the next
 * is checked, and a right one clears its count before the next is reserved. Across processes (several
 * on one PostgreSQL) the store's reservation still bounds the guesses.
 *
 * A chain of promises per key; the key is forgotten when its chain is empty, so the map holds only
 * the users with an attempt in flight.
 */
const tails = new Map<string, Promise<void>>();

export function oneAttemptAtATime<T>(poolId: string, name: string, attempt: () => Promise<T>): Promise<T> {
  const key = `${poolId}\u0000${name}`;
  const before = tails.get(key) ?? Promise.resolve();
  const result = before.then(attempt);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}
