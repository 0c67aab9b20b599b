// The statements of ingest's ledger step (ledger.ts): one per table an event writes, through
// drizzle's query builder, prepared once with named placeholders (the ingest hot path); `named`
// binds each column to the placeholder of its own name.
import { and, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  audits,
  cashMovements,
  dayDigests,
  members,
  priceFindings,
  receivings,
  returnLines,
  returns,
  sales,
  shifts,
  stockCounts,
  tenders,
  trainingActivity,
} from "../db/schema.ts";

export function createLedgerStatements(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  const named = <K extends string>(...keys: K[]) =>
    Object.fromEntries(keys.map((k) => [k, p(k)])) as unknown as Record<K, ReturnType<typeof p>>;
  const q = {
    tender: orm
      .insert(tenders)
      .values(
        named(
          "storeId",
          "docId",
          "docKind",
          "idx",
          "kind",
          "amountFen",
          "receivedFen",
          "changeFen",
          "reference",
        ),
      )
      .prepare(),
    ret: orm
      .insert(returns)
      .values(
        named(
          "storeId",
          "returnId",
          "eventId",
          "receiptNo",
          "originalSaleId",
          "originalStoreId",
          "reason",
          "cashierId",
          "supervisorId",
          "businessDay",
          "refundFen",
          "taxFen",
          "returnedAt",
        ),
      )
      .prepare(),
    retLine: orm
      .insert(returnLines)
      .values(named("storeId", "returnId", "lineId", "sku", "qty", "refundFen", "taxFen", "restock"))
      .prepare(),
    // The latest (highest seq) digest per store-day wins.
    digest: orm
      .insert(dayDigests)
      .values(named("storeId", "businessDay", "seq", "eventId", "final", "payload", "receivedAt"))
      .onConflictDoUpdate({
        target: [dayDigests.storeId, dayDigests.businessDay],
        set: {
          seq: sql`excluded.seq`,
          eventId: sql`excluded.event_id`,
          final: sql`excluded.final`,
          payload: sql`excluded.payload`,
          receivedAt: sql`excluded.received_at`,
        },
        setWhere: sql`excluded.seq > ${dayDigests.seq}`,
      })
      .prepare(),
    saleMember: orm
      .select({ memberId: sales.memberId })
      .from(sales)
      .where(and(eq(sales.storeId, p("storeId")), eq(sales.saleId, p("saleId"))))
      .prepare(),
    shiftOpen: orm
      .insert(shifts)
      .values(named("storeId", "shiftId", "laneId", "cashierId", "businessDay", "floatFen", "openedAt"))
      .onConflictDoUpdate({
        target: [shifts.storeId, shifts.shiftId],
        set: { floatFen: sql`excluded.float_fen`, openedAt: sql`excluded.opened_at` },
      })
      .prepare(),
    shiftClose: orm
      .insert(shifts)
      .values(
        named(
          "storeId",
          "shiftId",
          "laneId",
          "cashierId",
          "businessDay",
          "closedAt",
          "countedFen",
          "expectedFen",
          "overShortFen",
          "closeJson",
        ),
      )
      .onConflictDoUpdate({
        target: [shifts.storeId, shifts.shiftId],
        set: {
          closedAt: sql`excluded.closed_at`,
          countedFen: sql`excluded.counted_fen`,
          expectedFen: sql`excluded.expected_fen`,
          overShortFen: sql`excluded.over_short_fen`,
          closeJson: sql`excluded.close_json`,
        },
      })
      .prepare(),
    cash: orm
      .insert(cashMovements)
      .values(named("storeId", "movementId", "shiftId", "direction", "amountFen", "reason", "movedAt"))
      .prepare(),
    count: orm
      .insert(stockCounts)
      .values(named("storeId", "countId", "countedBy", "linesJson", "countedAt"))
      .prepare(),
    receiving: orm
      .insert(receivings)
      .values(
        named(
          "storeId",
          "receivingId",
          "purchaseOrderId",
          "supplierId",
          "confirmedBy",
          "linesJson",
          "confirmedAt",
        ),
      )
      .prepare(),
    audit: orm
      .insert(audits)
      .values(
        named(
          "storeId",
          "auditId",
          "action",
          "laneId",
          "cashierId",
          "supervisorId",
          "saleId",
          "sku",
          "amountFen",
          "detail",
          "at",
        ),
      )
      .prepare(),
    training: orm
      .insert(trainingActivity)
      .values(named("eventId", "storeId", "type", "summaryJson", "at"))
      .prepare(),
    member: orm
      .update(members)
      .set({
        points: sql`MAX(0, ${members.points} + ${p("points")})`,
        spendFen: sql`${members.spendFen} + ${p("spendFen")}`,
        lastVisitAt: sql`COALESCE(${p("visitAt")}, ${members.lastVisitAt})`,
        dirty: 1,
      })
      .where(eq(members.id, p("memberId")))
      .prepare(),
    finding: orm
      .insert(priceFindings)
      .values(
        named(
          "storeId",
          "saleId",
          "eventId",
          "catalogVersion",
          "lineId",
          "field",
          "expected",
          "actual",
          "foundAt",
        ),
      )
      .prepare(),
  };
  return q;
}

export type LedgerStatements = ReturnType<typeof createLedgerStatements>;
