// One scan, from the lane's scanner or typed in: a product, a scale label (weight or price), a
// customer's payment code (charged at once), or a receipt (a return against it).
import {
  type LaneView,
  memberIdOfCode,
  type ParsedScan,
  parseScan,
  type SaleCompleted,
  type ScaleLabelLayout,
} from "@retail/protocol";
import { invalid, notFound } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { WalletPayments } from "../payments/wallet.ts";
import type { Returns } from "../returns/service.ts";
import type { Basket } from "./basket.ts";
import { gramsForLabelPrice, type NewLine } from "./cart.ts";

export interface ScanOutcome {
  kind: ParsedScan["kind"] | "member";
  lineId?: string;
  view: LaneView;
  sale?: SaleCompleted;
}

export class Scanner {
  constructor(
    private readonly lanes: Lanes,
    private readonly basket: Basket,
    private readonly wallet: WalletPayments,
    private readonly returns: Returns,
    private readonly scaleLayouts?: readonly ScaleLabelLayout[],
  ) {}

  /** The member desk (member/desk.ts): a scanned member QR/card code makes them the sale's member. */
  members?: { attach(laneId: string, by: { code: string }): LaneView };

  async scan(laneId: string, code: string, aim?: string): Promise<ScanOutcome> {
    if (this.members && memberIdOfCode(code))
      return { kind: "member", view: this.members.attach(laneId, { code }) };
    const rt = this.lanes.lane(laneId);
    const parsed = parseScan(code, this.scaleLayouts ? { scaleLayouts: this.scaleLayouts } : {}, aim);
    switch (parsed.kind) {
      case "unknown":
        throw invalid("code", `cannot read ${JSON.stringify(parsed.code)}: ${parsed.reason}`);
      case "payment": {
        const r = await this.wallet.payWallet(laneId, parsed.provider, parsed.code, undefined);
        return { kind: parsed.kind, view: r.view, ...(r.sale ? { sale: r.sale } : {}) };
      }
      case "receipt":
        return { kind: parsed.kind, view: this.returns.startReturn(laneId, parsed.code) };
      case "scale_label": {
        const p = this.lanes.lookup.byPlu(parsed.label.plu);
        if (!p) throw notFound("code", `no product with PLU ${parsed.label.plu} (label ${parsed.code})`);
        const base = this.basket.lineFor(p.sku, parsed.code);
        // A weight label carries the grams, sold at shelf price. A price label carries the amount
        // to charge: a weighed item is sold as the grams that amount stands for (so stock moves
        // by weight), or as one unit at that amount when no weight gives it exactly.
        let line: NewLine;
        if (parsed.label.priceFen === undefined) {
          line = { ...base, weighed: true, qty: this.basket.positiveGrams(parsed.label.weightG, "code") };
        } else {
          const grams = base.weighed ? gramsForLabelPrice(parsed.label.priceFen, base.unitPrice) : undefined;
          line =
            grams !== undefined
              ? { ...base, weighed: true, qty: grams }
              : { ...base, weighed: false, qty: 1, unitPrice: parsed.label.priceFen };
        }
        return { kind: parsed.kind, ...this.basket.add(rt, line) };
      }
      case "product": {
        const hit = this.lanes.lookup.byCode(parsed.gtin ?? parsed.code);
        if (!hit) throw notFound("code", `unknown barcode ${parsed.code}: nothing added`);
        const line = this.basket.lineFor(hit.product.sku, parsed.code, rt);
        // A case's code sells the case's units at the unit price (HQ's audit re-prices the line
        // as any other: the SKU, its qty, its shelf price).
        if (hit.pack && !line.weighed) line.qty = hit.qty;
        return { kind: parsed.kind, ...this.basket.add(rt, line) };
      }
    }
  }
}
