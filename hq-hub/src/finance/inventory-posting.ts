// Posting the inventory vouchers: the costed stock movements (cost_movements, one per stock
// ledger row, written in ledger-id order by costing/) above the "inventory" mark, turned into
// vouchers by inventory.ts and posted through postDocumentVoucher, and the mark moved, in one
// IMMEDIATE transaction. Exactly once: a movement is posted in the transaction that moves the
// mark past it, and each voucher's source id names its batch's first ledger id (a batch posted
// again would find its vouchers).
import { and, asc, between, eq, gt, sql } from "drizzle-orm";
import { companyOfStore, rulesOf } from "../accounts/storage.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { costMovements, financeMarks, inventoryHolds, stockCounts } from "../db/schema.ts";
import { atomically, documentCache, postDocumentVoucher } from "./documents.ts";
import { type CostedMovement, type InventoryRoles, inventoryVouchers } from "./inventory.ts";

const MARK = "inventory";

/** A store whose inventory posting is held: its movements from `fromLedgerId` on wait. */
export interface HeldStore {
  storeId: string;
  fromLedgerId: number;
  /** Costed movements of the store waiting (from the hold up to the mark). */
  movements: number;
  reason: string;
  heldAt: string;
  triedAt: string;
}

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

  const heldStmt = orm.select().from(inventoryHolds).prepare();
  /** The stores held now: store -> its hold. */
  const holds = () => new Map(heldStmt.all().map((h) => [h.storeId, h]));
  const heldRows = orm
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
    .where(
      and(
        eq(costMovements.storeId, sql.placeholder("storeId")),
        between(costMovements.ledgerId, sql.placeholder("from"), sql.placeholder("to")),
      ),
    )
    .orderBy(asc(costMovements.ledgerId))
    .prepare();

  /**
   * Posts one store's movements in a savepoint: true when posted; on a failure its writes are
   * rolled back and the store is held from its first movement here, the reason kept.
   */
  function postStore(
    storeId: string,
    rows: CostedMovement[],
    at: string,
    cache: ReturnType<typeof documentCache>,
  ) {
    try {
      let vouchers = 0;
      atomically(db, "inventory_store", () => {
        const roles = rulesOf(db, companyOfStore(db, storeId), at) as InventoryRoles;
        for (const v of inventoryVouchers(rows, () => roles))
          if (postDocumentVoucher(db, v, { now, cache }).created) vouchers++;
      });
      return { ok: true as const, vouchers };
    } catch (e) {
      const reason = `${(e as Error).message}`.slice(0, 500);
      orm
        .insert(inventoryHolds)
        .values({ storeId, fromLedgerId: rows[0]!.ledgerId, reason, heldAt: at, triedAt: at })
        .onConflictDoUpdate({ target: inventoryHolds.storeId, set: { reason, triedAt: at } })
        .run();
      return { ok: false as const, reason };
    }
  }

  /**
   * One batch: each store's movements in a savepoint of their own, so a store that cannot post
   * (a bad movement, its company's chart) is held, named, and the others post; the mark moves
   * past the batch either way (a held store's movements are kept by its hold). A store already
   * held is skipped: its movements wait for the hold's retry, in order.
   */
  function batch(limit: number) {
    return db
      .transaction(() => {
        const from = mark();
        const rows = above.all({ mark: from, limit }) as CostedMovement[];
        if (rows.length === 0) return { movements: 0, vouchers: 0 };
        const at = now().toISOString();
        const held = holds();
        const byStore = new Map<string, CostedMovement[]>();
        for (const r of rows) {
          if (held.has(r.storeId)) continue;
          const list = byStore.get(r.storeId);
          if (list) list.push(r);
          else byStore.set(r.storeId, [r]);
        }
        let vouchers = 0;
        let movements = 0;
        for (const [storeId, list] of byStore) {
          // A cache per store: a store rolled back must not leave what it read for the next.
          const r = postStore(storeId, list, at, documentCache());
          if (r.ok) {
            vouchers += r.vouchers;
            movements += list.length;
          }
        }
        orm
          .update(financeMarks)
          .set({ upTo: rows.at(-1)!.ledgerId })
          .where(and(eq(financeMarks.name, MARK)))
          .run();
        return { movements, vouchers, batch: rows.length };
      })
      .immediate() as { movements: number; vouchers: number; batch?: number };
  }

  /** Each held store tried again: all its movements from the hold up to the mark, or none. */
  function retryHolds() {
    let movements = 0;
    let vouchers = 0;
    for (const h of holds().values())
      db.transaction(() => {
        const at = now().toISOString();
        const rows = heldRows.all({
          storeId: h.storeId,
          from: h.fromLedgerId,
          to: mark(),
        }) as CostedMovement[];
        const r = rows.length
          ? postStore(h.storeId, rows, at, documentCache())
          : { ok: true as const, vouchers: 0 };
        if (r.ok) {
          orm.delete(inventoryHolds).where(eq(inventoryHolds.storeId, h.storeId)).run();
          movements += rows.length;
          vouchers += r.vouchers;
        }
      }).immediate();
    return { movements, vouchers };
  }

  /** What is held now, named: store, since which ledger id, how many movements wait, why. */
  function held(): HeldStore[] {
    const upTo = mark();
    return [...holds().values()].map((h) => ({
      storeId: h.storeId,
      fromLedgerId: h.fromLedgerId,
      movements:
        orm
          .select({ n: sql<number>`COUNT(*)` })
          .from(costMovements)
          .where(
            and(eq(costMovements.storeId, h.storeId), between(costMovements.ledgerId, h.fromLedgerId, upTo)),
          )
          .get()?.n ?? 0,
      reason: h.reason,
      heldAt: h.heldAt,
      triedAt: h.triedAt,
    }));
  }

  /**
   * Costs what the stock ledger has, then posts every costed movement not posted yet: held
   * stores first (a fixed chart posts them whole), then the new ones. A store that cannot post
   * is held and named in `held` (present only when a store is held); the others post.
   */
  function post(opts: { batch?: number } = {}): { movements: number; vouchers: number; held?: HeldStore[] } {
    deps.catchUp();
    const retried = retryHolds();
    let movements = retried.movements;
    let vouchers = retried.vouchers;
    for (;;) {
      const r = batch(opts.batch ?? 20_000);
      movements += r.movements;
      vouchers += r.vouchers;
      if (!r.batch) {
        const h = held();
        return h.length ? { movements, vouchers, held: h } : { movements, vouchers };
      }
    }
  }

  /** Costed movements not posted yet (what a valuation differs from the inventory account by): above the mark and held. */
  function unposted(): number {
    const from = mark();
    const above =
      orm
        .select({ n: sql<number>`COUNT(*)` })
        .from(costMovements)
        .where(gt(costMovements.ledgerId, from))
        .get()?.n ?? 0;
    return above + held().reduce((n, h) => n + h.movements, 0);
  }

  /** Whether a store's movement is posted: below the mark and not in its store's hold. */
  function postedTest() {
    const upTo = mark();
    const hs = holds();
    return (storeId: string, ledgerId: number) =>
      ledgerId <= upTo && !(ledgerId >= (hs.get(storeId)?.fromLedgerId ?? Infinity));
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
    const from = mark();
    const hs = holds();
    const counts = orm
      .select({
        storeId: stockCounts.storeId,
        countId: stockCounts.countId,
        lines: sql<number>`(SELECT COUNT(*) FROM json_each(${stockCounts.linesJson}) WHERE json_extract(value, '$.counted') <> json_extract(value, '$.expected'))`,
        costed: sql<number>`COUNT(${costMovements.ledgerId})`,
        posted: sql<number>`TOTAL(${costMovements.ledgerId} <= ${from} AND ${costMovements.ledgerId} < COALESCE((SELECT h.from_ledger_id FROM inventory_holds h WHERE h.store_id = ${stockCounts.storeId}), ${from} + 1))`,
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
        left.push(
          `${c.storeId} count ${c.countId}: ${c.costed - c.posted} line(s) costed, not posted${hs.has(c.storeId) ? `: the store's inventory posting is held: ${hs.get(c.storeId)!.reason}` : ""}`,
        );
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
    // Held stores' count adjustments no count row names (below the mark, so not above).
    for (const h of hs.values())
      for (const r of orm
        .select({ ref: costMovements.ref, n: sql<number>`COUNT(*)` })
        .from(costMovements)
        .where(
          and(
            eq(costMovements.storeId, h.storeId),
            between(costMovements.ledgerId, h.fromLedgerId, from),
            eq(costMovements.kind, "count_adjustment"),
            eq(sql`substr(${costMovements.at}, 1, 7)`, period),
          ),
        )
        .groupBy(costMovements.ref)
        .all())
        if (!named.has(`${h.storeId}\u0000${r.ref}`))
          left.push(
            `${h.storeId} count ${r.ref}: ${r.n} line(s) costed, not posted: the store's inventory posting is held: ${h.reason}`,
          );
    // A failed posting is what is left: the counts it would have posted follow once it posts.
    return { counts: counts.length, left: failed ? [failed] : left };
  }

  /** countsOfPeriod's list alone. */
  const unpostedCounts = (period: string): string[] => countsOfPeriod(period).left;

  return { post, unposted, unpostedCounts, countsOfPeriod, held, postedTest };
}

export type InventoryPosting = ReturnType<typeof createInventoryPosting>;
