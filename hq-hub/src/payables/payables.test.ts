// Payables through the real hub: a purchase order priced from the supplier's list, the store's
// receipts over MQTT, supplier invoices entered by API and CSV and matched three ways, the
// differences with their reasons, tolerances as data, approval, disputes accepted with a note,
// payments, and every hostile case refused naming the field (or row and column) at fault.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let e1: StoreClient;
let seq = 0;
let westManager: string;
let auditor: string;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
let po1: string; // SUP1 -> E1: M1 x10 @ 250, M2 x5 @ 1000, PORK 2,500 g @ 19.90/kg
let po2: string; // SUP2 -> E1: M2 x4

async function receive(id: string, poId: string, supplierId: string, lines: { sku: string; qty: number }[]) {
  await e1.publishEvents([
    event("receiving.confirmed", "E1", ++seq, {
      receivingId: id,
      purchaseOrderId: poId,
      supplierId,
      confirmedBy: "1001",
      lines,
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  const upTo = seq;
  await e1.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}

async function order(supplierId: string, lines: { sku: string; qty: number }[]): Promise<string> {
  const po = await api(hub, "POST", "/api/v1/purchase-orders", { storeId: "E1", supplierId, lines });
  expect(po.status).toBe(200);
  expect((await api(hub, "POST", `/api/v1/purchase-orders/${po.body.id}/send`)).status).toBe(200);
  return po.body.id;
}

/** A posted voucher: what posted it and its lines [account, debit, credit]. */
function voucher(id: number | null) {
  expect(id).not.toBeNull();
  const head = hub.db
    .prepare(
      "SELECT source_kind AS kind, source_id AS source, debit_fen AS debit, credit_fen AS credit FROM vouchers WHERE id = ?",
    )
    .get(id) as { kind: string; source: string; debit: number; credit: number };
  const lines = (
    hub.db
      .prepare(
        "SELECT account, debit_fen AS d, credit_fen AS c FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no",
      )
      .all(id) as { account: string; d: number; c: number }[]
  ).map((l) => [l.account, l.d, l.c]);
  return { ...head, lines };
}

const invoice = (over: Record<string, unknown> = {}) => ({
  supplierId: "SUP1",
  invoiceNo: "04400001",
  purchaseOrderId: po1,
  invoiceDate: today,
  lines: [{ sku: "M1", qty: 10, unitPriceFen: 250, taxRate: 13 }],
  ...over,
});

beforeAll(async () => {
  hub = await startTestHub();
  westManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "west" })
  ).body.token;
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nPORK,猪里脊,20/2001,KG,9,true,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  for (const id of ["SUP1", "SUP2"])
    expect(
      (
        await api(hub, "POST", "/api/v1/suppliers", {
          id,
          name: id,
          leadTimeDays: 2,
          minOrderQty: 1,
          packSize: 1,
        })
      ).status,
    ).toBe(200);
  await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
    prices: [
      { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "M2", costFen: 1000, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "PORK", costFen: 1990, taxRate: 9, effectiveFrom: "2026-01-01" },
    ],
  });
  await api(hub, "POST", "/api/v1/suppliers/SUP2/prices", {
    prices: [{ sku: "M2", costFen: 990, taxRate: 13, effectiveFrom: "2026-01-01" }],
  });
  po1 = await order("SUP1", [
    { sku: "M1", qty: 10 },
    { sku: "M2", qty: 5 },
    { sku: "PORK", qty: 2500 },
  ]);
  po2 = await order("SUP2", [{ sku: "M2", qty: 4 }]);
  await receive("R1", po1, "SUP1", [
    { sku: "M1", qty: 10 },
    { sku: "PORK", qty: 2500 },
  ]);
  await receive("R2", po1, "SUP1", [{ sku: "M2", qty: 3 }]);
});
afterAll(async () => {
  await e1?.close();
  await hub?.cleanup();
});

