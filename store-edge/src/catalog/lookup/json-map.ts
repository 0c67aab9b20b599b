// A map of catalog records kept as JSON text (or its UTF-8 bytes), parsed on read: what keeps
// 100k SKUs small for the garbage collector and for the edge's memory.
/**
 * A map whose values are kept as JSON text and parsed on read. At 100k SKUs the catalog is most
 * of the heap; as strings it is a few hundred thousand leaf cells instead of millions of
 * objects for the garbage collector to trace, which is what kept scan latency's p99 up.
 *
 * `bytes`: the text is kept as its UTF-8 bytes, one per character of a Latin-1 string. A
 * string holding one Chinese character is stored two bytes a character, so a product record
 * (~145 characters, a Chinese name) took ~290 bytes; as UTF-8 bytes ~160 (with 100k SKUs ~25 MB
 * less of the edge's memory), for ~1 us more per read.
 */
export class JsonMap<T> {
  private readonly m = new Map<string, string>();
  constructor(private readonly bytes = false) {}
  get(key: string): T | undefined {
    const raw = this.m.get(key);
    return raw === undefined ? undefined : this.parse(raw);
  }
  set(key: string, value: T, raw?: string): void {
    const text = raw ?? JSON.stringify(value);
    this.m.set(key, this.bytes ? Buffer.from(text, "utf8").toString("latin1") : text);
  }
  private parse(raw: string): T {
    return JSON.parse(this.bytes ? Buffer.from(raw, "latin1").toString("utf8") : raw) as T;
  }
  has(key: string): boolean {
    return this.m.has(key);
  }
  delete(key: string): boolean {
    return this.m.delete(key);
  }
  get size(): number {
    return this.m.size;
  }
  *values(): IterableIterator<T> {
    for (const raw of this.m.values()) yield this.parse(raw);
  }
}
