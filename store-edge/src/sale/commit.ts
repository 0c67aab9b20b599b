// Tenders and the sale commit: cash and card tenders, and the one transaction that makes a fully
// paid cart a sale (sale row, lines, tenders, stock movements, the sale.completed outbox row with
// the next gapless seq, spent coupons, the emptied cart), then the drawer and the receipt.
import { type LaneView, type SaleCompleted, type Tender, uuidv7 } from "@retail/protocol";
import { and, eq, sql } from "drizzle-orm";
import { businessDay } from "../clock.ts";
import { oneTime, spentCoupons } from "../coupons/coupons.ts";
import { crashPoint } from "../crash.ts";
import { couponRedemptions, coupons, payments, saleLines, sales, tenders } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import type { LaneRuntime, Lanes } from "../lanes/lanes.ts";
import { plantedBug } from "../plant.ts";
import type { StockLedger } from "../stock.ts";
import { buildSale, type Cart, emptyCart } from "./cart.ts";
import { saleTransition } from "./lifecycle.ts";
import { nextReceiptNo, saleReceipt } from "./receipt.ts";
import { cardTender, cashTender, paid, remaining } from "./tender.ts";

export type Tendered = { view: LaneView; sale?: SaleCompleted };

export class SaleCommit {
  /** The commit's statements, prepared once (the hot path: one durable transaction per sale). */
  private readonly q;
  /** Member points a sale spends, checked and kept in its transaction (member/points.ts). */
  spendPoints?: (sale: SaleCompleted) => void;

  constructor(
    private readonly lanes: Lanes,
    private readonly stock: StockLedger,
  ) {
    const db = lanes.d.db.d;
    const p = sql.placeholder;
    this.q = {
      insertSale: db
        .insert(sales)
        .values({
          saleId: p("saleId"),
          receiptNo: p("receiptNo"),
          lane: p("lane"),
          shiftId: p("shiftId"),
          training: p("training"),
          businessDay: p("businessDay"),
          netFen: p("netFen"),
          taxFen: p("taxFen"),
          completedAt: p("completedAt"),
          data: p("data"),
        })
        .prepare(),
      insertLine: db
        .insert(saleLines)
        .values({
          saleId: p("saleId"),
          lineId: p("lineId"),
          sku: p("sku"),
          qty: p("qty"),
          weighed: p("weighed"),
          netFen: p("netFen"),
          taxFen: p("taxFen"),
          priceVersion: p("priceVersion"),
        })
        .prepare(),
      insertTender: db
        .insert(tenders)
        .values({
          saleId: p("saleId"),
          idx: p("idx"),
          kind: p("kind"),
          amountFen: p("amountFen"),
          receivedFen: p("receivedFen"),
          changeFen: p("changeFen"),
          reference: p("reference"),
        })
        .prepare(),
      paymentsUsed: db
        .update(payments)
        .set({ status: "used" })
        .where(and(eq(payments.cartId, p("cartId")), eq(payments.status, "approved")))
        .prepare(),
      saleByReceipt: db
        .select({ data: sales.data })
        .from(sales)
        .where(eq(sales.receiptNo, p("receiptNo")))
        .prepare(),
    };
  }

  /** What the lane's sale costs; the lifecycle refuses a tender to an empty, return or paying cart. */
  due(rt: LaneRuntime): number {
    saleTransition(rt, "tender");
    return this.lanes.price(rt).totals.net;
  }

  /** Adds a tender; when the sale is fully paid it is committed and returned. */
  addTender(rt: LaneRuntime, tender: Tender): Tendered {
    const cart = { ...rt.cart, tenders: [...rt.cart.tenders, tender] };
    const due = this.due(rt);
    if (paid(cart.tenders) >= due) {
      const sale = this.commitSale(rt, cart);
      return { view: this.lanes.view(rt), sale };
    }
    this.lanes.saveCart(rt, cart, true);
    return { view: this.lanes.changed(rt) };
  }

  tenderCash(laneId: string, received: number): Tendered {
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    return this.addTender(rt, cashTender(received, this.due(rt), rt.cart.tenders));
  }

  tenderCard(laneId: string, amount: number | undefined, approvalCode: string): Tendered {
    const rt = this.lanes.lane(laneId);
    this.lanes.requireShift(rt);
    const due = this.due(rt);
    return this.addTender(
      rt,
      cardTender(amount ?? remaining(due, rt.cart.tenders), approvalCode, due, rt.cart.tenders),
    );
  }