describe("an invoice for what arrived: matched, approved, paid", () => {
  let id: string;
  test("entered: priced per line (weighed goods per kg), matched at once, nothing different", async () => {
    const r = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({
        lines: [
          { sku: "M1", qty: 10, unitPriceFen: 250, taxRate: 13, taxFen: 325 },
          { sku: "PORK", qty: 2500, unitPriceFen: 1990, taxRate: 9 },
        ],
        totalFen: 2500 + 325 + 4975 + 448,
      }),
    );
    expect(r.status).toBe(200);
    id = r.body.id;
    expect(r.body).toMatchObject({
      status: "matched",
      storeId: "E1",
      netFen: 7475,
      taxFen: 773,
      grossFen: 8248,
      outstandingFen: 8248,
      actions: ["match", "approve", "reject"],
    });
    expect(r.body.match).toMatchObject({ matched: true, blocking: 0, grniFen: 7475, varianceFen: 0 });
    expect(r.body.match.lines.map((l: { differences: unknown[] }) => l.differences)).toEqual([[], []]);
  });

  test("approved by an admin only; paying is refused before approval and beyond what is owed", async () => {
    expect(
      (await api(hub, "POST", `/api/v1/payables/invoices/${id}/approve`, undefined, westManager)).status,
    ).toBe(403);
    const early = await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
      amountFen: 100,
      paidOn: today,
      reference: "B1",
    });
    expect(early.status).toBe(409);
    expect(early.body.message).toContain("matched");
    const a = await api(hub, "POST", `/api/v1/payables/invoices/${id}/approve`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: "approved", decidedBy: expect.stringContaining("admin") });
    // Dr GRNI 7,475 (what the receipts booked) + input VAT 773 / Cr accounts payable 8,248.
    expect(voucher(a.body.voucherId)).toEqual({
      kind: "supplier_invoice",
      source: id,
      debit: 8248,
      credit: 8248,
      lines: [
        ["2202.02", 7475, 0],
        ["2221.01.02", 773, 0],
        ["2202.01", 0, 8248],
      ],
    });
    // Approving again is refused by the lifecycle; the voucher stays the only one.
    expect((await api(hub, "POST", `/api/v1/payables/invoices/${id}/approve`)).status).toBe(409);
    expect(hub.db.prepare("SELECT COUNT(*) AS n FROM vouchers WHERE source_id = ?").get(id)).toEqual({
      n: 1,
    });
    const over = await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
      amountFen: 8249,
      paidOn: today,
      reference: "B1",
    });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ field: "amountFen" });
    for (const bad of [{ amountFen: 0 }, { amountFen: -5 }, { amountFen: 1.5 }, { paidOn: "2026-02-30" }]) {
      const r = await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
        amountFen: 100,
        paidOn: today,
        reference: "B1",
        ...bad,
      });
      expect(r.status).toBe(400);
      expect(r.body.field).toBe(Object.keys(bad)[0]);
    }
  });

  test("paid in two payments: approved until the last fen, then paid; listed with the invoice number", async () => {
    const p1 = await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
      amountFen: 5000,
      paidOn: today,
      reference: "ICBC-001",
    });
    expect(p1.body).toMatchObject({ status: "approved", paidFen: 5000, outstandingFen: 3248 });
    const p2 = await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
      amountFen: 3248,
      paidOn: today,
      reference: "ICBC-002",
    });
    expect(p2.body).toMatchObject({ status: "paid", paidFen: 8248, outstandingFen: 0, actions: [] });
    expect(p2.body.payments.map((p: { voucherId: number }) => voucher(p.voucherId).lines)).toEqual([
      [
        ["2202.01", 5000, 0],
        ["1002", 0, 5000],
      ],
      [
        ["2202.01", 3248, 0],
        ["1002", 0, 3248],
      ],
    ]);
    const list = (await api(hub, "GET", "/api/v1/payables/payments?supplier=SUP1")).body;
    expect(
      list.map((p: { reference: string; invoiceNo: string }) => [p.reference, p.invoiceNo]).sort(),
    ).toEqual([
      ["ICBC-001", "04400001"],
      ["ICBC-002", "04400001"],
    ]);
    expect(
      (
        await api(hub, "POST", `/api/v1/payables/invoices/${id}/payments`, {
          amountFen: 1,
          paidOn: today,
          reference: "x",
        })
      ).status,
    ).toBe(409);
  });
});

