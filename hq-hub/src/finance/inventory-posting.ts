// Posting the inventory vouchers: the costed stock movements (cost_movements, one per stock
// ledger row, written in ledger-id order by costing/) above the "inventory" mark, turned into
// vouchers by inventory.ts and posted through postDocumentVoucher, and the mark moved, in one
// IMMEDIATE transaction. Exactly once: a movement is posted in the transaction that moves the
// mark past it, and each voucher's source id names its batch's first ledger id (a batch posted
// again would find its vouchers).
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, financeMarks } from "../db/schema.ts";
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
   * For the month-end checklist's "counts posted": posts what is waiting, then names each count
   * of the month (store and count id) with movements still not in a voucher; [] when all are.
   */
  function unpostedCounts(period: string): string[] {
    try {
      post();
    } catch (e) {
      return [`inventory posting failed: ${(e as Error).message}`];
    }
    const from =
      orm.select({ upTo: financeMarks.upTo }).from(financeMarks).where(eq(financeMarks.name, MARK)).get()
        ?.upTo ?? 0;
    return orm
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
      .all()
      .map((r) => `${r.storeId}: count ${r.ref}: ${r.n} movement(s) not posted`);
  }

  return { post, unposted, unpostedCounts };
}

export type InventoryPosting = ReturnType<typeof createInventoryPosting>;
