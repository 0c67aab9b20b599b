// The (store, business day)s finance could not post, and what a retry needs: the day's rows
// read back whole from the ingest tables. One store's bad figures (data from before the
// protocol's money caps, an unbalanced summary) must not stop the chain's posting: its day is
// rolled back to a savepoint, listed here with the reason, and retried on every run.
import type { Sqlite } from "../db/open.ts";
import type { DayRows } from "./ledger.ts";

export interface FinanceFailure {
  storeId: string;
  businessDay: string;
  reason: string;
  failedAt: string;
  triedAt: string;
}

export function createFinanceFailures(db: Sqlite) {
  const openRows = db.prepare(
    `SELECT store_id AS storeId, business_day AS businessDay, reason, failed_at AS failedAt, tried_at AS triedAt
     FROM finance_failures WHERE resolved_at IS NULL AND (?1 IS NULL OR store_id = ?1)
       AND (?2 IS NULL OR store_id IN (SELECT id FROM stores WHERE region = ?2)) ORDER BY store_id, business_day`,
  );
  const upsert = db.prepare(
    `INSERT INTO finance_failures (store_id, business_day, reason, failed_at, tried_at) VALUES (?1, ?2, ?3, ?4, ?4)
     ON CONFLICT (store_id, business_day) DO UPDATE SET reason = excluded.reason, tried_at = excluded.tried_at,
       failed_at = CASE WHEN resolved_at IS NULL THEN failed_at ELSE excluded.failed_at END, resolved_at = NULL`,
  );
  const resolve = db.prepare(
    "UPDATE finance_failures SET resolved_at = ? WHERE store_id = ? AND business_day = ? AND resolved_at IS NULL",
  );
  const sales = db.prepare(
    "SELECT net_fen AS netFen, tax_fen AS taxFen FROM sales WHERE store_id = ? AND business_day = ?",
  );
  const returns = db.prepare(
    "SELECT refund_fen AS refundFen, tax_fen AS taxFen FROM returns WHERE store_id = ? AND business_day = ?",
  );
  const tenders = db.prepare(
    `SELECT t.doc_kind AS docKind, t.kind AS kind, t.amount_fen AS amountFen FROM tenders t
     LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id
     LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id
     WHERE t.store_id = ?1 AND COALESCE(s.business_day, r.business_day) = ?2`,
  );
  const shifts = db.prepare(
    "SELECT over_short_fen AS overShortFen FROM finance_shifts WHERE store_id = ? AND business_day = ? AND over_short_fen != 0",
  );

  return {
    /** Open failures (of one store or region when given). */
    list(scope: { store?: string; region?: string } = {}): FinanceFailure[] {
      return openRows.all(scope.store ?? null, scope.region ?? null) as FinanceFailure[];
    },
    record(storeId: string, day: string, reason: string, at: string) {
      upsert.run(storeId, day, reason, at);
    },
    resolved(storeId: string, day: string, at: string) {
      resolve.run(at, storeId, day);
    },
    /** Every row of a (store, day) as it is now: a retry folds the whole day again. */
    dayRows(storeId: string, day: string): DayRows {
      return {
        sales: sales.all(storeId, day) as DayRows["sales"],
        returns: returns.all(storeId, day) as DayRows["returns"],
        tenders: tenders.all(storeId, day) as DayRows["tenders"],
        overShortFen: (shifts.all(storeId, day) as { overShortFen: number }[]).map((r) => r.overShortFen),
      };
    },
  };
}

/** Runs `fn` in a savepoint: its writes are kept if it returns, rolled back if it throws. */
export function inSavepoint<T>(db: Sqlite, fn: () => T): T {
  db.exec("SAVEPOINT finance_day");
  try {
    const v = fn();
    db.exec("RELEASE finance_day");
    return v;
  } catch (e) {
    db.exec("ROLLBACK TO finance_day");
    db.exec("RELEASE finance_day");
    throw e;
  }
}