describe("differences listed with their reason; tolerances as data; disputes", () => {
  let id: string;
  test("over-billed quantity, price above tolerance, a SKU not ordered and one billed again: in dispute", async () => {
    // M1 was billed in full above; M2: 3 of 5 received; X: not on the order.
    const r = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({
        invoiceNo: "04400002",
        lines: [
          { sku: "M2", qty: 5, unitPriceFen: 1050, taxRate: 13 },
          { sku: "M1", qty: 1, unitPriceFen: 250, taxRate: 13 },
        ],
      }),
    );
    expect(r.status).toBe(200);
    id = r.body.id;
    expect(r.body.status).toBe("in_dispute");
    const [m2, m1] = r.body.match.lines;
    expect(m2.differences).toEqual([
      { reason: "qty_over_received", blocking: true, expected: 3, actual: 5, allowed: 0 },
      // Default tolerance: 1% of 1000 = 10 fen.
      { reason: "price_above_tolerance", blocking: true, expected: 1000, actual: 1050, allowed: 10 },
    ]);
    expect(m1.differences.map((d: { reason: string }) => d.reason)).toEqual([
      "not_received",
      "qty_over_ordered",
    ]);
    expect(r.body.actions).toEqual(["match", "accept", "reject"]);
    expect((await api(hub, "POST", `/api/v1/payables/invoices/${id}/approve`)).status).toBe(409);
  });

  test("the store receives the rest and the supplier's tolerance is raised: matched again, only M1 left", async () => {
    await receive("R3", po1, "SUP1", [{ sku: "M2", qty: 2 }]);
    const bad = await api(hub, "PUT", "/api/v1/payables/tolerances/SUP1", {
      qtyUnits: 0,
      qtyBp: 0,
      priceFen: 0,
      priceBp: 50_000,
    });
    expect(bad.body).toMatchObject({ error: "validation", field: "priceBp" });
    expect(
      (
        await api(hub, "PUT", "/api/v1/payables/tolerances/NOPE", {
          qtyUnits: 0,
          qtyBp: 0,
          priceFen: 0,
          priceBp: 0,
        })
      ).status,
    ).toBe(404);
    const t = await api(hub, "PUT", "/api/v1/payables/tolerances/SUP1", {
      qtyUnits: 0,
      qtyBp: 0,
      priceFen: 0,
      priceBp: 500,
    });
    expect(t.body.suppliers).toEqual([expect.objectContaining({ supplierId: "SUP1", priceBp: 500 })]);
    const r = await api(hub, "POST", `/api/v1/payables/invoices/${id}/match`);
    expect(r.body.status).toBe("in_dispute");
    expect(r.body.match.lines[0].differences).toEqual([]);
    expect(r.body.match.blocking).toBe(2);
  });

  test("accepted with a note: approved; the variance is what was billed above the order's cost", async () => {
    const noNote = await api(hub, "POST", `/api/v1/payables/invoices/${id}/accept`, {});
    expect(noNote.body).toMatchObject({ field: "note" });
    const r = await api(hub, "POST", `/api/v1/payables/invoices/${id}/accept`, {
      note: "供应商补发一件，已电话确认",
    });
    expect(r.body).toMatchObject({ status: "approved", decisionNote: "供应商补发一件，已电话确认" });
    // GRNI clears M2's 5 at 1000; M1's unit was not received: all variance.
    expect(r.body.match).toMatchObject({ grniFen: 5000, varianceFen: 250 + 250 });
    // VAT per line: 682.5 -> 683, 32.5 -> 33. The price difference (and the unreceived unit) to cost of goods sold: 6401.
    expect(voucher(r.body.voucherId).lines).toEqual([
      ["2202.02", 5000, 0],
      ["2221.01.02", 716, 0],
      ["6401", 500, 0],
      ["2202.01", 0, 6216],
    ]);
  });

  test("a rejected invoice stays rejected and owes nothing", async () => {
    const r = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({
        supplierId: "SUP2",
        purchaseOrderId: po2,
        invoiceNo: "04400002",
        lines: [{ sku: "M2", qty: 4, unitPriceFen: 990, taxRate: 13 }],
      }),
    );
    expect(r.body.match.lines[0].differences.map((d: { reason: string }) => d.reason)).toEqual([
      "not_received",
    ]);
    const j = await api(hub, "POST", `/api/v1/payables/invoices/${r.body.id}/reject`, { note: "货未到" });
    expect(j.body).toMatchObject({ status: "rejected", outstandingFen: 0, actions: [] });
    expect((await api(hub, "POST", `/api/v1/payables/invoices/${r.body.id}/match`)).status).toBe(409);
  });
});