  /** Sale, lines, tenders, stock, outbox and the emptied cart: one transaction. */
  private commitSale(rt: LaneRuntime, cart: Cart): SaleCompleted {
    const shiftId = this.lanes.requireShift(rt);
    saleTransition(rt, "complete");
    const d = this.lanes.d;
    const lookup = this.lanes.lookup;
    const { ms, iso } = this.lanes.now();
    // Priced again at the moment of sale: that is the price the receipt and HQ's audit use.
    const priced = this.lanes.priceOf(cart, iso);
    const training = rt.record.training;
    const fresh = emptyCart(uuidv7(ms), iso);
    const q = this.q;
    const sale = d.db.write(() => {
      // Only the coupons whose promotion applied are spent (and sent to HQ).
      const sale = buildSale({ ...cart, coupons: spentCoupons(lookup, cart, priced) }, priced, {
        saleId: cart.cartId,
        receiptNo: nextReceiptNo(d.db, d.storeId(), rt.id, ms),
        laneId: rt.id,
        cashierId: rt.record.cashierId!,
        shiftId,
        businessDay: businessDay(ms),
        training,
        catalogVersion: d.replica.applied,
        completedAt: iso,
      });
      if (!training) this.spendPoints?.(sale);
      // Dated goods leave first-expiring first; the sale tells HQ which lots (batches/).
      if (!training)
        this.stock.lots.draw(sale.lines, iso).forEach((b, i) => {
          if (b) sale.lines[i]!.batches = b;
        });
      q.insertSale.run({
        saleId: sale.saleId,
        receiptNo: sale.receiptNo,
        lane: rt.id,
        shiftId,
        training: training ? 1 : 0,
        businessDay: sale.businessDay,
        netFen: sale.totals.net,
        taxFen: sale.totals.tax,
        completedAt: iso,
        data: JSON.stringify(sale),
      });
      for (const l of sale.lines)
        q.insertLine.run({
          saleId: sale.saleId,
          lineId: l.lineId,
          sku: l.sku,
          qty: l.qty,
          weighed: l.weighed ? 1 : 0,
          netFen: l.net,
          taxFen: l.tax,
          priceVersion: l.priceVersion,
        });
      sale.tenders.forEach((t, i) => {
        q.insertTender.run({
          saleId: sale.saleId,
          idx: i,
          kind: t.kind,
          amountFen: t.amount,
          receivedFen: t.received ?? null,
          changeFen: t.change ?? null,
          reference: t.reference ?? null,
        });
      });
      if (!training) for (const l of sale.lines) this.stock.move(l.sku, -l.qty, "sale", sale.receiptNo, iso);
      if (plantedBug !== "skip_outbox_row") d.outbox.append("sale.completed", sale, iso);
      // Single-use coupons are spent here at once, so a second lane cannot take the same one
      // before HQ's next change set says so (training spends nothing).
      if (!training)
        for (const code of oneTime(lookup, sale.coupons)) {
          d.db.d
            // json_set: drizzle has no JSON path update; the record stays HQ's JSON otherwise.
            .update(coupons)
            .set({ data: sql`json_set(${coupons.data}, '$.status', 'redeemed')` })
            .where(eq(coupons.code, code))
            .run();
          // Kept apart from HQ's record, which a snapshot may replace before HQ has this sale.
          d.db.d
            .insert(couponRedemptions)
            .values({ code, saleId: sale.saleId, redeemedAt: iso })
            .onConflictDoNothing()
            .run();
        }
      q.paymentsUsed.run({ cartId: cart.cartId });
      this.lanes.writeCart(rt.id, fresh);
      crashPoint("sale.before_commit");
      return sale;
    });
    crashPoint("sale.after_commit");
    if (!training)
      for (const code of oneTime(lookup, sale.coupons)) {
        const c = lookup.coupons.get(code);
        if (c) lookup.coupons.set(code, { ...c, status: "redeemed" });
      }
    rt.cart = fresh;
    d.onLedger();
    const change = sale.tenders.reduce((s, t) => s + (t.change ?? 0), 0);
    this.lanes.emit(rt, { type: "sale", receiptNo: sale.receiptNo, saleId: sale.saleId, change, training });
    this.lanes.changed(rt);
    if (sale.tenders.some((t) => t.kind === "cash")) void rt.devices.kickDrawer().catch(() => {});
    this.lanes.print(rt, saleReceipt(sale, d.storeId()));
    return sale;
  }

  saleByReceipt(receiptNo: string): SaleCompleted | undefined {
    const row = this.q.saleByReceipt.get({ receiptNo });
    return row ? JSON.parse(row.data) : undefined;
  }

  /** Prints a sale's receipt again (marked as a copy). */
  reprint(laneId: string, receiptNo: string): void {
    const sale = this.saleByReceipt(receiptNo);
    if (!sale) throw notFound("receiptNo", `no sale ${receiptNo} in this store`);
    const doc = saleReceipt(sale, this.lanes.d.storeId());
    doc.title = `${doc.title} (重印 COPY)`;
    this.lanes.print(this.lanes.lane(laneId), doc);
  }
}
