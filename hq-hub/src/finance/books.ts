// The books beyond the sales days: inventory vouchers from the cost ledger (inventory-posting.ts)
// and the valuation report that proves them (valuation.ts). Wired in hub.ts after costing.
import type { Sqlite } from "../db/open.ts";
import { createInventoryPosting } from "./inventory-posting.ts";
import { createValuationReport, type ValuationRow } from "./valuation.ts";

export function createBooks(deps: {
  db: Sqlite;
  now: () => Date;
  costing: { catchUp: () => unknown; valuation: (q: { date: string; store?: string }) => ValuationRow[] };
}) {
  const inventory = createInventoryPosting({
    db: deps.db,
    now: deps.now,
    catchUp: () => deps.costing.catchUp(),
  });
  const valuation = createValuationReport({
    db: deps.db,
    now: deps.now,
    valuation: deps.costing.valuation,
    unposted: inventory.unposted,
  });
  return {
    /** Costs and posts every stock movement not posted yet: {movements, vouchers}. */
    postInventory: inventory.post,
    unpostedMovements: inventory.unposted,
    /** The close checklist's "counts posted": posts, then lists the month's counts not in a voucher. */
    unpostedCounts: inventory.unpostedCounts,
    /** The same, with how many counts the month has (the checklist's step reads this). */
    countsOfPeriod: inventory.countsOfPeriod,
    /** Stores whose inventory posting is held (one store's bad movement stops only that store), with why. */
    held: inventory.held,
    /** (storeId, ledgerId) -> whether that movement is in a voucher: below the mark and not held. */
    postedTest: inventory.postedTest,
    /** Valuation per store and category at the end of `date`, beside the inventory account. */
    valuation: valuation.report,
  };
}

export type Books = ReturnType<typeof createBooks>;