describe("hostile input", () => {
  test("the same invoice number twice for one supplier is 409 naming the first; another supplier may use it", async () => {
    const dup = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({ lines: [{ sku: "M2", qty: 1, unitPriceFen: 1000, taxRate: 13 }] }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: "conflict", field: "invoiceNo" });
    expect(dup.body.message).toContain("04400001");
    // Letters are kept upper-case: another spelling of the same number is the same invoice.
    await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "sh-7", purchaseOrderId: po1 }));
    const again = await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "SH-7" }));
    expect([again.status, again.body.field]).toEqual([409, "invoiceNo"]);
  });

  test("an invoice for another supplier's order, a draft order, an unknown order or supplier", async () => {
    const other = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({ supplierId: "SUP2", invoiceNo: "X1" }),
    );
    expect(other.status).toBe(400);
    expect(other.body.field).toBe("purchaseOrderId");
    expect(other.body.message).toContain("SUP1");
    const draft = await api(hub, "POST", "/api/v1/purchase-orders", {
      storeId: "E1",
      supplierId: "SUP1",
      lines: [{ sku: "M1", qty: 1 }],
    });
    const d = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({ invoiceNo: "X2", purchaseOrderId: draft.body.id }),
    );
    expect(d.body).toMatchObject({ field: "purchaseOrderId" });
    expect(d.body.message).toContain("draft");
    expect(
      (
        await api(
          hub,
          "POST",
          "/api/v1/payables/invoices",
          invoice({ invoiceNo: "X3", purchaseOrderId: "PO-NONE" }),
        )
      ).body.field,
    ).toBe("purchaseOrderId");
    expect(
      (await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "X4", supplierId: "SUPX" })))
        .status,
    ).toBe(404);
  });

  test("negative, fractional, absurd amounts and a wrong printed total or VAT are refused naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [{ sku: "M1", qty: -1, unitPriceFen: 250, taxRate: 13 }] }, "lines.0.qty"],
      [{ lines: [{ sku: "M1", qty: 1, unitPriceFen: -250, taxRate: 13 }] }, "lines.0.unitPriceFen"],
      [{ lines: [{ sku: "M1", qty: 1, unitPriceFen: 2.5, taxRate: 13 }] }, "lines.0.unitPriceFen"],
      [{ lines: [{ sku: "M1", qty: 1, unitPriceFen: 1e15, taxRate: 13 }] }, "lines.0.unitPriceFen"],
      [{ lines: [{ sku: "M1", qty: 1_000_000, unitPriceFen: 100_000_000, taxRate: 13 }] }, "lines.0.qty"],
      [{ lines: [{ sku: "M1", qty: 1, unitPriceFen: 250, taxRate: 17 }] }, "lines.0.taxRate"],
      [{ lines: [{ sku: "M1", qty: 10, unitPriceFen: 250, taxRate: 13, taxFen: 400 }] }, "lines.0.taxFen"],
      [{ totalFen: 1 }, "totalFen"],
      [{ lines: [] }, "lines"],
      [
        {
          lines: [
            { sku: "M1", qty: 1, unitPriceFen: 250, taxRate: 13 },
            { sku: "M1", qty: 1, unitPriceFen: 250, taxRate: 13 },
          ],
        },
        "lines.1.sku",
      ],
      [{ invoiceDate: "2999-01-01" }, "invoiceDate"],
      [{ invoiceDate: "2026-02-30" }, "invoiceDate"],
      [{ invoiceNo: "04 40'; DROP" }, "invoiceNo"],
      [{ extra: 1 }, ""],
    ];
    for (const [over, field] of cases) {
      const r = await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "H1", ...over }));
      expect([r.status, r.body.field]).toEqual([400, field]);
    }
    expect(
      (await api(hub, "GET", "/api/v1/payables/invoices?supplier=SUP1")).body.some(
        (i: { invoiceNo: string }) => i.invoiceNo === "H1",
      ),
    ).toBe(false);
  });

  test("roles: an auditor reads but does not enter; another region's manager neither sees nor enters", async () => {
    expect((await api(hub, "GET", "/api/v1/payables/invoices", undefined, auditor)).status).toBe(200);
    expect(
      (await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "R1" }), auditor)).status,
    ).toBe(403);
    expect(
      (await api(hub, "POST", "/api/v1/payables/invoices", invoice({ invoiceNo: "R1" }), westManager)).status,
    ).toBe(403);
    expect((await api(hub, "GET", "/api/v1/payables/invoices", undefined, westManager)).body).toEqual([]);
    const one = (await api(hub, "GET", "/api/v1/payables/invoices")).body[0];
    expect(
      (await api(hub, "GET", `/api/v1/payables/invoices/${one.id}`, undefined, westManager)).status,
    ).toBe(403);
  });
});

