// Building the basket on a lane: items by SKU or scan (weighed goods at the lane scale's stable
// weight), quantities, line and sale voids and price overrides (a supervisor, audited), the
// order discount / 抹零, the member. Each change is a pure cart operation (cart.ts) the sale
// lifecycle (lifecycle.ts) takes, saved and pushed by the lane (lanes/lanes.ts).
import {
  formatFieldPath,
  type LaneView,
  lineGross,
  OrderAdjustmentV1,
  PricingError,
  uuidv7,
} from "@retail/protocol";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import type { LaneRuntime, Lanes } from "../lanes/lanes.ts";
import type { Staff, Supervisor } from "../staff/service.ts";
import { addLine, emptyCart, type NewLine, overridePrice, setMember, setQty, voidLine } from "./cart.ts";
import { saleTransition } from "./lifecycle.ts";
import { clearAdjustment, roleMayAdjust, setAdjustment } from "./order-adjustment.ts";

export class Basket {
  constructor(
    private readonly lanes: Lanes,
    private readonly staff: Staff,
  ) {}

  /** Adds by SKU (search result or keypad); weighed goods take the lane scale's weight. */
  addSku(laneId: string, sku: string, qty = 1): { lineId: string; view: LaneView } {
    const rt = this.lanes.lane(laneId);
    const line = this.lineFor(sku, undefined, rt);
    if (!line.weighed) {
      if (!Number.isSafeInteger(qty) || qty < 1 || qty > 9999)
        throw invalid("qty", "must be a whole number 1..9999");
      line.qty = qty;
    }
    return this.add(rt, line);
  }

  positiveGrams(g: number | undefined, field: string): number {
    if (g === undefined || !Number.isSafeInteger(g) || g <= 0)
      throw invalid(field, "weight must be positive");
    return g;
  }

  lineFor(sku: string, barcode: string | undefined, rt?: LaneRuntime): NewLine {
    const lookup = this.lanes.lookup;
    const p = lookup.products.get(sku);
    if (!p) throw notFound("sku", `no product ${sku}`);
    if (p.status !== "active") throw conflict("sku", `${p.name} (${sku}) is not on sale`);
    const price = lookup.priceOf(sku, this.lanes.d.clock.now());
    if (!price) throw conflict("sku", `${p.name} (${sku}) has no price in effect`);
    let qty = 1;
    if (p.weighed && rt) {
      const w = rt.devices.weight();
      if (!w || w.grams === undefined) throw conflict("weight", "no reading from the lane scale");
      if (!w.stable) throw conflict("weight", "the scale is not stable yet");
      if (w.grams <= 0) throw conflict("weight", "put the item on the scale");
      qty = w.grams;
    }
    const line: NewLine = {
      sku,
      name: p.name,
      category: p.category.at(-1)!,
      qty,
      weighed: p.weighed,
      unitPrice: price.price,
      taxRate: p.taxRate,
      priceVersion: this.lanes.d.replica.applied,
    };
    if (barcode && barcode.length <= 48) line.barcode = barcode;
    return line;
  }

  add(rt: LaneRuntime, line: NewLine): { lineId: string; view: LaneView } {
    saleTransition(rt, "add_line");
    // A return without receipt scans its items without the shift's sale checks.
    if (!rt.cart.return) this.lanes.requireShift(rt);
    let lineId = "";
    const view = this.lanes.mutate(rt, "add_line", (cart) => {
      const r = addLine(cart, line);
      lineId = r.lineId;
      return r.cart;
    });
    return { lineId, view };
  }

  changeQty(laneId: string, lineId: string, qty: number): LaneView {
    return this.lanes.mutate(this.lanes.lane(laneId), "edit", (c) => setQty(c, lineId, qty));
  }

