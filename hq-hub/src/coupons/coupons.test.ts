// HQ's coupons over the real API and real MQTT ingest: issuing bound to a coupon-gated
// promotion, the audit of a sale that used one (no finding), the first use recorded in the
// sale's ingest and "redeemed" sent down in a change set, a second use elsewhere a conflict.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, priceBasket } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let s1: StoreClient;
let s2: StoreClient;
let version = 0;
const count = (sql: string) => (hub.db.prepare(sql).get() as { n: number }).n;

beforeAll(async () => {
  hub = await startTestHub();
  s1 = await connectStore(await enrollStore(hub, "S1"));
  s2 = await connectStore(await enrollStore(hub, "S2"));
  const cs = (await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } })).body.id as number;
  const put = async (entity: string, data: unknown) =>
    expect((await api(hub, "POST", `/api/v1/catalog/${entity}?changeset=${cs}`, data)).status).toBe(200);
  await put("product", {
    sku: "SKU1",
    name: "牛奶",
    category: ["1001"],
    unit: "EA",
    taxRate: 13,
    weighed: false,
    status: "active",
  });
  await put("price", { sku: "SKU1", scope: "chain", windows: [{ price: 100 }] });
  await put("promotion", { id: "P-VIP", kind: "percent_off", percent: 20, couponCode: "VIP20" });
  await put("promotion", { id: "P-AUTO", kind: "percent_off", percent: 5, skus: ["NONE"] });
  await put("member", { id: "M1", phone: "13800138000", tier: "gold", points: 0, status: "active" });
  version = (await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" })).body.version;
});
afterAll(async () => {
  await s1.close();
  await s2.close();
  await hub.cleanup();
});

/** A sale of one SKU1 that used `code` for P-VIP, priced by the engine as the till prices it. */
function couponSale(storeId: string, seq: number, code: string): AnyEnvelope {
  const env = saleEvent(storeId, seq, { lines: 1, catalogVersion: version });
  const p = env.payload;
  const r = priceBasket({
    at: p.completedAt,
    storeId,
    coupons: ["VIP20"], // the till's couponActivations of [code]
    lines: p.lines.map(({ lineId, sku, category, unitPrice, qty, weighed, taxRate }) => ({
      lineId,
      sku,
      category,
      unitPrice,
      qty,
      weighed,
      taxRate,
    })),
    promotions: [{ id: "P-VIP", kind: "percent_off", percent: 20, couponCode: "VIP20" }],
  });
  p.coupons = [code];
  p.lines = p.lines.map((l, i) => ({ ...l, ...r.lines[i]! }));
  p.totals = r.totals;
  p.applied = r.applied;
  p.tenders = [{ kind: "cash", amount: r.totals.net, received: r.totals.net, change: 0 }];
  return env;
}

test("issuing: bound to a coupon-gated promotion, one per member or a count; wrong requests name the field", async () => {
  const bad = async (body: unknown) => {
    const r = await api(hub, "POST", "/api/v1/coupons/issue", body);
    expect(r.status).toBe(400);
    return r.body.field as string;
  };
  expect(await bad({ promotionId: "NOPE", count: 1 })).toBe("promotionId");
  expect(await bad({ promotionId: "P-AUTO", count: 1 })).toBe("promotionId"); // no couponCode
  expect(await bad({ promotionId: "P-VIP", memberIds: ["M404"] })).toBe("memberIds.0");
  expect(await bad({ promotionId: "P-VIP", count: 3, multiUse: true })).toBe("multiUse");
  expect(await bad({ promotionId: "P-VIP", count: 100_001 })).toBe("count");
  const one = await api(hub, "POST", "/api/v1/coupons/issue", {
    promotionId: "P-VIP",
    codes: ["VIP-A", "VIP-B"],
  });
  expect(one.status).toBe(200);
  expect(one.body.coupons.map((c: { code: string }) => c.code)).toEqual(["VIP-A", "VIP-B"]);
  expect(await bad({ promotionId: "P-VIP", codes: ["VIP-A"] })).toBe("codes.0"); // exists already
  const members = await api(hub, "POST", "/api/v1/coupons/issue", {
    promotionId: "P-VIP",
    memberIds: ["M1"],
  });
  expect(members.body.coupons[0]).toMatchObject({ promotionId: "P-VIP", memberId: "M1", status: "issued" });
  expect(members.body.coupons[0].code).toMatch(/^VIP20-[2-9A-Z]{8}$/);
  const batch = await api(hub, "POST", "/api/v1/coupons/issue", { promotionId: "P-VIP", count: 5 });
  expect(new Set(batch.body.coupons.map((c: { code: string }) => c.code)).size).toBe(5);
  // Released to every store at once, as a change set the stores fetch.
  const cs = (await api(hub, "GET", "/api/v1/changesets")).body as { id: number; state: string }[];
  expect(cs.find((c) => c.id === batch.body.changesetId)?.state).toBe("released");
  const listed = await api(hub, "GET", "/api/v1/coupons?promotionId=P-VIP");
  expect(listed.body.coupons.length).toBe(8);
  // A coupon cannot be moved to another promotion (the audit prices old sales by its binding).
  const moved = await api(hub, "POST", "/api/v1/catalog/coupon", {
    code: "VIP-A",
    promotionId: "P-AUTO",
    status: "issued",
  });
  expect(moved.status).toBe(400);
  expect(moved.body.field).toBe("promotionId");
});

