/**
 * A Map for caches, holding at most `max` entries, every operation O(1). Entries live in two
 * generations: new ones go into the young Map, and when it holds max/2 the old generation is
 * dropped and the young one takes its place. An entry read from the old generation moves back
 * into the young one, so what is in use stays; what has not been used for a generation goes.
 *
 * Why not one Map that drops its oldest entry (`map.delete(map.keys().next().value)`) when full:
 * V8 leaves a hole for each deleted entry and the iterator walks over every hole at the front, so
 * at 20,000 entries each insert cost ~12 us on the benchmark machine (docs/performance.md).
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(max: number) {
    this.generation = Math.max(1, Math.floor(max / 2));
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.young.set(key, aged);
      this.rotate();
    }
    return aged;
  }

  set(key: K, value: V): this {
    this.old.delete(key);
    this.young.set(key, value);
    this.rotate();
    return this;
  }

  delete(key: K): boolean {
    const young = this.young.delete(key);
    return this.old.delete(key) || young;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Entries held (up to `max`). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  private rotate(): void {
    if (this.young.size < this.generation) return;
    this.old = this.young;
    this.young = new Map();
  }
}