  /** Voids a line; a supervisor authorises it (loss prevention), and it is audited to HQ. */
  async voidLine(laneId: string, lineId: string, supervisor: Supervisor): Promise<LaneView> {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, rt.cart.lines.length === 1 ? "void_last_line" : "void_line");
    await this.staff.supervisor(laneId, supervisor, "line_void");
    const { cart, line } = voidLine(rt.cart, lineId);
    return this.lanes.commitAudited(rt, cart, {
      action: "line_void",
      cashierId: rt.record.cashierId ?? "000",
      supervisorId: supervisor.id,
      sku: line.sku,
      amount: lineGross(line),
      detail: `${line.name} x${line.qty}${rt.record.training ? " (training)" : ""}`,
    });
  }

  async overridePrice(
    laneId: string,
    lineId: string,
    price: number,
    supervisorId: string,
    pin: string,
    reason: string,
  ): Promise<LaneView> {
    await this.staff.supervisor(laneId, { id: supervisorId, pin }, "price_override");
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "edit");
    const { cart, line } = overridePrice(rt.cart, lineId, price, supervisorId, reason);
    return this.lanes.commitAudited(rt, cart, {
      action: "price_override",
      cashierId: rt.record.cashierId ?? supervisorId,
      supervisorId,
      sku: line.sku,
      amount: price - (line.override?.catalogPrice ?? price),
      detail: `${line.name}: ${line.override?.catalogPrice} -> ${price} fen; ${reason}`.slice(0, 200),
    });
  }

  /**
   * 整单折扣 / 抹零 (order-adjustment.ts): a signed-in supervisor or manager applies it; a
   * cashier needs a supervisor's code and PIN (the one PIN path). The engine prices it.
   */
  async adjustOrder(laneId: string, input: unknown, supervisor?: Supervisor): Promise<LaneView> {
    const parsed = OrderAdjustmentV1.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(formatFieldPath(issue.path, "adjustment"), issue.message);
    }
    const adjustment = parsed.data;
    const rt = this.lanes.lane(laneId);
    const role = rt.record.cashierId ? this.lanes.lookup.cashiers.get(rt.record.cashierId)?.role : undefined;
    let approvedBy = rt.record.cashierId;
    if (supervisor) approvedBy = (await this.staff.supervisor(laneId, supervisor, "order_adjustment")).id;
    else if (!roleMayAdjust(role) || !approvedBy)
      throw forbidden("supervisorId", "an order discount or 抹零 needs a supervisor's code and PIN");
    try {
      return this.lanes.mutate(rt, "edit", (c) => setAdjustment(c, adjustment, approvedBy!));
    } catch (e) {
      // Above the amount due: the engine names the field; nothing was saved.
      if (e instanceof PricingError) throw invalid(e.field.replace(/^adjustment\./, ""), e.message);
      throw e;
    }
  }

  clearOrderAdjustment(laneId: string): LaneView {
    return this.lanes.mutate(this.lanes.lane(laneId), "edit", clearAdjustment);
  }

  clearMember(laneId: string): LaneView {
    return this.lanes.mutate(this.lanes.lane(laneId), "edit", (c) => setMember(c, undefined));
  }

  /** Voids the whole sale; a supervisor authorises it when there is anything to void. */
  async voidCart(laneId: string, supervisor?: Supervisor): Promise<LaneView> {
    const rt = this.lanes.lane(laneId);
    saleTransition(rt, "void_sale");
    // Points are spent only when the sale commits: a voided sale gives nothing back.
    if (rt.cart.tenders.some((t) => t.kind !== "cash" && t.kind !== "points"))
      throw conflict("tenders", "card or wallet payments were taken: complete the sale and return it");
    if (rt.cart.lines.length) {
      if (!supervisor) throw forbidden("supervisorId", "voiding a sale needs a supervisor");
      await this.staff.supervisor(laneId, supervisor, "sale_void");
    }
    const old = rt.cart;
    const fresh = emptyCart(uuidv7(), this.lanes.now().iso);
    return this.lanes.commitAudited(
      rt,
      fresh,
      old.lines.length
        ? {
            action: "sale_void",
            cashierId: rt.record.cashierId ?? "000",
            ...(supervisor ? { supervisorId: supervisor.id } : {}),
            amount: this.lanes.price(rt).totals.net,
            detail: `${old.lines.length} line(s)${rt.record.training ? " (training)" : ""}`,
          }
        : undefined,
    );
  }
}
