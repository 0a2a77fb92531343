// Values kept until the next write: each is remembered with the number of changes (changes(), SQLite's
// total_changes() on the store's connection) it was made at, and made again once anything was written.
// Bounded by a number of values and, optionally, by their total weight (characters): past either,
// all are forgotten at once.

export class UntilWrite<V> {
  private readonly entries = new Map<string, { changes: number; weight: number; value: V }>();
  private weight = 0;

  constructor(
    private readonly changes: () => number,
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
    private readonly weightOf: (value: V) => number = () => 0,
  ) {}

  /** The value made for `key` since the last write, or `make()`'s, kept. */
  get(key: string, make: () => V): V {
    const changes = this.changes();
    const known = this.entries.get(key);
    if (known?.changes === changes) return known.value;
    const value = make();
    const weight = this.weightOf(value);
    if (known) {
      this.entries.delete(key);
      this.weight -= known.weight;
    }
    if (this.entries.size >= this.maxEntries || this.weight + weight > this.maxWeight) {
      this.entries.clear();
      this.weight = 0;
    }
    if (weight <= this.maxWeight) {
      this.entries.set(key, { changes, weight, value });
      this.weight += weight;
    }
    return value;
  }
}
