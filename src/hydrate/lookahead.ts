/**
 * Per-key lookups answered in batches. The digests of the files about to be hydrated are known in
 * order, so a miss loads that key and the next ones in a single query: a SQLite statement call from
 * Node costs 10-40 µs, more than the rows it returns, and one call per file and source was a fifth
 * of local hydration time (docs/benchmarks.md).
 */
export class Lookahead<V> {
  private order: readonly string[] = [];
  private position = new Map<string, number>();
  private readonly cache = new Map<string, V | null>();

  constructor(
    private readonly load: (keys: readonly string[]) => Map<string, V>,
    private readonly window = 64,
  ) {}

  /** The keys about to be asked for, in order; what an earlier plan loaded is forgotten. */
  plan(keys: readonly string[]): void {
    this.order = keys;
    this.position = new Map();
    keys.forEach((k, i) => {
      if (!this.position.has(k)) this.position.set(k, i);
    });
    this.cache.clear();
  }

  get(key: string): V | undefined {
    if (!this.cache.has(key)) {
      const at = this.position.get(key) ?? this.order.length;
      const batch = new Set([key]);
      for (let i = at; i < this.order.length && batch.size < this.window; i++) if (!this.cache.has(this.order[i]!)) batch.add(this.order[i]!);
      const found = this.load([...batch]);
      for (const k of batch) this.cache.set(k, found.get(k) ?? null);
    }
    return this.cache.get(key) ?? undefined;
  }
}
