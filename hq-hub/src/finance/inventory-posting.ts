// Posting the inventory vouchers: the costed stock movements (cost_movements, one per stock
// ledger row, written in ledger-id order by costing/) above the "inventory" mark, turned into
// vouchers by inventory.ts and posted through postDocumentVoucher, and the mark moved, in one
// IMMEDIATE transaction. Exactly once: a movement is posted in the transaction that moves the
// mark past it, and each voucher's source id names its batch's first ledger id (a batch posted
// again would find its vouchers).
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, financeMarks, stockCounts } from "../db/schema.ts";
import { documentCache, postDocumentVoucher } from "./documents.ts";
import { type CostedMovement, type InventoryRoles, inventoryVouchers } from "./inventory.ts";

const MARK = "inventory";

export function createInventoryPosting(deps: { db: Sqlite; now: () => Date; catchUp: () => unknown }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  const above = orm
    .select({
      ledgerId: costMovements.ledgerId,
      storeId: costMovements.storeId,
      sku: costMovements.sku,
      kind: costMovements.kind,
      ref: costMovements.ref,
      qty: costMovements.qty,
      valueFen: costMovements.valueFen,
      correctionFen: costMovements.correctionFen,
      at: costMovements.at,
    })
    .from(costMovements)
    .where(gt(costMovements.ledgerId, sql.placeholder("mark")))
    .orderBy(asc(costMovements.ledgerId))
    .limit(sql.placeholder("limit"))
    .prepare();

  function mark(): number {
    orm.insert(financeMarks).values({ name: MARK, upTo: 0 }).onConflictDoNothing().run();
    return orm
      .select({ upTo: financeMarks.upTo })
      .from(financeMarks)
      .where(eq(financeMarks.name, MARK))
      .get()!.upTo;
  }

  /** One batch: returns the movements and vouchers posted. */
  function batch(limit: number) {
    return db
      .transaction(() => {
        const from = mark();
        const rows = above.all({ mark: from, limit }) as CostedMovement[];
        if (rows.length === 0) return { movements: 0, vouchers: 0 };
        const at = now().toISOString();
        const roles = new Map<string, InventoryRoles>();
        const rolesOf = (storeId: string) => {
          let r = roles.get(storeId);
          if (!r) {
            r = rulesOf(db, companyOfStore(db, storeId), at);
            roles.set(storeId, r);
          }
          return r;
        };
        const cache = documentCache();
        let vouchers = 0;
        for (const v of inventoryVouchers(rows, rolesOf))
          if (postDocumentVoucher(db, v, { now, cache }).created) vouchers++;
        orm
          .update(financeMarks)
          .set({ upTo: rows.at(-1)!.ledgerId })
          .where(and(eq(financeMarks.name, MARK)))
          .run();
        return { movements: rows.length, vouchers };
      })
      .immediate() as { movements: number; vouchers: number };
  }

  /** Costs what the stock ledger has, then posts every costed movement not posted yet. */
  function post(opts: { batch?: number } = {}) {
    deps.catchUp();
    let movements = 0;
    let vouchers = 0;
    for (;;) {
      const r = batch(opts.batch ?? 20_000);
      movements += r.movements;
      vouchers += r.vouchers;
      if (r.movements === 0) return { movements, vouchers };
    }
  }

  /** Costed movements not posted yet (what a valuation differs from the inventory account by). */
  function unposted(): number {
    const from =
      orm.select({ upTo: financeMarks.upTo }).from(financeMarks).where(eq(financeMarks.name, MARK)).get()
        ?.upTo ?? 0;
    return (
      orm
        .select({ n: sql<number>`COUNT(*)` })
        .from(costMovements)
        .where(gt(costMovements.ledgerId, from))
        .get()?.n ?? 0
    );
  }

  /**
   * The month-end checklist's "counts posted", the one query of it: posts what is waiting, then
   * takes every stock count of the month (by the date its countedAt carries) with the ledger
   * lines it implies (its lines whose counted differs from expected), how many of them are
   * costed and how many posted (below the inventory mark), and also any count adjustment of the
   * month above the mark that no stock_counts row names. `left` names each count not fully
   * costed and posted, or (alone) the posting's failure.
   */
  function countsOfPeriod(period: string): { counts: number; left: string[] } {
    const left: string[] = [];
    let failed: string | undefined;
    try {
      post();
    } catch (e) {
      failed = `inventory posting failed: ${(e as Error).message}`;
    }
    const from =
      orm.select({ upTo: financeMarks.upTo }).from(financeMarks).where(eq(financeMarks.name, MARK)).get()
        ?.upTo ?? 0;
    const counts = orm
      .select({
        storeId: stockCounts.storeId,
        countId: stockCounts.countId,
        lines: sql<number>`(SELECT COUNT(*) FROM json_each(${stockCounts.linesJson}) WHERE json_extract(value, '$.counted') <> json_extract(value, '$.expected'))`,
        costed: sql<number>`COUNT(${costMovements.ledgerId})`,
        posted: sql<number>`TOTAL(${costMovements.ledgerId} <= ${from})`,
      })
      .from(stockCounts)
      .leftJoin(
        costMovements,
        and(
          eq(costMovements.ref, stockCounts.countId),
          eq(costMovements.storeId, stockCounts.storeId),
          eq(costMovements.kind, "count_adjustment"),
        ),
      )
      .where(eq(sql`substr(${stockCounts.countedAt}, 1, 7)`, period))
      .groupBy(stockCounts.storeId, stockCounts.countId)
      .orderBy(stockCounts.storeId, stockCounts.countId)
      .all();
    const named = new Set<string>();
    for (const c of counts) {
      named.add(`${c.storeId}\u0000${c.countId}`);
      if (c.costed < c.lines)
        left.push(`${c.storeId} count ${c.countId}: ${c.lines - c.costed} of ${c.lines} line(s) not costed`);
      else if (c.posted < c.costed)
        left.push(`${c.storeId} count ${c.countId}: ${c.costed - c.posted} line(s) costed, not posted`);
    }
    for (const r of orm
      .select({ storeId: costMovements.storeId, ref: costMovements.ref, n: sql<number>`COUNT(*)` })
      .from(costMovements)
      .where(
        and(
          gt(costMovements.ledgerId, from),
          eq(costMovements.kind, "count_adjustment"),
          eq(sql`substr(${costMovements.at}, 1, 7)`, period),
        ),
      )
      .groupBy(costMovements.storeId, costMovements.ref)
      .all())
      if (!named.has(`${r.storeId}\u0000${r.ref}`))
        left.push(`${r.storeId} count ${r.ref}: ${r.n} line(s) costed, not posted`);
    // A failed posting is what is left: the counts it would have posted follow once it posts.
    return { counts: counts.length, left: failed ? [failed] : left };
  }

  /** countsOfPeriod's list alone. */
  const unpostedCounts = (period: string): string[] => countsOfPeriod(period).left;

  return { post, unposted, unpostedCounts, countsOfPeriod };
}

export type InventoryPosting = ReturnType<typeof createInventoryPosting>;
