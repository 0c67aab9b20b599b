// The supplier editor's new fields and the price-list screen's API through the real hub: tax id
// (check digit) and payment terms, the list with validity and names, open orders against it, a
// change previewed (JSON and CSV in yuan) without writing, then saved; hostile input refused
// naming the field or row.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, enrollStore, startTestHub, waitFor } from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const today = new Date().toISOString().slice(0, 10);
const HUAWEI = "91440300708461136T"; // a published 统一社会信用代码

beforeAll(async () => {
  hub = await startTestHub();
  await enrollStore(hub, "E1", { region: "east" });
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nPORK,猪里脊,20/2001,KG,9,true,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
});
afterAll(async () => {
  await hub.cleanup();
});

describe("supplier tax id and payment terms", () => {
  test("kept on create, left alone by a create that does not name them, edited and cleared", async () => {
    const base = { id: "SUP-T", name: "华为", leadTimeDays: 2, minOrderQty: 1, packSize: 1 };
    const made = await api(hub, "POST", "/api/v1/suppliers", { ...base, taxId: HUAWEI.toLowerCase() });
    expect(made.body).toMatchObject({ taxId: HUAWEI, paymentTermsDays: 30 });
    const again = await api(hub, "POST", "/api/v1/suppliers", { ...base, paymentTermsDays: 60 });
    expect(again.body).toMatchObject({ taxId: HUAWEI, paymentTermsDays: 60 });
    const cleared = await api(hub, "PATCH", "/api/v1/suppliers/SUP-T", { taxId: null, paymentTermsDays: 0 });
    expect(cleared.body).toMatchObject({ taxId: null, paymentTermsDays: 0 });
  });

  test("a wrong check digit, a bad character, garbage and absurd terms are refused naming the field", async () => {
    for (const [patch, field, words] of [
      [{ taxId: "91440300708461136X" }, "taxId", "check digit"],
      [{ taxId: "9144030070846113IT" }, "taxId", "not allowed"],
      [{ taxId: "x".repeat(5000) }, "taxId", ""],
      [{ paymentTermsDays: 366 }, "paymentTermsDays", ""],
      [{ paymentTermsDays: 1.5 }, "paymentTermsDays", ""],
    ] as const) {
      const r = await api(hub, "PATCH", "/api/v1/suppliers/SUP-T", patch);
      expect(r.status).toBe(400);
      expect(r.body.field).toBe(field);
      expect(r.body.message).toContain(words);
    }
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP-T")).body).toMatchObject({
      taxId: null,
      paymentTermsDays: 0,
    });
  });
});