test("a sale with an API-issued coupon: no price finding; spent once in ingest, 'redeemed' sent down; a second use at another store is a conflict", async () => {
  const first = couponSale("S1", 1, "VIP-A");
  await s1.publishEvents([first]);
  expect((await s1.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
  expect(count("SELECT COUNT(*) AS n FROM price_findings")).toBe(0);
  // The same sale delivered again records nothing twice.
  await s1.publishEvents([first]);
  await s1.next("events.ack");
  expect(count("SELECT COUNT(*) AS n FROM coupon_redemptions WHERE code = 'VIP-A'")).toBe(1);
  // HQ's sync sends "redeemed" to every store in a released change set.
  await waitFor(
    () => (hub.catalog.readMaster("coupon", "VIP-A") as { status: string }).status === "redeemed",
    "VIP-A redeemed at HQ",
    30_000,
  );
  const spentCs = (await api(hub, "GET", "/api/v1/changesets")).body.find(
    (c: { description: string }) => c.description === "coupons spent (1)",
  );
  expect(spentCs?.state).toBe("released");
  // S2 was offline and sold on the same coupon: a conflict HQ lists, the sale kept.
  await s2.publishEvents([couponSale("S2", 1, "VIP-A")]);
  expect((await s2.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
  expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'S2'")).toBe(1);
  const conflicts = (await api(hub, "GET", "/api/v1/coupons/conflicts")).body.conflicts;
  expect(conflicts).toHaveLength(1);
  expect(conflicts[0]).toMatchObject({
    code: "VIP-A",
    first: { storeId: "S1" },
    second: { storeId: "S2" },
    status: "open",
  });
  expect(count("SELECT COUNT(*) AS n FROM price_findings")).toBe(0);
  const listed = (await api(hub, "GET", "/api/v1/coupons?code=VIP-A")).body.coupons[0];
  expect(listed).toMatchObject({ status: "redeemed", uses: 2, firstUse: { storeId: "S1" } });
  const resolved = await api(hub, "POST", `/api/v1/coupons/conflicts/${conflicts[0].id}/resolve`, {
    note: "顾客补差价",
  });
  expect(resolved.body.status).toBe("resolved");
  expect((await api(hub, "GET", "/api/v1/coupons/conflicts")).body.conflicts).toHaveLength(0);
});

test("a store that took another member's, an expired or a void coupon: HQ's audit names it", async () => {
  const issued = await api(hub, "POST", "/api/v1/coupons/issue", {
    promotionId: "P-VIP",
    codes: ["VIP-M1", "VIP-LATE", "VIP-VOID"],
    memberIds: ["M1", "M1", "M1"],
    validUntil: "2099-01-01T00:00:00+08:00",
  });
  expect(issued.status).toBe(200);
  hub.db
    .prepare("UPDATE coupons SET valid_until = '2026-11-01T00:00:00+08:00' WHERE code = 'VIP-LATE'")
    .run();
  hub.db.prepare("UPDATE coupons SET status = 'void' WHERE code = 'VIP-VOID'").run();
  const rogue = [
    couponSale("S1", 2, "VIP-M1"),
    couponSale("S1", 3, "VIP-LATE"),
    couponSale("S1", 4, "VIP-VOID"),
  ];
  (rogue[1]!.payload as { member?: { id: string; tier: string } }).member = { id: "M1", tier: "gold" };
  (rogue[2]!.payload as { member?: { id: string; tier: string } }).member = { id: "M1", tier: "gold" };
  await s1.publishEvents(rogue);
  expect((await s1.next("events.ack")).payload).toEqual({ upToSeq: 4, missing: [] });
  const findings = hub.db
    .prepare("SELECT field, expected, actual FROM price_findings WHERE field LIKE 'coupons.%' ORDER BY id")
    .all();
  expect(findings).toEqual([
    { field: "coupons.VIP-M1", expected: "member M1", actual: "no member" },
    {
      field: "coupons.VIP-LATE",
      expected: "used before 2026-11-01T00:00:00+08:00",
      actual: "2026-11-25T09:30:00.000+08:00",
    },
    { field: "coupons.VIP-VOID", expected: "a coupon in force", actual: "void" },
  ]);
});
