// The wallet tenders HQ holds for a business day (storage): per store, its sales and returns of
// the day through their (store, day) indexes, their tenders through the batch-built look-up
// tenders_by_doc plus the short tail above its mark (the way completeness/ reads them), so an
// import costs the day's documents, not a scan of every tender ever ingested.
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Drizzle } from "../db/open.ts";
import { deferredIndexMarks, returns, sales, stores, tenders, tendersByDoc } from "../db/schema.ts";
import type { Provider } from "./bill.ts";
import type { HqTender } from "./match.ts";

export function createHqTenders(orm: Drizzle) {
  const p = (n: string) => sql.placeholder(n);
  const storeIds = orm.select({ id: stores.id }).from(stores).prepare();
  const daySales = orm
    .select({ id: sales.saleId, at: sales.completedAt })
    .from(sales)
    .where(and(eq(sales.storeId, p("store")), eq(sales.businessDay, p("day"))))
    .prepare();
  const dayReturns = orm
    .select({ id: returns.returnId, at: returns.returnedAt })
    .from(returns)
    .where(and(eq(returns.storeId, p("store")), eq(returns.businessDay, p("day"))))
    .prepare();
  const b = tendersByDoc;
  const tail = alias(tenders, "t2");
  const docsOf = (kind: "sale" | "return") =>
    orm
      .select({ id: b.id })
      .from(b)
      .where(
        and(
          eq(b.storeId, p("store")),
          eq(b.docKind, kind),
          inArray(
            b.docId,
            kind === "sale"
              ? orm
                  .select({ id: sales.saleId })
                  .from(sales)
                  .where(and(eq(sales.storeId, p("store")), eq(sales.businessDay, p("day"))))
              : orm
                  .select({ id: returns.returnId })
                  .from(returns)
                  .where(and(eq(returns.storeId, p("store")), eq(returns.businessDay, p("day")))),
          ),
        ),
      );
  const mark = orm
    .select({ upTo: deferredIndexMarks.upTo })
    .from(deferredIndexMarks)
    .where(eq(deferredIndexMarks.name, "tenders_by_doc"));
  const storeTenders = orm
    .select({
      docKind: tenders.docKind,
      docId: tenders.docId,
      amountFen: tenders.amountFen,
      reference: tenders.reference,
    })
    .from(tenders)
    .where(
      and(
        eq(tenders.kind, p("provider")),
        inArray(
          tenders.id,
          docsOf("sale")
            .unionAll(docsOf("return"))
            .unionAll(
              orm
                .select({ id: tail.id })
                .from(tail)
                .where(and(gt(tail.id, sql`(${mark})`), eq(tail.storeId, p("store")))),
            ),
        ),
      ),
    )
    .orderBy(tenders.id)
    .prepare();

  /**
   * A wallet's tenders of the day's sales and returns; with `until`, only of documents completed
   * by then (compared as instants: the stores' times carry their own offsets).
   */
  return function hqTenders(provider: Provider, day: string, until?: string): HqTender[] {
    const limit = until === undefined ? Infinity : Date.parse(until);
    const out: HqTender[] = [];
    for (const { id: store } of storeIds.all()) {
      const docs = new Map<string, number>();
      for (const s of daySales.all({ store, day })) docs.set(`sale:${s.id}`, Date.parse(s.at));
      for (const r of dayReturns.all({ store, day })) docs.set(`return:${r.id}`, Date.parse(r.at));
      if (!docs.size) continue;
      for (const t of storeTenders.all({ store, day, provider })) {
        const at = docs.get(`${t.docKind}:${t.docId}`);
        // The tail above the mark holds the store's other days too; the look-up only this day's.
        if (at === undefined || (until !== undefined && !(at <= limit))) continue;
        out.push({
          storeId: store,
          docKind: t.docKind as "sale" | "return",
          docId: t.docId,
          amountFen: t.amountFen,
          reference: t.reference,
        });
      }
    }
    return out;
  };
}
