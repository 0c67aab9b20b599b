// Ingest's ledger step: the rows one valid event writes (sales with their lines and tenders,
// returns, shifts, cash movements, counts, receivings, audits, day digests, training
// activity), its stock moves (stock.ts), member points, coupon uses, and the price findings
// (the chain's caps, the re-pricing audit) that finance and the console read.
// Raw SQL: the ingest hot path (see rows.ts).
import type { AnyEnvelope, MoneyCaps, Payload } from "@retail/protocol";
import { DIGEST_UPSERT } from "../completeness/completeness.ts";
import { createCouponLedger } from "../coupons/ledger.ts";
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
import { recordMemberActivity } from "../members/profile.ts";
import { SALE_LINE_DISCOUNTS, saleDiscountRows } from "../reports/promotion-lines.ts";
import { capFinding } from "./cap-finding.ts";
import {
  isTraining,
  type MemberChange,
  memberChangeOfReturn,
  memberChangeOfSale,
  stockMoves,
} from "./effects.ts";
import { auditSale, type CatalogView } from "./price-audit.ts";
import type { RowWriter } from "./rows.ts";
import type { StockAlertOut, StockStep } from "./stock.ts";

export interface LedgerOptions {
  /** The catalog a store had at a version (for re-pricing sales); undefined skips the audit. */
  catalogAt?: (storeId: string, version: number) => CatalogView;
  /** The chain's caps on sales and returns, at most the protocol's (hq-hub.json moneyCaps). */
  moneyCaps?: MoneyCaps;
}

type SaleEnvelope = Extract<AnyEnvelope, { type: "sale.completed" }>;

export const SALE_LINES =
  "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen)";
export const TENDERS =
  "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)";

/** A sale's row of `sales` (the columns of the `sale` statement). */
export function saleRow(env: SaleEnvelope): unknown[] {
  const p = env.payload;
  return [
    env.storeId,
    p.saleId,
    env.id,
    p.receiptNo,
    p.laneId,
    p.cashierId,
    p.shiftId,
    p.businessDay,
    p.catalogVersion,
    p.member?.id ?? null,
    p.totals.gross,
    p.totals.discount,
    p.totals.net,
    p.totals.tax,
    p.completedAt,
  ];
}

/** A sale's rows of `sale_lines` (SALE_LINES' columns). */
export function saleLineRows(env: SaleEnvelope): unknown[][] {
  const p = env.payload;
  return p.lines.map((l) => [
    env.storeId,
    p.saleId,
    l.lineId,
    l.sku,
    l.qty,
    l.weighed ? 1 : 0,
    l.unitPrice,
    l.priceVersion,
    l.taxRate,
    l.gross,
    l.discounts.reduce((sum, d) => sum + d.amount, 0),
    l.net,
    l.tax,
    l.override?.catalogPrice ?? null,
  ]);
}

/** A sale's rows of `tenders` (TENDERS' columns). */
export function saleTenderRows(env: SaleEnvelope): unknown[][] {
  const p = env.payload;
  return p.tenders.map((t, i) => [
    env.storeId,
    p.saleId,
    "sale",
    i,
    t.kind,
    t.amount,
    t.received ?? null,
    t.change ?? null,
    t.reference ?? null,
  ]);
}

