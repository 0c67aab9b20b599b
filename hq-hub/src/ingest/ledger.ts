// Ingest's ledger step: the rows one valid event writes (sales with their lines and tenders,
// returns, shifts, cash movements, counts, receivings, audits, day digests, training
// activity), its stock moves (stock.ts), member points, coupon uses, and the price findings
// (the chain's caps, the re-pricing audit) that finance and the console read.
// Statements through drizzle, prepared once (ledger-statements.ts); the append-only rows through
// rows.ts, built from the envelope by sale-rows.ts.
import {
  type AnyEnvelope,
  type MoneyCaps,
  NO_POINTS_RULE,
  type Payload,
  type PointsRule,
} from "@retail/protocol";
import { createLotStep } from "../batches/storage.ts";
import { createCouponLedger } from "../coupons/ledger.ts";
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
import { recordEnrolment, unknownMemberFinding } from "../members/enrolment.ts";
import {
  currentPointsRule,
  earnedBySale,
  giveBackForReturn,
  redeemForSale,
  takenBackByReturn,
} from "../members/points.ts";
import { recordMemberActivity } from "../members/profile.ts";
import { SALE_LINE_DISCOUNTS, saleDiscountRows } from "../reports/promotion-lines.ts";
import { recordSubmitted } from "../stocktakes/storage.ts";
import { capFinding } from "./cap-finding.ts";
import {
  isTraining,
  type MemberChange,
  memberChangeOfReturn,
  memberChangeOfSale,
  stockMoves,
} from "./effects.ts";
import { createLedgerStatements } from "./ledger-statements.ts";
import { auditSale, type CatalogView } from "./price-audit.ts";
import type { RowWriter } from "./rows.ts";
import {
  SALE_COLUMNS,
  SALE_LINES,
  SALES,
  saleLineRows,
  saleRow,
  saleTenderRows,
  TENDERS,
} from "./sale-rows.ts";
import type { StockAlertOut, StockStep } from "./stock.ts";

export interface LedgerOptions {
  /** The catalog a store had at a version (for re-pricing sales); undefined skips the audit. */
  catalogAt?: (storeId: string, version: number) => CatalogView;
  /** The chain's caps on sales and returns, at most the protocol's (hq-hub.json moneyCaps). */
  moneyCaps?: MoneyCaps;
}

