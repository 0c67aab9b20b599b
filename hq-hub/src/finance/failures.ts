// The (store, business day)s finance could not post, and what a retry needs: the day's rows
// read back whole from the ingest tables. One store's bad figures (data from before the
// protocol's money caps, an unbalanced summary) must not stop the chain's posting: its day is
// rolled back to a savepoint, listed here with the reason, and retried on every run.
import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { financeFailures, financeShifts, returns, sales, stores, tenders } from "../db/schema.ts";
import type { DayRows } from "./ledger.ts";

export interface FinanceFailure {
  storeId: string;
  businessDay: string;
  reason: string;
  failedAt: string;
  triedAt: string;
}

export function createFinanceFailures(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  const day = (t: { storeId: SQLiteColumn; businessDay: SQLiteColumn }) =>
    and(eq(t.storeId, p("storeId")), eq(t.businessDay, p("day")));
  const f = financeFailures;
  const failure = {
    storeId: f.storeId,
    businessDay: f.businessDay,
    reason: f.reason,
    failedAt: f.failedAt,
    triedAt: f.triedAt,
  };
  const upsert = orm
    .insert(f)
    .values({
      storeId: p("storeId"),
      businessDay: p("day"),
      reason: p("reason"),
      failedAt: p("at"),
      triedAt: p("at"),
    })
    .onConflictDoUpdate({
      target: [f.storeId, f.businessDay],
      set: {
        reason: sql`excluded.reason`,
        triedAt: sql`excluded.tried_at`,
        failedAt: sql`CASE WHEN ${f.resolvedAt} IS NULL THEN ${f.failedAt} ELSE excluded.failed_at END`,
        resolvedAt: null,
      },
    })
    .prepare();
  const resolve = orm
    .update(f)
    .set({ resolvedAt: sql`${p("at")}` })
    .where(and(eq(f.storeId, p("storeId")), eq(f.businessDay, p("day")), isNull(f.resolvedAt)))
    .prepare();
  const daySales = orm
    .select({ netFen: sales.netFen, taxFen: sales.taxFen })
    .from(sales)
    .where(day(sales))
    .prepare();
  const dayReturns = orm
    .select({ refundFen: returns.refundFen, taxFen: returns.taxFen })
    .from(returns)
    .where(day(returns))
    .prepare();
  // A tender belongs to its document's business day.
  const s = alias(sales, "s");
  const r = alias(returns, "r");
  const dayTenders = orm
    .select({ docKind: tenders.docKind, kind: tenders.kind, amountFen: tenders.amountFen })
    .from(tenders)
    .leftJoin(
      s,
      and(eq(tenders.docKind, "sale"), eq(s.storeId, tenders.storeId), eq(s.saleId, tenders.docId)),
    )
    .leftJoin(
      r,
      and(eq(tenders.docKind, "return"), eq(r.storeId, tenders.storeId), eq(r.returnId, tenders.docId)),
    )
    .where(
      and(eq(tenders.storeId, p("storeId")), eq(sql`COALESCE(${s.businessDay}, ${r.businessDay})`, p("day"))),
    )
    .prepare();
  const shifts = orm
    .select({ overShortFen: financeShifts.overShortFen })
    .from(financeShifts)
    .where(and(day(financeShifts), ne(financeShifts.overShortFen, 0)))
    .prepare();

  return {
    /** Open failures (of one store or region when given). */
    list(scope: { store?: string; region?: string } = {}): FinanceFailure[] {
      return orm
        .select(failure)
        .from(f)
        .where(
          and(
            isNull(f.resolvedAt),
            scope.store ? eq(f.storeId, scope.store) : undefined,
            scope.region
              ? inArray(
                  f.storeId,
                  orm.select({ id: stores.id }).from(stores).where(eq(stores.region, scope.region)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(f.storeId), asc(f.businessDay))
        .all();
    },
    record(storeId: string, day: string, reason: string, at: string) {
      upsert.run({ storeId, day, reason, at });
    },
    resolved(storeId: string, day: string, at: string) {
      resolve.run({ at, storeId, day });
    },
    /** Every row of a (store, day) as it is now: a retry folds the whole day again. */
    dayRows(storeId: string, day: string): DayRows {
      return {
        sales: daySales.all({ storeId, day }),
        returns: dayReturns.all({ storeId, day }),
        tenders: dayTenders.all({ storeId, day }) as DayRows["tenders"],
        overShortFen: shifts.all({ storeId, day }).map((r) => r.overShortFen),
      };
    },
  };
}

/** Runs `fn` in a savepoint: its writes are kept if it returns, rolled back if it throws. */
export function inSavepoint<T>(db: Sqlite, fn: () => T): T {
  // Raw SQL: drizzle offers savepoints only on the transaction object of its own (async-style)
  // transaction; posting runs inside the handle's synchronous one.
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
