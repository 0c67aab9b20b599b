// Pack levels through the hub's API (issue 17 item 6): a case of 12 with its own barcode set on
// a product, read back, carried to a store in the change set like any product edit; every code
// kept apart from unit barcodes and other products' packs; garbage named by field.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const product = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `可乐${sku}`,
  category: ["10", "1001"],
  unit: "BTL",
  taxRate: 13,
  weighed: false,
  status: "active",
  ...extra,
});

beforeAll(async () => {
  hub = await startTestHub();
  for (const p of [product("COLA"), product("SODA")])
    expect((await api(hub, "POST", "/api/v1/catalog/product", p)).status).toBe(200);
  expect(
    (await api(hub, "POST", "/api/v1/catalog/barcode", { code: "6901234567892", sku: "COLA" })).status,
  ).toBe(200);
});
afterAll(async () => {
  await hub.cleanup();
});

describe("a product's packs", () => {
  test("a case of 12 with its GTIN-14 and a six-pack: stored (GTIN normalised), read back, in the draft", async () => {
    const put = await api(hub, "PUT", "/api/v1/products/COLA/packs", {
      packs: [
        { qty: 12, name: "箱", code: "16901234567899", purchase: true },
        // GTIN-14 with indicator 0 is the EAN-13 inside it: stored as the till will look it up.
        { qty: 6, name: "六连包", code: "06901234567809" },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.packs).toEqual([
      { qty: 12, name: "箱", code: "16901234567899", purchase: true },
      { qty: 6, name: "六连包", code: "6901234567809" },
    ]);
    expect(put.body.changesetId).toBeGreaterThan(0);
    const got = await api(hub, "GET", "/api/v1/products/COLA/packs");
    expect(got.body).toMatchObject({ sku: "COLA", unit: "BTL", weighed: false, packs: put.body.packs });
    // The product record itself carries them: the change set item is an ordinary product upsert.
    const record = await api(hub, "GET", "/api/v1/catalog/product/COLA");
    expect(record.body.packs).toEqual(put.body.packs);
    const cs = await api(hub, "GET", `/api/v1/changesets/${put.body.changesetId}`);
    expect(cs.status).toBe(200);
    // Clearing the packs leaves the product without the field.
    const cleared = await api(hub, "PUT", "/api/v1/products/SODA/packs", { packs: [] });
    expect(cleared.body.packs).toEqual([]);
    expect((await api(hub, "GET", "/api/v1/catalog/product/SODA")).body.packs).toBeUndefined();
  });

  test("a pack code is no unit barcode and no other product's pack code; a unit barcode is no pack code", async () => {
    const unit = await api(hub, "PUT", "/api/v1/products/SODA/packs", {
      packs: [{ qty: 24, name: "箱", code: "6901234567892" }],
    });
    expect(unit.status).toBe(400);
    expect(unit.body).toMatchObject({ field: "packs.0.code" });
    expect(unit.body.message).toContain("unit barcode of SKU COLA");
    const other = await api(hub, "PUT", "/api/v1/products/SODA/packs", {
      packs: [{ qty: 24, name: "箱", code: "16901234567899" }],
    });
    expect(other.status).toBe(400);
    expect(other.body.message).toContain("COLA's pack of 12");
    const asBarcode = await api(hub, "POST", "/api/v1/catalog/barcode", {
      code: "16901234567899",
      sku: "SODA",
    });
    expect(asBarcode.status).toBe(400);
    expect(asBarcode.body).toMatchObject({ field: "code" });
    // The owner may keep its own code while it edits the rest.
    const again = await api(hub, "PUT", "/api/v1/products/COLA/packs", {
      packs: [{ qty: 12, name: "整箱", code: "16901234567899", purchase: true }],
    });
    expect(again.status).toBe(200);
  });

  test("hostile packs are refused naming the field; nothing changes", async () => {
    const bad = async (body: unknown, sku = "COLA") => {
      const r = await api(hub, "PUT", `/api/v1/products/${sku}/packs`, body);
      expect(r.status).toBe(400);
      return r.body.field as string;
    };
    expect(await bad({ packs: [{ qty: 1, name: "箱" }] })).toBe("packs.0.qty");
    expect(await bad({ packs: [{ qty: 12.5, name: "箱" }] })).toBe("packs.0.qty");
    expect(await bad({ packs: [{ qty: 1e12, name: "箱" }] })).toBe("packs.0.qty");
    expect(await bad({ packs: [{ qty: "12", name: "箱" }] })).toBe("packs.0.qty");
    expect(await bad({ packs: [{ qty: 12, name: "箱", code: "16901234567890" }] })).toBe("packs.0.code");
    expect(await bad({ packs: [{ qty: 12, name: "箱", code: "a%_b" }] })).toBe("packs.0.code");
    expect(await bad({ packs: [{ qty: 12, name: "箱", priceFen: 100 }] })).toBe("packs.0");
    expect(
      await bad({
        packs: [
          { qty: 12, name: "箱", purchase: true },
          { qty: 6, name: "包", purchase: true },
        ],
      }),
    ).toBe("packs.1.purchase");
    expect(await bad({ packs: Array.from({ length: 6 }, (_, i) => ({ qty: i + 2, name: "包" })) })).toBe(
      "packs",
    );
    expect(await bad({ packs: "箱" })).toBe("packs");
    const missing = await api(hub, "PUT", "/api/v1/products/NOPE/packs", { packs: [] });
    expect(missing.status).toBe(404);
    // Weighed goods are sold by weight.
    expect(
      (await api(hub, "POST", "/api/v1/catalog/product", product("BANANA", { unit: "KG", weighed: true })))
        .status,
    ).toBe(200);
    expect(await bad({ packs: [{ qty: 10, name: "箱" }] }, "BANANA")).toBe("packs");
    expect((await api(hub, "GET", "/api/v1/products/COLA/packs")).body.packs).toEqual([
      { qty: 12, name: "整箱", code: "16901234567899", purchase: true },
    ]);
  });

  test("an auditor reads packs but may not edit them", async () => {
    const token = await api(hub, "POST", "/api/v1/tokens", { name: "auditor", role: "auditor" });
    expect(token.status).toBe(200);
    const put = await api(hub, "PUT", "/api/v1/products/COLA/packs", { packs: [] }, token.body.token);
    expect(put.status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/products/COLA/packs", undefined, token.body.token)).status).toBe(
      200,
    );
  });
});
