/**
 * Per-request memoisation of upstream reads that have no batch form: the first caller of a key triggers the call,
 * every later caller in the same request gets the same promise (and the same failure).
 */
import DataLoader from 'dataloader';

export function memoize<A extends unknown[], V>(
  toKey: (...args: A) => string,
  fetch: (...args: A) => Promise<V>,
): (...args: A) => Promise<V> {
  const pending = new Map<string, A>();
  const loader = new DataLoader<string, V>(
    (keys) =>
      Promise.all(
        keys.map((key) => {
          const args = pending.get(key)!;
          pending.delete(key);
          return fetch(...args).catch((e: unknown) => e as Error);
        }),
      ),
    { batch: false },
  );
  return (...args: A) => {
    const key = toKey(...args);
    if (!pending.has(key)) pending.set(key, args);
    return loader.load(key);
  };
}