describe("the price list and open orders", () => {
  let po = "";
  test("the list names products and gives each entry its validity", async () => {
    await api(hub, "POST", "/api/v1/suppliers", {
      id: "SUP1",
      name: "伊利",
      leadTimeDays: 2,
      minOrderQty: 12,
      packSize: 12,
    });
    await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [
        { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" },
        { sku: "M1", costFen: 240, taxRate: 13, effectiveFrom: "2020-01-01" },
        { sku: "PORK", costFen: 3000, taxRate: 9, effectiveFrom: "2026-01-01" },
      ],
    });
    const list = await api(hub, "GET", "/api/v1/suppliers/SUP1/price-list");
    expect(list.status).toBe(200);
    expect(list.body.rows).toEqual([
      expect.objectContaining({
        sku: "M1",
        name: "纯牛奶 250ml",
        costFen: 240,
        effectiveTo: "2025-12-31",
        state: "past",
        packSize: 12,
        minOrderQty: 12,
      }),
      expect.objectContaining({ sku: "M1", costFen: 250, effectiveTo: null, state: "current" }),
      expect.objectContaining({ sku: "PORK", name: "猪里脊", weighed: true, state: "current" }),
    ]);
    expect((await api(hub, "GET", "/api/v1/suppliers/NOPE/price-list")).status).toBe(404);
  });

  test("an open order against today's list, a preview of a change, and the change saved", async () => {
    const o = await api(hub, "POST", "/api/v1/purchase-orders", {
      storeId: "E1",
      supplierId: "SUP1",
      lines: [
        { sku: "M1", qty: 24 },
        { sku: "PORK", qty: 2500 },
      ],
    });
    expect(o.status).toBe(200);
    po = o.body.id;
    const open = await api(hub, "GET", "/api/v1/suppliers/SUP1/open-orders");
    expect(open.body).toMatchObject({ orders: 1, totalDiffFen: 0 });
    expect(open.body.lines[0]).toMatchObject({
      poId: po,
      storeName: expect.any(String),
      name: "纯牛奶 250ml",
      orderedCostFen: 250,
      diffFen: 0,
    });

    const change = {
      prices: [
        { sku: "M1", costFen: 262, taxRate: 13, effectiveFrom: today },
        { sku: "PORK", costFen: 2950, taxRate: 9, effectiveFrom: today },
      ],
    };
    const preview = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices/preview", change);
    expect(preview.status).toBe(200);
    // 24 x +0.12 = +2.88; 2,500 g x -0.50/kg = -1.25; total +1.63.
    expect(preview.body).toMatchObject({ prices: 2, orders: 1, totalDiffFen: 163 });
    expect(preview.body.lines.map((l: { sku: string; diffFen: number }) => [l.sku, l.diffFen])).toEqual([
      ["M1", 288],
      ["PORK", -125],
    ]);
    // Nothing was written by the preview.
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP1/open-orders")).body.totalDiffFen).toBe(0);

    const csv = `sku,cost_yuan,tax_rate,effective_from\nM1,2.62,13,${today}\nPORK,29.5,9,${today}\n`;
    const csvPreview = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices/import/preview", csv);
    expect(csvPreview.body).toMatchObject({ totalDiffFen: 163 });
    expect((await api(hub, "POST", "/api/v1/suppliers/SUP1/prices/import", csv)).body).toEqual({
      supplierId: "SUP1",
      prices: 2,
    });
    const after = await api(hub, "GET", "/api/v1/suppliers/SUP1/open-orders");
    expect(after.body).toMatchObject({ orders: 1, totalDiffFen: 163 });
  });

  test("hostile previews: unknown SKU, garbage yuan, a float, both cost columns, an unknown supplier", async () => {
    const unknown = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices/preview", {
      prices: [{ sku: "NOPE", costFen: 1, taxRate: 13, effectiveFrom: today }],
    });
    expect(unknown.body).toMatchObject({ field: "prices.0.sku" });
    const float = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices/preview", {
      prices: [{ sku: "M1", costFen: 2.5, taxRate: 13, effectiveFrom: today }],
    });
    expect(float.status).toBe(400);
    const garbage = await api(
      hub,
      "POST",
      "/api/v1/suppliers/SUP1/prices/import/preview",
      `sku,cost_yuan,tax_rate,effective_from\nM1,2.62,13,${today}\nM1,2.625,13,2026-01-02\nM1,¥1e3,13,2026-01-03\n`,
    );
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatchObject({ field: "cost_yuan", row: 2 });
    expect(garbage.body.message).toContain("row 3 cost_yuan");
    const both = await api(
      hub,
      "POST",
      "/api/v1/suppliers/SUP1/prices/import",
      `sku,cost_fen,cost_yuan,tax_rate,effective_from\nM1,262,2.62,13,${today}\n`,
    );
    expect(both.status).toBe(400);
    expect(both.body.message).toContain("exactly one of cost_fen or cost_yuan");
    const ok = { prices: [{ sku: "M1", costFen: 1, taxRate: 13, effectiveFrom: today }] };
    expect((await api(hub, "POST", "/api/v1/suppliers/NOPE/prices/preview", ok)).status).toBe(404);
  });
});