export function createLedgerStep(db: Sqlite, rows: RowWriter, stock: StockStep, opts: LedgerOptions) {
  const q = createLedgerStatements(db);

  /** Coupon uses, in the sale's transaction, and the coupon binding for the audit (coupons/). */
  const couponLedger = createCouponLedger(db);
  /** The dated lots a store's event moved, HQ's mirror (batches/). */
  const lots = createLotStep(db);

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

  /** A price finding (a cap exceeded, or a line the audit re-priced differently). */
  function finding(
    storeId: string,
    saleId: string,
    eventId: string,
    catalogVersion: number,
    f: { lineId?: string | undefined; field: string; expected: unknown; actual: unknown },
    at: string,
  ) {
    q.finding.run({
      storeId,
      saleId,
      eventId,
      catalogVersion,
      lineId: f.lineId ?? null,
      field: f.field,
      expected: f.expected,
      actual: f.actual,
      foundAt: at,
    });
  }

  function changeMember(c: MemberChange | undefined) {
    if (c)
      q.member.run({
        points: c.points,
        spendFen: c.spendFen,
        visitAt: c.visitAt ?? null,
        memberId: c.memberId,
      });
  }

  /** The points rule a store had for a sale (at its catalog version), HQ's current one for a return. */
  function pointsRuleOf(env: AnyEnvelope): PointsRule {
    if (env.type === "sale.completed" && opts.catalogAt)
      return catalogAt(env.storeId, env.payload.catalogVersion).pointsRule ?? NO_POINTS_RULE;
    return currentPointsRule(db);
  }

  /** The effects of one valid event (inside the caller's savepoint). */
  function applyEffects(env: AnyEnvelope, at: string, alerts: StockAlertOut[]) {
    const s = env.storeId;
    if (isTraining(env)) {
      q.training.run({
        eventId: env.id,
        storeId: s,
        type: env.type,
        summaryJson: JSON.stringify(trainingSummary(env)),
        at: env.occurredAt,
      });
      return;
    }
    // Points redemption (members/points.ts): the rule the store had, only for sales paying with points.
    const rule = usesPoints(env) ? pointsRuleOf(env) : NO_POINTS_RULE;
    const earned =
      env.type === "sale.completed"
        ? earnedBySale(env.payload, rule)
        : env.type === "sale.returned"
          ? -takenBackByReturn(env.payload, rule)
          : undefined;
    recordMemberActivity(db, env, earned); // member profiles (members/profile.ts), exactly once with the event
    lots.record(env, at); // dated lots (batches/): sales, counts, receipts
    // Above the chain's lowered caps: booked all the same, and raised for a person (cap-finding.ts).
    const f = opts.moneyCaps && capFinding(env, opts.moneyCaps);
    if (f) {
      finding(s, f.docId, env.id, f.catalogVersion, f, at);
    }
    switch (env.type) {
      case "sale.completed": {
        const p = env.payload;
        // Gathered like its lines (rows.ts), and before them: sale_lines' day-totals trigger
        // reads the sale's business day.
        rows.appendRows(SALES, SALE_COLUMNS, [saleRow(env)]);
        rows.appendRows(SALE_LINES, 14, saleLineRows(env));
        rows.appendRows(TENDERS, 9, saleTenderRows(env));
        rows.appendRows(SALE_LINE_DISCOUNTS, 9, saleDiscountRows(env)); // by promotion (reports/promotion-lines.ts)
        stock.moveStock(s, stockMoves(env), env.id, p.completedAt, alerts);
        // Points spent before points earned: the balance checked is the one the till saw.
        for (const f of redeemForSale(db, s, p, rule)) finding(s, p.saleId, env.id, p.catalogVersion, f, at);
        changeMember(withPoints(memberChangeOfSale(p), earned));
        const unknownMember = p.member && unknownMemberFinding(db, p.member.id); // members/enrolment.ts
        if (unknownMember) finding(s, p.saleId, env.id, p.catalogVersion, unknownMember, at);
        if (p.coupons.length > 0) couponLedger.record(s, p, env.id, at);
        if (opts.catalogAt) {
          for (const f of auditSale(s, couponLedger.forAudit(p), catalogAt(s, p.catalogVersion)))
            finding(s, p.saleId, env.id, p.catalogVersion, f, at);
        }
        return;
      }
      case "sale.returned": {
        const p = env.payload;
        q.ret.run({
          storeId: s,
          returnId: p.returnId,
          eventId: env.id,
          receiptNo: p.receiptNo,
          originalSaleId: p.original?.saleId ?? null,
          originalStoreId: p.original?.storeId ?? null,
          reason: p.reason,
          cashierId: p.cashierId,
          supervisorId: p.supervisorId ?? null,
          businessDay: p.businessDay,
          refundFen: p.totals.refund,
          taxFen: p.totals.tax,
          returnedAt: p.returnedAt,
        });
        for (const l of p.lines)
          q.retLine.run({
            storeId: s,
            returnId: p.returnId,
            lineId: l.lineId,
            sku: l.sku,
            qty: l.qty,
            refundFen: l.refund,
            taxFen: l.tax,
            restock: l.restock ? 1 : 0,
          });
        p.tenders.forEach((t, i) => {
          q.tender.run({
            storeId: s,
            docId: p.returnId,
            docKind: "return",
            idx: i,
            kind: t.kind,
            amountFen: t.amount,
            receivedFen: t.received ?? null,
            changeFen: t.change ?? null,
            reference: t.reference ?? null,
          });
        });
        stock.moveStock(s, stockMoves(env), env.id, p.returnedAt, alerts);
        // The original sale may be among this group's gathered rows: written first, then read.
        if (p.original) rows.flush();
        const orig = p.original
          ? q.saleMember.get({ storeId: p.original.storeId, saleId: p.original.saleId })
          : undefined;
        for (const f of giveBackForReturn(db, s, p)) finding(s, p.returnId, env.id, 0, f, at);
        changeMember(withPoints(memberChangeOfReturn(p, orig?.memberId ?? undefined), earned));
        return;
      }
      case "shift.opened": {
        const p = env.payload;
        q.shiftOpen.run({
          storeId: s,
          shiftId: p.shiftId,
          laneId: p.laneId,
          cashierId: p.cashierId,
          businessDay: p.businessDay,
          floatFen: p.float,
          openedAt: p.openedAt,
        });
        return;
      }
      case "shift.closed": {
        const p = env.payload;
        q.shiftClose.run({
          storeId: s,
          shiftId: p.shiftId,
          laneId: p.laneId,
          cashierId: p.cashierId,
          businessDay: p.businessDay,
          closedAt: p.closedAt,
          countedFen: p.counted,
          expectedFen: p.expected,
          overShortFen: p.overShort,
          closeJson: JSON.stringify(p),
        });
        return;
      }
      case "cash.moved": {
        const p = env.payload;
        q.cash.run({
          storeId: s,
          movementId: p.movementId,
          shiftId: p.shiftId,
          direction: p.direction,
          amountFen: p.amount,
          reason: p.reason,
          movedAt: p.movedAt,
        });
        return;
      }
      case "stock.counted": {
        const p = env.payload;
        q.count.run({
          storeId: s,
          countId: p.countId,
          countedBy: p.countedBy,
          linesJson: JSON.stringify(p.lines),
          countedAt: p.countedAt,
        });
        stock.moveStock(s, stockMoves(env), env.id, p.countedAt, alerts);
        return;
      }
      case "stocktake.submitted": // counts only; stock moves when HQ approves (stocktakes/)
        recordSubmitted(db, s, env.id, env.payload);
        return;
      case "receiving.confirmed": {
        const p = env.payload;
        q.receiving.run({
          storeId: s,
          receivingId: p.receivingId,
          purchaseOrderId: p.purchaseOrderId ?? null,
          supplierId: p.supplierId ?? null,
          confirmedBy: p.confirmedBy,
          linesJson: JSON.stringify(p.lines),
          confirmedAt: p.confirmedAt,
        });
        stock.moveStock(s, stockMoves(env), env.id, p.confirmedAt, alerts);
        return;
      }
      case "member.enrolled":
        recordEnrolment(db, s, env.id, env.payload); // members/enrolment.ts
        return;
      case "audit.recorded": {
        const p = env.payload;
        q.audit.run({
          storeId: s,
          auditId: p.auditId,
          action: p.action,
          laneId: p.laneId,
          cashierId: p.cashierId,
          supervisorId: p.supervisorId ?? null,
          saleId: p.saleId ?? null,
          sku: p.sku ?? null,
          amountFen: p.amount ?? null,
          detail: p.detail,
          at: p.at,
        });
        return;
      }
      case "day.digest": {
        // Kept, not judged: the verdict is made when asked (completeness/), against what HQ holds then.
        const p = env.payload;
        q.digest.run({
          storeId: s,
          businessDay: p.businessDay,
          seq: env.seq,
          eventId: env.id,
          final: p.final ? 1 : 0,
          payload: JSON.stringify(p),
          receivedAt: at,
        });
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

/** Whether a sale or return pays (or refunds) with member points. */
function usesPoints(env: AnyEnvelope): boolean {
  return (
    (env.type === "sale.completed" || env.type === "sale.returned") &&
    env.payload.tenders.some((t) => t.kind === "points")
  );
}

/** The member change with the points the rule earned (or took back) in place of the default. */
function withPoints(c: MemberChange | undefined, points: number | undefined): MemberChange | undefined {
  return c && points !== undefined ? { ...c, points } : c;
}