export function createLedgerStep(db: Sqlite, rows: RowWriter, stock: StockStep, opts: LedgerOptions) {
  const q = {
    sale: db.prepare(
      `INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version,
       member_id, gross_fen, discount_fen, net_fen, tax_fen, completed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    tender: db.prepare(
      `INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)
       VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
    ret: db.prepare(
      `INSERT INTO returns (store_id, return_id, event_id, receipt_no, original_sale_id, original_store_id, reason, cashier_id,
       supervisor_id, business_day, refund_fen, tax_fen, returned_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    retLine: db.prepare(
      "INSERT INTO return_lines (store_id, return_id, line_id, sku, qty, refund_fen, tax_fen, restock) VALUES (?,?,?,?,?,?,?,?)",
    ),
    digest: db.prepare(DIGEST_UPSERT),
    saleMember: db.prepare("SELECT member_id FROM sales WHERE store_id = ? AND sale_id = ?"),
    shiftOpen: db.prepare(
      `INSERT INTO shifts (store_id, shift_id, lane_id, cashier_id, business_day, float_fen, opened_at) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT (store_id, shift_id) DO UPDATE SET float_fen = excluded.float_fen, opened_at = excluded.opened_at`,
    ),
    shiftClose: db.prepare(
      `INSERT INTO shifts (store_id, shift_id, lane_id, cashier_id, business_day, closed_at, counted_fen, expected_fen, over_short_fen, close_json)
       VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (store_id, shift_id) DO UPDATE SET closed_at = excluded.closed_at,
       counted_fen = excluded.counted_fen, expected_fen = excluded.expected_fen, over_short_fen = excluded.over_short_fen, close_json = excluded.close_json`,
    ),
    cash: db.prepare(
      "INSERT INTO cash_movements (store_id, movement_id, shift_id, direction, amount_fen, reason, moved_at) VALUES (?,?,?,?,?,?,?)",
    ),
    count: db.prepare(
      "INSERT INTO stock_counts (store_id, count_id, counted_by, lines_json, counted_at) VALUES (?,?,?,?,?)",
    ),
    receiving: db.prepare(
      `INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at)
       VALUES (?,?,?,?,?,?,?)`,
    ),
    audit: db.prepare(
      `INSERT INTO audits (store_id, audit_id, action, lane_id, cashier_id, supervisor_id, sale_id, sku, amount_fen, detail, at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    training: db.prepare(
      "INSERT INTO training_activity (event_id, store_id, type, summary_json, at) VALUES (?,?,?,?,?)",
    ),
    member: db.prepare(
      `UPDATE members SET points = MAX(0, points + ?), spend_fen = spend_fen + ?, last_visit_at = COALESCE(?, last_visit_at), dirty = 1
       WHERE id = ?`,
    ),
    finding: db.prepare(
      `INSERT INTO price_findings (store_id, sale_id, event_id, catalog_version, line_id, field, expected, actual, found_at)
       VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
  };

  /** Coupon uses, in the sale's transaction, and the coupon binding for the audit (coupons/). */
  const couponLedger = createCouponLedger(db);

  /** The catalog per (store, version), looked up once per group rather than once per sale. */
  const catalogsOfGroup = new Map<string, CatalogView>();
  function catalogAt(storeId: string, version: number): CatalogView {
    const key = `${storeId}|${version}`;
    let c = catalogsOfGroup.get(key);
    if (!c) {
      c = opts.catalogAt!(storeId, version);
      catalogsOfGroup.set(key, c);
    }
    return c;
  }

  function changeMember(c: MemberChange | undefined) {
    if (c) q.member.run(c.points, c.spendFen, c.visitAt ?? null, c.memberId);
  }

  /** The effects of one valid event (inside the caller's savepoint). */
  function applyEffects(env: AnyEnvelope, at: string, alerts: StockAlertOut[]) {
    const s = env.storeId;
    if (isTraining(env)) {
      q.training.run(env.id, s, env.type, JSON.stringify(trainingSummary(env)), env.occurredAt);
      return;
    }
    recordMemberActivity(db, env); // member profiles (members/profile.ts), exactly once with the event
    // Above the chain's lowered caps: booked all the same, and raised for a person (cap-finding.ts).
    const f = opts.moneyCaps && capFinding(env, opts.moneyCaps);
    if (f) {
      q.finding.run(
        s,
        f.docId,
        env.id,
        f.catalogVersion,
        f.lineId ?? null,
        f.field,
        f.expected,
        f.actual,
        at,
      );
    }
    switch (env.type) {
      case "sale.completed": {
        const p = env.payload;
        q.sale.run(saleRow(env));
        rows.appendRows(SALE_LINES, 14, saleLineRows(env));
        rows.appendRows(TENDERS, 9, saleTenderRows(env));
        rows.appendRows(SALE_LINE_DISCOUNTS, 9, saleDiscountRows(env)); // by promotion (reports/promotion-lines.ts)
        stock.moveStock(s, stockMoves(env), env.id, p.completedAt, alerts);
        changeMember(memberChangeOfSale(p));
        if (p.coupons.length > 0) couponLedger.record(s, p, env.id, at);
        if (opts.catalogAt) {
          for (const f of auditSale(s, couponLedger.forAudit(p), catalogAt(s, p.catalogVersion)))
            q.finding.run(
              s,
              p.saleId,
              env.id,
              p.catalogVersion,
              f.lineId ?? null,
              f.field,
              f.expected,
              f.actual,
              at,
            );
        }
        return;
      }
      case "sale.returned": {
        const p = env.payload;
        q.ret.run(
          s,
          p.returnId,
          env.id,
          p.receiptNo,
          p.original?.saleId ?? null,
          p.original?.storeId ?? null,
          p.reason,
          p.cashierId,
          p.supervisorId ?? null,
          p.businessDay,
          p.totals.refund,
          p.totals.tax,
          p.returnedAt,
        );
        for (const l of p.lines)
          q.retLine.run(s, p.returnId, l.lineId, l.sku, l.qty, l.refund, l.tax, l.restock ? 1 : 0);
        p.tenders.forEach((t, i) => {
          q.tender.run(
            s,
            p.returnId,
            "return",
            i,
            t.kind,
            t.amount,
            t.received ?? null,
            t.change ?? null,
            t.reference ?? null,
          );
        });
        stock.moveStock(s, stockMoves(env), env.id, p.returnedAt, alerts);
        const orig = p.original
          ? (q.saleMember.get(p.original.storeId, p.original.saleId) as
              | { member_id: string | null }
              | undefined)
          : undefined;
        changeMember(memberChangeOfReturn(p, orig?.member_id ?? undefined));
        return;
      }
      case "shift.opened": {
        const p = env.payload;
        q.shiftOpen.run(s, p.shiftId, p.laneId, p.cashierId, p.businessDay, p.float, p.openedAt);
        return;
      }
      case "shift.closed": {
        const p = env.payload;
        q.shiftClose.run(
          s,
          p.shiftId,
          p.laneId,
          p.cashierId,
          p.businessDay,
          p.closedAt,
          p.counted,
          p.expected,
          p.overShort,
          JSON.stringify(p),
        );
        return;
      }
      case "cash.moved": {
        const p = env.payload;
        q.cash.run(s, p.movementId, p.shiftId, p.direction, p.amount, p.reason, p.movedAt);
        return;
      }
      case "stock.counted": {
        const p = env.payload;
        q.count.run(s, p.countId, p.countedBy, JSON.stringify(p.lines), p.countedAt);
        stock.moveStock(s, stockMoves(env), env.id, p.countedAt, alerts);
        return;
      }
      case "receiving.confirmed": {
        const p = env.payload;
        q.receiving.run(
          s,
          p.receivingId,
          p.purchaseOrderId ?? null,
          p.supplierId ?? null,
          p.confirmedBy,
          JSON.stringify(p.lines),
          p.confirmedAt,
        );
        stock.moveStock(s, stockMoves(env), env.id, p.confirmedAt, alerts);
        return;
      }
      case "audit.recorded": {
        const p = env.payload;
        q.audit.run(
          s,
          p.auditId,
          p.action,
          p.laneId,
          p.cashierId,
          p.supervisorId ?? null,
          p.saleId ?? null,
          p.sku ?? null,
          p.amount ?? null,
          p.detail,
          p.at,
        );
        return;
      }
      case "day.digest": {
        // Kept, not judged: the verdict is made when asked (completeness/), against what HQ holds then.
        const p = env.payload;
        q.digest.run(s, p.businessDay, env.seq, env.id, p.final ? 1 : 0, JSON.stringify(p), at);
        return;
      }
      default:
        throw new StateError(env.id, `${env.type} is not a ledger event`);
    }
  }

  return {
    applyEffects,
    /** At the start of a group: catalogs are looked up again. */
    startGroup: () => catalogsOfGroup.clear(),
  };
}

export type LedgerStep = ReturnType<typeof createLedgerStep>;

function trainingSummary(env: AnyEnvelope): Record<string, unknown> {
  switch (env.type) {
    case "sale.completed": {
      const p = env.payload as Payload<"sale.completed">;
      return { saleId: p.saleId, cashierId: p.cashierId, net: p.totals.net, lines: p.lines.length };
    }
    case "sale.returned": {
      const p = env.payload as Payload<"sale.returned">;
      return { returnId: p.returnId, cashierId: p.cashierId, refund: p.totals.refund };
    }
    default:
      return { type: env.type, payload: env.payload };
  }
}
