/**
 * @module A bounded per-isolate cache of values computed asynchronously (derived secrets, imported keys). It keeps
 * settled values only: a Worker's concurrent requests must not await one pending promise, since workerd ties it to
 * the request that created it and cancels the others' continuations if that request ends first. Two requests that
 * miss together both compute; the results are equal, so the second write is harmless.
 */
export class SettledCache<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly max: number) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = await load();
    // Oldest first out: Map iterates in insertion order.
    if (!this.values.has(key) && this.values.size >= this.max) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, value);
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}