describe("CSV import", () => {
  test("a bad file is refused whole, naming every bad row and column; nothing is written", async () => {
    const csv = [
      "supplier_id,invoice_no,purchase_order_id,invoice_date,sku,qty,unit_price,tax_rate",
      `SUP2,C1,${po2},${today},M2,2,9.90,13`,
      `SUP2,C2,${po2},${today},M2,1,9.905,13`,
      `SUP2,C3,${po2},${today},M2,-1,9.90,13`,
      `SUP2,C4,${po1},${today},M2,1,9.90,13`,
      `SUP2,C5,${po2},${today},M2,1,1e3,13`,
    ].join("\n");
    const r = await api(hub, "POST", "/api/v1/payables/invoices/import", csv);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: "validation", row: 2, field: "unit_price" });
    expect(r.body.message).toContain("row 3 qty");
    expect(r.body.message).toContain("row 5 unit_price");
    const again = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices/import",
      [
        "supplier_id,invoice_no,purchase_order_id,invoice_date,sku,qty,unit_price,tax_rate",
        `SUP2,C1,${po2},${today},M2,2,9.90,13`,
        `SUP2,C4,${po1},${today},M2,1,9.90,13`,
      ].join("\n"),
    );
    // Each row is fine on its own; the second names another supplier's order (checked in the transaction).
    expect(again.body).toMatchObject({ row: 2, field: "purchase_order_id" });
    expect(
      (await api(hub, "GET", "/api/v1/payables/invoices?supplier=SUP2")).body.map(
        (i: { invoiceNo: string }) => i.invoiceNo,
      ),
    ).toEqual(["04400002"]);
  });

  test("a good file: rows of one invoice grouped, yuan read exactly into fen, matched on import", async () => {
    await receive("R4", po2, "SUP2", [{ sku: "M2", qty: 4 }]);
    const csv = [
      "\uFEFFsupplier_id,invoice_no,purchase_order_id,invoice_date,sku,qty,unit_price,tax_rate,tax,total",
      `SUP2,C10,${po2},${today},M2,3,9.90,13,3.86,33.56`,
      `SUP2,C11,${po2},${today},M2,1,9.9,13,,`,
    ].join("\r\n");
    const r = await api(hub, "POST", "/api/v1/payables/invoices/import", csv);
    expect(r.status).toBe(200);
    expect(
      r.body.invoices.map((i: { invoiceNo: string; status: string; grossFen: number }) => [
        i.invoiceNo,
        i.status,
        i.grossFen,
      ]),
    ).toEqual([
      ["C10", "matched", 3356],
      ["C11", "matched", 1119],
    ]);
    // The order had 4: a third invoice for one more is over-billed against the two matched.
    const more = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices",
      invoice({
        supplierId: "SUP2",
        purchaseOrderId: po2,
        invoiceNo: "C12",
        lines: [{ sku: "M2", qty: 1, unitPriceFen: 990, taxRate: 13 }],
      }),
    );
    expect(more.body.match.lines[0].differences.map((d: { reason: string }) => d.reason)).toEqual([
      "not_received",
      "qty_over_ordered",
    ]);
  });

  test("a file without a required column or with a header that disagrees within an invoice", async () => {
    const r = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices/import",
      "supplier_id,invoice_no\nSUP2,C20\n",
    );
    expect(r.body).toMatchObject({ field: "csv" });
    expect(r.body.message).toContain("purchase_order_id");
    const mixed = await api(
      hub,
      "POST",
      "/api/v1/payables/invoices/import",
      [
        "supplier_id,invoice_no,purchase_order_id,invoice_date,sku,qty,unit_price,tax_rate",
        `SUP2,C21,${po2},${today},M2,1,9.90,13`,
        `SUP2,C21,${po2},2026-01-01,M1,1,9.90,13`,
      ].join("\n"),
    );
    expect(mixed.body).toMatchObject({ row: 2, field: "invoice_date" });
  });
});

