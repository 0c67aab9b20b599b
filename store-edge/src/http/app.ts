// The HTTP API the terminal UI talks to (documented in docs/store-edge.md). Routes are thin:
// validate the body with zod (400 naming the field), call checkout, answer JSON. Domain errors
// carry their own status and field.
//
// Who may call what (the store LAN is not trusted): every /lanes/:lane/... route but the sign-in
// and a supervisor's unlock of a locked code needs that lane's cashier session, `Authorization: Bearer <token>` from POST
// /lanes/:lane/login (401 otherwise, checkout/sessions.ts); the store-level reads that show
// sales and carts (GET /lanes, /suspended, /sales/:receiptNo) need any lane's session; catalog,
// stock and status reads are open (the terminal shows them before sign-in, nothing in them is a
// customer's); stock counts and receivings carry a cashier's code and PIN in their body. Every
// PIN is checked by staff/verify-pin.ts (durable per-code lockout, per-source limit).
import { existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { isSimulated, simControls } from "../devices/bridge-sim.ts";
import type { Edge } from "../edge.ts";
import { EdgeError, invalid } from "../errors.ts";
import { errorLog } from "../health/log-limit.ts";
import { StorageError } from "../health/storage.ts";
import { bearerToken, SessionError } from "../staff/sessions.ts";
import { LOCAL_SOURCE, pinSource } from "../staff/verify-pin.ts";
import { bodyLimits } from "./body-limit.ts";

/** What the server passes along with each request: the address of the device that sent it. */
export interface AppEnv {
  source?: string;
}

/** The optional supervisor of a body: both the code and the PIN, or neither. */
function supervisorOf(b: { supervisorId?: string | undefined; pin?: string | undefined }) {
  if ((b.supervisorId === undefined) !== (b.pin === undefined))
    throw invalid(b.pin === undefined ? "pin" : "supervisorId", "supervisorId and pin go together");
  return b.supervisorId && b.pin ? { id: b.supervisorId, pin: b.pin } : undefined;
}

const Fen = z.int().nonnegative();
const PositiveFen = z.int().positive();
const Pin = z.string().regex(/^\d{4,8}$/, "4-8 digits");
const CashierId = z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits");

const schemas = {
  login: z.strictObject({ cashierId: CashierId, pin: Pin }),
  openShift: z.strictObject({ float: Fen }),
  cash: z.strictObject({
    direction: z.enum(["in", "out"]),
    amount: PositiveFen,
    reason: z.string().min(1).max(80),
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
  closeShift: z.strictObject({ denominations: z.record(z.string(), z.int().nonnegative()) }),
  training: z.strictObject({ on: z.boolean(), supervisorId: CashierId, pin: Pin }),
  supervisor: z.strictObject({ supervisorId: CashierId, pin: Pin }),
  scan: z.strictObject({ code: z.string().min(1).max(128), aim: z.string().max(3).optional() }),
  item: z.strictObject({ sku: z.string().min(1).max(32), qty: z.int().min(1).max(9999).optional() }),
  qty: z.strictObject({ qty: z.int().min(1).max(9999) }),
  override: z.strictObject({
    price: Fen,
    supervisorId: CashierId,
    pin: Pin,
    reason: z.string().min(1).max(80),
  }),
  member: z.strictObject({
    phone: z.string().regex(/^1\d{10}$/, "a mainland mobile number: 11 digits starting with 1"),
  }),
  coupon: z.strictObject({ code: z.string().min(1).max(40) }),
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
  startReturn: z.union([
    z.strictObject({ receiptNo: z.string().min(1).max(40) }),
    z.strictObject({ supervisorId: CashierId, pin: Pin, reason: z.string().min(1).max(80) }),
  ]),
  returnLine: z.strictObject({ units: z.int().min(0), restock: z.boolean().default(true) }),
  completeReturn: z.strictObject({
    /** Absent: back to the original sale's tenders (the default). */
    tender: z.enum(["cash", "card", "wechat", "alipay", "voucher"]).optional(),
    reason: z.string().max(80).optional(),
    /** Refunding a non-cash sale in cash needs a supervisor. */
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
  reprint: z.strictObject({ receiptNo: z.string().min(1).max(40) }),
  stockCount: z.strictObject({
    cashierId: CashierId,
    pin: Pin,
    lines: z
      .array(z.strictObject({ sku: z.string().min(1).max(32), counted: z.int().nonnegative() }))
      .min(1)
      .max(2000),
  }),
  receiving: z.strictObject({
    cashierId: CashierId,
    pin: Pin,
    purchaseOrderId: z.string().min(1).max(64).optional(),
    supplierId: z.string().min(1).max(64).optional(),
    lines: z
      .array(
        z.strictObject({
          sku: z.string().min(1).max(32),
          qty: z.int().positive(),
          expected: z.int().nonnegative().optional(),
        }),
      )
      .min(1)
      .max(2000),
  }),
  simWeight: z.strictObject({ grams: z.int().optional(), stable: z.boolean() }),
  noSale: z.strictObject({ supervisorId: CashierId.optional(), pin: Pin.optional() }),
  // 整单折扣 / 抹零: the engine's OrderAdjustmentV1 checks discount and rounding (Checkout.adjustOrder).
  adjustment: z.strictObject({
    discount: z.unknown().optional(),
    rounding: z.unknown().optional(),
    supervisorId: CashierId.optional(),
    pin: Pin.optional(),
  }),
};

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text ? JSON.parse(text) : {};
  } catch {
    throw invalid("body", "not valid JSON");
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = [...issue.path];
    if (issue.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
    throw invalid(path.join(".") || "body", issue.message);
  }
  return r.data;
}

export function createApp(edge: Edge, staticDir?: string): Hono<{ Bindings: AppEnv }> {
  const app = new Hono<{ Bindings: AppEnv }>();
  const co = edge.checkout;

  app.onError((err, c) => {
    // A full disk fails every request: said once a minute with a count (health/log-limit.ts).
    if (err instanceof StorageError)
      errorLog.log(`storage:${err.state}`, `store-edge: ${err.sqliteCode}: ${err.message}`);
    if (err instanceof EdgeError)
      return c.json(
        {
          error: err.code,
          field: err.field,
          message: err.message,
          ...(err.reason ? { reason: err.reason } : {}),
        },
        err.status as 400,
      );
    if (err instanceof SessionError) {
      c.header("www-authenticate", `Bearer realm="store-edge", error="invalid_token"`);
      return c.json({ error: err.code, field: err.field, message: err.message, reason: err.reason }, 401);
    }
    errorLog.log(`internal:${(err as Error).message}`, `store-edge: ${(err as Error).stack ?? String(err)}`);
    return c.json({ error: "internal", field: "", message: (err as Error).message }, 500);
  });
  app.notFound((c) =>
    c.json({ error: "not_found", field: "path", message: `no route ${c.req.method} ${c.req.path}` }, 404),
  );

  // How long the edge itself took, for the UI's and the benches' latency figures.
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    c.header("server-timing", `app;dur=${(performance.now() - t0).toFixed(2)}`);
  });

  const api = new Hono<{ Bindings: AppEnv }>();
  // Every PIN check knows which LAN address sent it (staff/verify-pin.ts limits per source).
  api.use(async (c, next) => pinSource.run(c.env?.source ?? LOCAL_SOURCE, next));
  const sessionOf = (c: Context, lane?: string) =>
    co.sessions.check(bearerToken(c.req.header("authorization")), lane);
  // The lane's session, before anything else of the request is looked at: the sign-in is the
  // only lane route open without it. A lane id that cannot be one is still a 400 on "lane".
  const laneAuth = async (c: Context, next: () => Promise<void>) => {
    const lane = c.req.param("lane") ?? "";
    if (!/^[0-9]{1,2}$/.test(lane)) throw invalid("lane", "a lane is 1-2 digits");
    // The sign-in and the unlock of a locked code (at a till where nobody can sign in) carry
    // their own code and PIN instead, checked by verifyPin under the same limits.
    if (!(c.req.method === "POST" && /\/(login|staff\/\d{3,8}\/unlock)\/?$/.test(c.req.path)))
      sessionOf(c, lane);
    await next();
  };
  api.use("/lanes/:lane/*", laneAuth); // also matches /lanes/:lane itself
  const anySession = async (c: Context, next: () => Promise<void>) => {
    sessionOf(c);
    await next();
  };
  api.use("/lanes", anySession);
  api.use("/suspended", anySession);
  api.use("/sales/*", anySession);
  // After the session checks: a body is read (never past its limit) only for a signed-in lane,
  // the sign-in itself, and the open routes.
  api.use("*", bodyLimits(edge.options.config.http ?? {}));

  api.get("/status", (c) => c.json(edge.status()));
  api.get("/catalog/search", (c) => {
    const q = c.req.query("q") ?? "";
    const limit = Number(c.req.query("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid("limit", "1..100");
    return c.json({ hits: edge.replica.lookup.search(q, limit) });
  });
  api.get("/products/:sku", (c) => {
    const sku = c.req.param("sku");
    const lookup = edge.replica.lookup;
    const product = lookup.products.get(sku);
    if (!product) throw new EdgeError("not_found", "sku", `no product ${sku}`);
    return c.json({
      product,
      price: lookup.priceOf(sku, edge.clock.now()) ?? null,
      barcodes: lookup.barcodesOf(sku),
      onHand: edge.stock.onHand(sku),
      replenishment: edge.stock.replenishment(sku) ?? null,
    });
  });
  api.get("/stock/alerts", (c) => c.json({ alerts: edge.stock.alerts() }));
  api.post("/stock/counts", async (c) => {
    const b = await body(c, schemas.stockCount);
    return c.json(await edge.inventory.count(b.cashierId, b.pin, b.lines));
  });
  api.post("/stock/receivings", async (c) => {
    const { cashierId, pin, ...input } = await body(c, schemas.receiving);
    return c.json(await edge.inventory.receive(cashierId, pin, input));
  });
  api.get("/stock/:sku/nearby", async (c) => c.json(await edge.nearbyStock(c.req.param("sku"))));
  api.get("/sales/:receiptNo", (c) => {
    const sale = co.saleByReceipt(c.req.param("receiptNo"));
    if (!sale) throw new EdgeError("not_found", "receiptNo", `no sale ${c.req.param("receiptNo")}`);
    return c.json(sale);
  });
  api.get("/suspended", (c) => c.json({ suspended: co.suspended() }));

  api.get("/lanes", (c) => c.json({ lanes: co.laneIds().map((l) => co.view(l)) }));
  api.get("/lanes/:lane", (c) => c.json(co.view(c.req.param("lane"))));
  api.post("/lanes/:lane/login", async (c) => {
    const b = await body(c, schemas.login);
    return c.json(await co.login(c.req.param("lane"), b.cashierId, b.pin));
  });
  // Locked cashier codes and throttled LAN sources; a supervisor or manager unlocks at the till.
  api.get("/lanes/:lane/staff/pin-locks", (c) => c.json(co.pins.state()));
  api.post("/lanes/:lane/staff/:cashierId/unlock", async (c) => {
    const b = await body(c, schemas.supervisor);
    const code = CashierId.safeParse(c.req.param("cashierId"));
    if (!code.success) throw invalid("cashierId", "cashier code: 3-8 digits");
    return c.json(await co.unlockPin(c.req.param("lane"), code.data, { id: b.supervisorId, pin: b.pin }));
  });
  api.post("/lanes/:lane/logout", (c) => c.json(co.logout(c.req.param("lane"))));
  api.post("/lanes/:lane/shift/open", async (c) =>
    c.json(co.openShift(c.req.param("lane"), (await body(c, schemas.openShift)).float)),
  );
  api.post("/lanes/:lane/shift/cash", async (c) => {
    const b = await body(c, schemas.cash);
    return c.json(await co.cashMove(c.req.param("lane"), b.direction, b.amount, b.reason, supervisorOf(b)));
  });
  api.get("/lanes/:lane/shift/x-report", (c) => c.json(co.xReport(c.req.param("lane"))));
  api.post("/lanes/:lane/shift/x-report/print", (c) => c.json(co.printXReport(c.req.param("lane"))));
  api.post("/lanes/:lane/shift/close", async (c) =>
    c.json(co.closeShift(c.req.param("lane"), (await body(c, schemas.closeShift)).denominations)),
  );
  api.post("/lanes/:lane/training", async (c) => {
    const b = await body(c, schemas.training);
    return c.json(await co.setTraining(c.req.param("lane"), b.on, b.supervisorId, b.pin));
  });
  api.post("/lanes/:lane/scan", async (c) => {
    const b = await body(c, schemas.scan);
    return c.json(await co.scan(c.req.param("lane"), b.code, b.aim));
  });
  api.post("/lanes/:lane/items", async (c) => {
    const b = await body(c, schemas.item);
    return c.json(co.addSku(c.req.param("lane"), b.sku, b.qty));
  });
  api.patch("/lanes/:lane/lines/:lineId", async (c) =>
    c.json(co.changeQty(c.req.param("lane"), c.req.param("lineId"), (await body(c, schemas.qty)).qty)),
  );
  api.delete("/lanes/:lane/lines/:lineId", async (c) => {
    const b = await body(c, schemas.supervisor);
    return c.json(
      await co.voidLine(c.req.param("lane"), c.req.param("lineId"), { id: b.supervisorId, pin: b.pin }),
    );
  });
  api.post("/lanes/:lane/lines/:lineId/override", async (c) => {
    const b = await body(c, schemas.override);
    return c.json(
      await co.overridePrice(
        c.req.param("lane"),
        c.req.param("lineId"),
        b.price,
        b.supervisorId,
        b.pin,
        b.reason,
      ),
    );
  });
  api.post("/lanes/:lane/member", async (c) =>
    c.json(co.memberByPhone(c.req.param("lane"), (await body(c, schemas.member)).phone)),
  );
  api.delete("/lanes/:lane/member", (c) => c.json(co.clearMember(c.req.param("lane"))));
  api.post("/lanes/:lane/coupons", async (c) =>
    c.json(co.addCoupon(c.req.param("lane"), (await body(c, schemas.coupon)).code)),
  );
  api.delete("/lanes/:lane/coupons/:code", (c) =>
    c.json(co.removeCoupon(c.req.param("lane"), c.req.param("code"))),
  );
  api.post("/lanes/:lane/void", async (c) => {
    // An empty cart can be cleared without a supervisor; the edge asks for one otherwise.
    const b = (await c.req.text()) ? await body(c, schemas.supervisor) : undefined;
    return c.json(await co.voidCart(c.req.param("lane"), b ? { id: b.supervisorId, pin: b.pin } : undefined));
  });
  api.post("/lanes/:lane/adjustment", async (c) => {
    const { supervisorId, pin, ...adjustment } = await body(c, schemas.adjustment);
    return c.json(await co.adjustOrder(c.req.param("lane"), adjustment, supervisorOf({ supervisorId, pin })));
  });
  api.delete("/lanes/:lane/adjustment", (c) => c.json(co.clearOrderAdjustment(c.req.param("lane"))));
  api.post("/lanes/:lane/suspend", (c) => c.json(co.suspend(c.req.param("lane"))));
  api.post("/lanes/:lane/recall", async (c) =>
    c.json(co.recall(c.req.param("lane"), (await body(c, schemas.recall)).suspendId)),
  );
  api.post("/lanes/:lane/tenders", async (c) => {
    const lane = c.req.param("lane");
    const b = await body(c, schemas.tender);
    if (b.kind === "cash") return c.json(co.tenderCash(lane, b.received));
    if (b.kind === "card") return c.json(co.tenderCard(lane, b.amount, b.approvalCode));
    return c.json(await co.payWallet(lane, b.kind, b.code, b.amount));
  });
  api.post("/lanes/:lane/payments/:paymentId/query", async (c) =>
    c.json(await co.queryPayment(c.req.param("lane"), c.req.param("paymentId"))),
  );
  api.post("/lanes/:lane/payments/:paymentId/reverse", async (c) =>
    c.json(await co.reversePayment(c.req.param("lane"), c.req.param("paymentId"))),
  );
  api.post("/lanes/:lane/returns", async (c) => {
    const lane = c.req.param("lane");
    const b = await body(c, schemas.startReturn);
    if ("receiptNo" in b) return c.json(co.startReturn(lane, b.receiptNo));
    return c.json(await co.startReturnWithoutReceipt(lane, b.supervisorId, b.pin, b.reason));
  });
  api.get("/lanes/:lane/returns/lines", (c) => c.json({ lines: co.returnable(c.req.param("lane")) }));
  api.get("/lanes/:lane/returns/preview", (c) => c.json(co.previewReturn(c.req.param("lane"))));
  api.put("/lanes/:lane/returns/lines/:lineId", async (c) => {
    const b = await body(c, schemas.returnLine);
    return c.json(co.setReturnLine(c.req.param("lane"), c.req.param("lineId"), b.units, b.restock));
  });
  api.post("/lanes/:lane/returns/complete", async (c) => {
    const b = await body(c, schemas.completeReturn);
    return c.json(await co.completeReturn(c.req.param("lane"), b.tender, b.reason ?? "", supervisorOf(b)));
  });
  api.delete("/lanes/:lane/returns", (c) => c.json(co.cancelReturn(c.req.param("lane"))));
  // The lane's receipt journal (newest first) and, after a restart, what became of the cart the
  // till was paying (?cartId=): committed with its receipt, or not committed, basket restored.
  api.get("/lanes/:lane/journal", (c) => {
    const limit = Number(c.req.query("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid("limit", "1..200");
    return c.json({ receipts: edge.journal.lane(c.req.param("lane"), limit) });
  });
  api.get("/lanes/:lane/last-sale", (c) => {
    const lane = c.req.param("lane");
    const cartId = c.req.query("cartId");
    if (cartId !== undefined && !/^[0-9a-f-]{36}$/.test(cartId)) throw invalid("cartId", "a cart id (uuid)");
    const cart = co.view(lane).cart;
    const current = { cartId: cart.cartId, lines: cart.lines.length };
    return c.json({
      last: edge.journal.lane(lane, 1)[0] ?? null,
      ...(cartId ? edge.journal.outcome(lane, cartId, current, co.restoredCarts) : {}),
    });
  });
  api.post("/lanes/:lane/reprint", async (c) => {
    co.reprint(c.req.param("lane"), (await body(c, schemas.reprint)).receiptNo);
    return c.json({ ok: true });
  });
  // A no-sale: the drawer opens only with a supervisor's code and PIN, audited to HQ.
  api.post("/lanes/:lane/devices/drawer", async (c) => {
    const b = await body(c, schemas.noSale);
    await co.noSale(c.req.param("lane"), supervisorOf(b));
    return c.json({ ok: true });
  });
  api.post("/lanes/:lane/devices/scale/:action", async (c) => {
    const d = co.devices(c.req.param("lane"));
    const action = c.req.param("action");
    if (action === "zero") await d.zeroScale();
    else if (action === "tare") await d.tareScale();
    else throw invalid("action", "zero or tare");
    return c.json({ ok: true });
  });
  api.get("/lanes/:lane/devices", (c) =>
    c.json({
      devices: co.devices(c.req.param("lane")).health(),
      weight: co.devices(c.req.param("lane")).weight() ?? null,
      // The till's device panel offers the simulators' controls (the demo's scale) only then.
      simulated: isSimulated(co.devices(c.req.param("lane"))),
      uncertainPrints: co.devices(c.req.param("lane")).uncertainPrints(),
    }),
  );
  // A receipt whose printing is uncertain (docs/devices.md): "printed" or "reprint" (marked copy).
  api.post("/lanes/:lane/devices/printer/uncertain/:job", async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { resolution?: unknown };
    const job = Number(c.req.param("job"));
    if (!Number.isInteger(job) || job < 1) throw invalid("job", "a print job id from uncertainPrints");
    if (b.resolution !== "printed" && b.resolution !== "reprint")
      throw invalid("resolution", '"printed" or "reprint"');
    await co.devices(c.req.param("lane")).resolvePrint(job, b.resolution);
    return c.json({ ok: true });
  });
  // Simulated devices: the demo and tests press the scanner's trigger and put goods on the scale.
  // "simulated" lanes in-process; "bridge-sim" lanes through firmware-bridge's wire simulators.
  const sim = (lane: string) => {
    const d = simControls(co.devices(lane));
    if (!d) throw invalid("lane", "this lane's devices are not simulated");
    return d;
  };
  api.post("/lanes/:lane/sim/scan", async (c) => {
    const b = await body(c, schemas.scan);
    return c.json(await sim(c.req.param("lane")).scan(b.code, b.aim));
  });
  api.post("/lanes/:lane/sim/weight", async (c) => {
    const b = await body(c, schemas.simWeight);
    return c.json(await sim(c.req.param("lane")).weight(b.grams, b.stable));
  });
  api.post("/lanes/:lane/sim/printer", async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { fault?: unknown };
    if (b.fault !== "drop-after-cut") throw invalid("fault", '"drop-after-cut"');
    return c.json(await sim(c.req.param("lane")).printerFault(b.fault));
  });
  api.get("/lanes/:lane/sim/printed", async (c) =>
    c.json({ printed: await sim(c.req.param("lane")).printed() }),
  );
  api.get("/lanes/:lane/sim/printed/:index/png", async (c) => {
    const index = Number(c.req.param("index"));
    if (!Number.isInteger(index) || index < 0) throw invalid("index", "a receipt index from sim/printed");
    const png = await sim(c.req.param("lane")).printedPng(index);
    if (!png) throw new EdgeError("not_found", "index", `no rendered receipt ${index} on this lane`);
    return new Response(png, { headers: { "content-type": "image/png" } });
  });

  app.route("/api/v1", api);

  if (staticDir && existsSync(staticDir)) {
    // The built terminal UI (SvelteKit static adapter): files, with index.html as the fallback.
    app.get("*", (c) => {
      const rel = normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.[/\\])+/, "");
      let file = join(staticDir, rel);
      if (!file.startsWith(staticDir) || !existsSync(file) || statSync(file).isDirectory())
        file = join(staticDir, "index.html");
      return new Response(Bun.file(file));
    });
  }
  return app;
}
