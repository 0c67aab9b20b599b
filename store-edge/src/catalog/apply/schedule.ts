// Versions whose effectiveAt lies ahead on the store's clock wait in catalog_scheduled (copied
// from their staged pages SQL to SQL, nothing parsed) until the clock reaches them. A later
// release's delete drops the older scheduled items for the same records, so a scheduled
// version never brings back what was deleted after it.
import type { ChangeItem } from "@retail/protocol";
import { and, asc, count, eq, inArray, lt, lte, min, sql, sum } from "drizzle-orm";
import { catalogScheduled, catalogStaging } from "../../db/schema.ts";
import type { EdgeDb } from "../../db.ts";
import { type AssembledVersion, itemKey } from "../changeset.ts";

/** A scheduled version due now: its pages and items, counted without parsing them. */
export interface DueVersion {
  version: number;
  pages: number;
  items: number;
}

export class Schedule {
  private readonly pageItems;

  constructor(private readonly db: EdgeDb) {
    const s = catalogScheduled;
    this.pageItems = db.d
      .select({ items: s.items })
      .from(s)
      .where(and(eq(s.version, sql.placeholder("version")), eq(s.page, sql.placeholder("page"))))
      .prepare();
  }

  /**
   * Inside the caller's write: copies staged pages of a version scheduled ahead into
   * catalog_scheduled as they are; all of them, or one.
   */
  copyStaged(a: AssembledVersion, page?: number): void {
    const s = catalogStaging;
    this.db.d
      .insert(catalogScheduled)
      .select(
        this.db.d
          .select({
            version: s.version,
            page: s.page,
            effectiveAt: sql<string>`${a.effectiveAt!}`.as("effective_at"),
            // json_array_length: counted once here, so promotion can size a version unparsed.
            itemCount: sql<number>`json_array_length(${s.items})`.as("item_count"),
            items: s.items,
          })
          .from(s)
          .where(
            page === undefined ? eq(s.version, a.version) : and(eq(s.version, a.version), eq(s.page, page)),
          ),
      )
      .run();
  }

  /**
   * Inside the transaction that deletes records at `version`: an older version scheduled ahead
   * must not bring them back when its time comes (the version guard only protects records that
   * exist). Its items for those records are dropped from catalog_scheduled: the store runs the
   * later release's delete, as the release order says.
   */
  dropSuperseded(deletes: readonly ChangeItem[], version: number): void {
    if (deletes.length === 0) return;
    const gone = new Set(deletes.map((i) => `${i.entity}\u0000${itemKey(i)}`));
    const s = catalogScheduled;
    const rows = this.db.d
      .select({ version: s.version, page: s.page, items: s.items })
      .from(s)
      .where(lt(s.version, version))
      .all();
    for (const row of rows) {
      const items = JSON.parse(row.items) as ChangeItem[];
      const kept = items.filter((i) => !gone.has(`${i.entity}\u0000${itemKey(i)}`));
      if (kept.length === items.length) continue;
      this.db.d
        .update(s)
        .set({ items: JSON.stringify(kept), itemCount: kept.length })
        .where(and(eq(s.version, row.version), eq(s.page, row.page)))
        .run();
    }
  }

  /** Inside the caller's write: scheduled versions up to `version` go (a snapshot replaced them). */
  dropUpTo(version: number): void {
    this.db.d.delete(catalogScheduled).where(lte(catalogScheduled.version, version)).run();
  }

  /** Inside the caller's write. */
  drop(versions: number[]): void {
    this.db.d.delete(catalogScheduled).where(inArray(catalogScheduled.version, versions)).run();
  }

  /** Scheduled versions whose time has come at `now`, in version order. */
  due(now: number): DueVersion[] {
    const s = catalogScheduled;
    return this.db.d
      .select({
        version: s.version,
        effectiveAt: min(s.effectiveAt),
        pages: count(),
        items: sum(s.itemCount).mapWith(Number),
      })
      .from(s)
      .groupBy(s.version)
      .orderBy(asc(s.version))
      .all()
      .filter((r) => Date.parse(r.effectiveAt ?? "") <= now)
      .map(({ version, pages, items }) => ({ version, pages, items }));
  }

  /** The scheduled rows of these versions, in version and page order (items as JSON). */
  rows(versions: number[]): { version: number; items: string }[] {
    return this.db.d
      .select({ version: catalogScheduled.version, items: catalogScheduled.items })
      .from(catalogScheduled)
      .where(inArray(catalogScheduled.version, versions))
      .orderBy(asc(catalogScheduled.version), asc(catalogScheduled.page))
      .all();
  }

  /** The page numbers of a scheduled version. */
  pages(version: number): number[] {
    return this.db.d
      .select({ page: catalogScheduled.page })
      .from(catalogScheduled)
      .where(eq(catalogScheduled.version, version))
      .orderBy(asc(catalogScheduled.page))
      .all()
      .map((r) => r.page);
  }

  /** One scheduled page's items (JSON), if it is still there. */
  pageItemsOf(version: number, page: number): string | undefined {
    return this.pageItems.get({ version, page })?.items;
  }

  /** How many scheduled pages these versions have now. */
  pageCount(versions: number[]): number {
    const s = catalogScheduled;
    return this.db.d.select({ n: count() }).from(s).where(inArray(s.version, versions)).get()?.n ?? 0;
  }

  /** Epoch ms of the next scheduled version. */
  nextDue(): number | undefined {
    const row = this.db.d
      .select({ effectiveAt: catalogScheduled.effectiveAt })
      .from(catalogScheduled)
      .orderBy(asc(catalogScheduled.effectiveAt))
      .limit(1)
      .get();
    return row ? Date.parse(row.effectiveAt) : undefined;
  }

  /** Every scheduled version and when it takes effect. */
  list(): { version: number; effectiveAt: string }[] {
    return this.db.d
      .selectDistinct({ version: catalogScheduled.version, effectiveAt: catalogScheduled.effectiveAt })
      .from(catalogScheduled)
      .orderBy(asc(catalogScheduled.version))
      .all();
  }
}
