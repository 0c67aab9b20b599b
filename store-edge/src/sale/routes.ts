// The sale over the LAN API: scans and items, quantities, voids and overrides (a supervisor),
// member, order discount / 抹零, suspend and recall, tenders (cash, card, WeChat Pay / Alipay
// codes), reprints, and the store-level reads of sales and suspended carts.
import { z } from "zod";
import { EdgeError } from "../errors.ts";
import {
  type Api,
  body,
  CashierId,
  Fen,
  newApi,
  Pin,
  PositiveFen,
  ScanBody,
  supervisorOf,
} from "../http/body.ts";
import type { WalletPayments } from "../payments/wallet.ts";
import type { Basket } from "./basket.ts";
import type { SaleCommit } from "./commit.ts";
import type { Scanner } from "./scan.ts";
import type { SuspendedCarts } from "./suspend.ts";

const schemas = {
  supervisor: z.strictObject({ supervisorId: CashierId, pin: Pin }),
  item: z.strictObject({ sku: z.string().min(1).max(32), qty: z.int().min(1).max(9999).optional() }),
  qty: z.strictObject({ qty: z.int().min(1).max(9999) }),
  override: z.strictObject({
    price: Fen,
    supervisorId: CashierId,
    pin: Pin,
    reason: z.string().min(1).max(80),
  }),
  recall: z.strictObject({ suspendId: z.string().min(1).max(64) }),
  tender: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("cash"), received: PositiveFen }),
    z.strictObject({
      kind: z.literal("card"),
      amount: PositiveFen.optional(),
      approvalCode: z.string().regex(/^[A-Za-z0-9]{4,12}$/, "approval code: 4-12 letters or digits"),
    }),
    z.strictObject({
      kind: z.enum(["wechat", "alipay"]),
      code: z.string().regex(/^\d{16,24}$/, "payment code: 16-24 digits"),
      amount: PositiveFen.optional(),
    }),
  ]),
  reprint: z.strictObject({ receiptNo: z.string().min(1).max(40) }),
  // 整单折扣 / 抹零: the engine's OrderAdjustmentV1 checks discount and rounding (Basket.adjustOrder).
  adjustment: z.strictObject({
    discount: z.unknown().optional(),
    rounding: z.unknown().optional(),
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
};

export interface SaleServices {
  basket: Basket;
  scanner: Scanner;
  suspends: SuspendedCarts;
  sales: SaleCommit;
  wallet: WalletPayments;
}

export function saleRoutes(s: SaleServices): Api {
  const api = newApi();
  api.get("/sales/:receiptNo", (c) => {
    const sale = s.sales.saleByReceipt(c.req.param("receiptNo"));
    if (!sale) throw new EdgeError("not_found", "receiptNo", `no sale ${c.req.param("receiptNo")}`);
    return c.json(sale);
  });
  api.get("/suspended", (c) => c.json({ suspended: s.suspends.list() }));
  api.post("/lanes/:lane/scan", async (c) => {
    const b = await body(c, ScanBody);
    return c.json(await s.scanner.scan(c.req.param("lane"), b.code, b.aim));
  });
  api.post("/lanes/:lane/items", async (c) => {
    const b = await body(c, schemas.item);
    return c.json(s.basket.addSku(c.req.param("lane"), b.sku, b.qty));
  });
  api.patch("/lanes/:lane/lines/:lineId", async (c) =>
    c.json(s.basket.changeQty(c.req.param("lane"), c.req.param("lineId"), (await body(c, schemas.qty)).qty)),
  );
  api.delete("/lanes/:lane/lines/:lineId", async (c) => {
    const b = await body(c, schemas.supervisor);
    return c.json(
      await s.basket.voidLine(c.req.param("lane"), c.req.param("lineId"), { id: b.supervisorId, pin: b.pin }),
    );
  });
  api.post("/lanes/:lane/lines/:lineId/override", async (c) => {
    const b = await body(c, schemas.override);
    return c.json(
      await s.basket.overridePrice(
        c.req.param("lane"),
        c.req.param("lineId"),
        b.price,
        b.supervisorId,
        b.pin,
        b.reason,
      ),
    );
  });
  // POST /lanes/:lane/member (by phone or member code) and sign-up: member/routes.ts.
  api.delete("/lanes/:lane/member", (c) => c.json(s.basket.clearMember(c.req.param("lane"))));
  api.post("/lanes/:lane/void", async (c) => {
    // An empty cart can be cleared without a supervisor; the edge asks for one otherwise.
    const b = (await c.req.text()) ? await body(c, schemas.supervisor) : undefined;
    return c.json(
      await s.basket.voidCart(c.req.param("lane"), b ? { id: b.supervisorId, pin: b.pin } : undefined),
    );
  });
  api.post("/lanes/:lane/adjustment", async (c) => {
    const { supervisorId, pin, ...adjustment } = await body(c, schemas.adjustment);
    return c.json(
      await s.basket.adjustOrder(c.req.param("lane"), adjustment, supervisorOf({ supervisorId, pin })),
    );
  });
  api.delete("/lanes/:lane/adjustment", (c) => c.json(s.basket.clearOrderAdjustment(c.req.param("lane"))));
  api.post("/lanes/:lane/suspend", (c) => c.json(s.suspends.suspend(c.req.param("lane"))));
  api.post("/lanes/:lane/recall", async (c) =>
    c.json(s.suspends.recall(c.req.param("lane"), (await body(c, schemas.recall)).suspendId)),
  );
  api.post("/lanes/:lane/tenders", async (c) => {
    const lane = c.req.param("lane");
    const b = await body(c, schemas.tender);
    if (b.kind === "cash") return c.json(s.sales.tenderCash(lane, b.received));
    if (b.kind === "card") return c.json(s.sales.tenderCard(lane, b.amount, b.approvalCode));
    return c.json(await s.wallet.payWallet(lane, b.kind, b.code, b.amount));
  });
  api.post("/lanes/:lane/reprint", async (c) => {
    s.sales.reprint(c.req.param("lane"), (await body(c, schemas.reprint)).receiptNo);
    return c.json({ ok: true });
  });
  return api;
}
