// The till's search by name and by pinyin initials over the products. Products get a slot
// number so the indexes hold small integers (nothing for the GC to trace): names by a
// character index (Chinese names match by substring), pinyin initials by binary search over a
// sorted array (prefix match, as cashiers type "kkkl" for 可口可乐).
import { type Product, pinyinInitials } from "@retail/protocol";
import { byPinyin, mergePairs } from "./pinyin-order.ts";

export class NameIndex {
  // Products by slot number.
  private readonly slots: string[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Lower-cased name of each slot's product ("" when deleted or inactive), for name search. */
  private readonly names: string[] = [];
  // Name index: character -> slots whose name contains it (stale entries are filtered on read).
  private readonly chars = new Map<string, number[]>();
  /** Pinyin initials of each slot's product: HQ's `pinyin`, else derived from the name. */
  private readonly pinyinOf: string[] = [];
  // Pinyin index: sorted pinyin keys and their slots; rebuilt after a change set touches products.
  private pinyinKeys: string[] = [];
  private pinyinSlots = new Int32Array(0);
  /** The pinyin index is behind the products (rebuild() before the next search). */
  dirty = false;
  /** While built in steps: the pinyin pairs, collected as products are added. */
  private collectPinyin: [string, number][] | undefined;
  private pinyinRuns: [string, number][][] | undefined;

  /** `collect`: the pinyin index is built at the end of a build from pairs collected on the way. */
  constructor(collect = false) {
    if (collect) this.collectPinyin = [];
  }

  /**
   * The product's own SKU string when it has one: each row read from the database carries its
   * own copy, and 100k barcodes and prices each keeping one was ~200k strings more at start.
   */
  skuString(sku: string): string {
    const slot = this.slotOf.get(sku);
    return slot === undefined ? sku : this.slots[slot]!;
  }

  /** A product was added or changed (`old`: what it was). */
  put(p: Product, old: Product | undefined): void {
    let slot = this.slotOf.get(p.sku);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slots.push(p.sku);
      this.slotOf.set(p.sku, slot);
    }
    this.names[slot] = p.status === "active" ? p.name.toLowerCase() : "";
    if (!old || old.name !== p.name) {
      for (const ch of new Set(p.name.toLowerCase())) {
        const list = this.chars.get(ch);
        if (list) list.push(slot);
        else this.chars.set(ch, [slot]);
      }
    }
    if (!old || old.pinyin !== p.pinyin || (!p.pinyin && old.name !== p.name)) {
      // A record without pinyin (older HQ, or a source that does not set it) is still found by
      // its initials: derived here once per record change (~20 us a name).
      this.pinyinOf[slot] = p.pinyin || pinyinInitials(p.name);
      if (!this.collectPinyin) this.dirty = true;
    }
    if (this.collectPinyin && this.pinyinOf[slot]) this.collectPinyin.push([this.pinyinOf[slot]!, slot]);
  }

  /** A product was deleted. */
  remove(sku: string): void {
    const slot = this.slotOf.get(sku);
    if (slot !== undefined) this.names[slot] = "";
    this.dirty = true;
  }

  /** After a chunk of rows: sorted runs of ~4k pairs (a few ms to sort), ~5 levels to merge. */
  chunkAdded(): void {
    const run = this.collectPinyin;
    if (run && run.length >= 4096) this.closeRun();
  }

  private closeRun(): void {
    const run = this.collectPinyin;
    if (!run?.length) return;
    run.sort(byPinyin);
    this.pinyinRuns ??= [];
    this.pinyinRuns.push(run.splice(0));
  }

  /**
   * Ends a build: the pinyin index from the pairs collected on the way (no re-parse). The
   * sorted runs are merged pairwise, `pause` every 8,192 pairs merged, so no single stretch
   * sorts 100k keys (~160-270 ms at once on this machine).
   */
  async finishBuild(pause: () => Promise<void>): Promise<void> {
    this.closeRun();
    let runs = this.pinyinRuns ?? [];
    this.collectPinyin = undefined;
    this.pinyinRuns = undefined;
    while (runs.length > 1) {
      const next: [string, number][][] = [];
      for (let i = 0; i < runs.length; i += 2) {
        if (i + 1 >= runs.length) {
          next.push(runs[i]!);
          break;
        }
        // Merged 8,192 pairs per event-loop turn (a 100k merge at once is ~50 ms).
        const merge = mergePairs(runs[i]!, runs[i + 1]!);
        let step = merge.next();
        while (!step.done) {
          await pause();
          step = merge.next();
        }
        next.push(step.value);
      }
      runs = next;
    }
    this.setPinyin(runs[0] ?? []);
    this.dirty = false;
  }

  /** The pinyin index again from the kept initials (no product is parsed); `has`: still there. */
  rebuild(has: (sku: string) => boolean): void {
    const pairs: [string, number][] = [];
    this.slots.forEach((sku, slot) => {
      const key = this.pinyinOf[slot];
      if (key && has(sku)) pairs.push([key, slot]);
    });
    pairs.sort(byPinyin);
    this.setPinyin(pairs);
    this.dirty = false;
  }

  /** Plain loops: Int32Array.from(pairs, fn) over 100k pairs took tens of ms on its own. */
  private setPinyin(pairs: [string, number][]): void {
    const keys = new Array<string>(pairs.length);
    const slots = new Int32Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      keys[i] = pairs[i]![0];
      slots[i] = pairs[i]![1];
    }
    this.pinyinKeys = keys;
    this.pinyinSlots = slots;
  }

  /** SKUs whose pinyin initials start with `lower`, in key order, until `visit` says stop. */
  pinyinPrefix(lower: string, visit: (sku: string) => boolean): void {
    let lo = 0;
    let hi = this.pinyinKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pinyinKeys[mid]! < lower) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.pinyinKeys.length; i++) {
      if (!this.pinyinKeys[i]!.startsWith(lower)) break;
      if (!visit(this.slots[this.pinyinSlots[i]!]!)) return;
    }
  }

  /**
   * SKUs whose name contains `lower`, until `visit` says stop: walks the rarest character's
   * list and confirms by substring.
   */
  nameContains(lower: string, visit: (sku: string) => boolean): void {
    let best: number[] | undefined;
    for (const ch of new Set(lower)) {
      const list = this.chars.get(ch);
      if (!list) return;
      if (!best || list.length < best.length) best = list;
    }
    for (const slot of best ?? []) {
      if (this.names[slot]!.includes(lower) && !visit(this.slots[slot]!)) return;
    }
  }
}