describe("goods received not invoiced", () => {
  test("per order and SKU: received, billed by approved invoices, the rest at the order's cost", async () => {
    // Order 1 is billed in full by approved invoices; order 2's two invoices are matched, not approved.
    const open = (await api(hub, "GET", "/api/v1/payables/uninvoiced")).body;
    expect(open).toEqual([
      {
        purchaseOrderId: po2,
        supplierId: "SUP2",
        storeId: "E1",
        sku: "M2",
        receivedQty: 4,
        invoicedQty: 0,
        openQty: 4,
        unitCostFen: 990,
        openValueFen: 3960,
      },
    ]);
    const c10 = (await api(hub, "GET", "/api/v1/payables/invoices?supplier=SUP2&status=matched")).body.find(
      (i: { invoiceNo: string }) => i.invoiceNo === "C10",
    );
    expect((await api(hub, "POST", `/api/v1/payables/invoices/${c10.id}/approve`)).body.status).toBe(
      "approved",
    );
    expect((await api(hub, "GET", "/api/v1/payables/uninvoiced?supplier=SUP2")).body).toEqual([
      expect.objectContaining({ sku: "M2", invoicedQty: 3, openQty: 1, openValueFen: 990 }),
    ]);
    expect((await api(hub, "GET", "/api/v1/payables/uninvoiced", undefined, westManager)).body).toEqual([]);
  });

  test("GRNI in the books (receipts credited by inventory posting, approved invoices debited) = the open receipts", async () => {
    expect((await api(hub, "POST", "/api/v1/finance/inventory/post")).status).toBe(200);
    const grni = hub.db
      .prepare(
        "SELECT TOTAL(l.credit_fen) - TOTAL(l.debit_fen) AS fen FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE l.account = '2202.02' AND v.store_id = 'E1'",
      )
      .get() as { fen: number };
    const open = (await api(hub, "GET", "/api/v1/payables/uninvoiced?store=E1")).body;
    // Receipts 7,475 + 3,000 + 2,000 + 3,960 credited; invoices 7,475 + 5,000 + 2,970 cleared.
    expect(grni.fen).toBe(990);
    expect(open.reduce((s: number, l: { openValueFen: number }) => s + l.openValueFen, 0)).toBe(990);
  });
});
