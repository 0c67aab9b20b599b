// Month-end accrual of receipts not invoiced, through a real hub (a store over MQTT, the
// checklist's run over HTTP): nothing is accrued while the month runs; once it is over the
// uninvoiced receipt is accrued on the last day and reversed on the next month's first; a late
// receipt of the month gets a batch of its own, nothing twice; a chart seeded before the accrual
// account existed gets it.
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

let clock = Date.parse("2026-11-20T04:00:00Z");
const now = () => new Date(clock);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
let seq = 0;
let po: string;

async function receive(id: string, day: string, qty: number) {
  await store.publishEvents([
    event("receiving.confirmed", "A1", ++seq, {
      receivingId: id,
      purchaseOrderId: po,
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines: [{ sku: "M1", qty }],
      confirmedAt: `${day}T09:00:00.000+08:00`,
    }),
  ]);
  const upTo = seq;
  await store.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}
const receiptsStep = async () =>
  ((await api(hub, "POST", "/api/v1/close/2026-11/check")).body.steps as { id: string }[]).find(
    (s) => s.id === "receipts_invoiced",
  ) as unknown as { status: string; summary: string; left: string[] };
const accrualLines = () =>
  hub.db
    .prepare(
      `SELECT v.source_kind AS kind, v.source_id AS id, v.business_day AS day, l.account, l.debit_fen AS d, l.credit_fen AS c
       FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE v.source_kind LIKE 'grni.accrual%' ORDER BY v.id, l.line_no`,
    )
    .all();

beforeAll(async () => {
  hub = await startTestHub({}, now);
  store = await connectStore(await enrollStore(hub, "A1"));
  const job = (
    await api(
      hub,
      "POST",
      "/api/v1/imports/products",
      "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶,10/1001,EA,13,false,active\n",
    )
  ).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  await api(hub, "POST", "/api/v1/suppliers", {
    id: "SUP1",
    name: "SUP1",
    leadTimeDays: 2,
    minOrderQty: 1,
    packSize: 1,
  });
  await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
    prices: [{ sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" }],
  });
  po = (
    await api(hub, "POST", "/api/v1/purchase-orders", {
      storeId: "A1",
      supplierId: "SUP1",
      lines: [{ sku: "M1", qty: 50 }],
    })
  ).body.id;
  await api(hub, "POST", `/api/v1/purchase-orders/${po}/send`);
  await receive("RC-1", "2026-11-20", 10);
  // A chart seeded before 2202.03 joined the defaults: the account and its rule are not there.
  expect((await api(hub, "GET", "/api/v1/accounts/companies/default/chart")).status).toBe(200);
  expect(hub.db.prepare("SELECT COUNT(*) AS n FROM ledger_accounts WHERE code = '2202.03'").get()).toEqual({
    n: 1,
  });
  hub.db.prepare("DELETE FROM posting_rules WHERE role = 'accrued_payables'").run();
  hub.db.prepare("DELETE FROM ledger_accounts WHERE code = '2202.03'").run();
});
afterAll(async () => {
  await store?.close();
  await hub?.cleanup();
});

describe("month-end accrual of goods received not invoiced", () => {
  test("while the month runs nothing is accrued; the receipt is named", async () => {
    const s = await receiptsStep();
    expect(s.status).toBe("failed");
    expect(s.left).toEqual([
      `A1 receipt RC-1 (2026-11-20, order ${po}): no approved invoice; accrued once the month is over (after 2026-11-30)`,
    ]);
    expect(accrualLines()).toEqual([]);
  });

  test("once the month is over: accrued on the 30th, reversed on the 1st (the older chart gains 2202.03)", async () => {
    clock = Date.parse("2026-12-01T02:00:00Z");
    const s = await receiptsStep();
    expect(s).toMatchObject({ status: "passed", left: [] });
    expect(s.summary).toContain("1 accrued (25.00 yuan on 2026-11-30, reversed on 2026-12-01)");
    expect(accrualLines()).toEqual([
      { kind: "grni.accrual", id: "A1/2026-11#1", day: "2026-11-30", account: "2202.02", d: 2500, c: 0 },
      { kind: "grni.accrual", id: "A1/2026-11#1", day: "2026-11-30", account: "2202.03", d: 0, c: 2500 },
      {
        kind: "grni.accrual.reversal",
        id: "A1/2026-11#1",
        day: "2026-12-01",
        account: "2202.03",
        d: 2500,
        c: 0,
      },
      {
        kind: "grni.accrual.reversal",
        id: "A1/2026-11#1",
        day: "2026-12-01",
        account: "2202.02",
        d: 0,
        c: 2500,
      },
    ]);
  });

  test("a late receipt of the month is accrued in a batch of its own; nothing twice", async () => {
    await receive("RC-2", "2026-11-29", 4);
    const s = await receiptsStep();
    expect(s.summary).toContain("2 accrued (35.00 yuan on 2026-11-30");
    await receiptsStep();
    const lines = accrualLines() as { id: string; d: number }[];
    expect(lines.length).toBe(8);
    expect(lines.filter((l) => l.id === "A1/2026-11#2").map((l) => l.d)).toEqual([1000, 0, 1000, 0]);
  });

  test("an invoice approved for the order: its receipts count as invoiced from then on", async () => {
    const inv = await api(hub, "POST", "/api/v1/payables/invoices", {
      supplierId: "SUP1",
      invoiceNo: "A0001",
      purchaseOrderId: po,
      invoiceDate: "2026-11-30",
      lines: [{ sku: "M1", qty: 14, unitPriceFen: 250, taxRate: 13 }],
    });
    expect(inv.body.status).toBe("matched");
    expect((await api(hub, "POST", `/api/v1/payables/invoices/${inv.body.id}/approve`)).status).toBe(200);
    const s = await receiptsStep();
    expect(s.summary).toStartWith(
      "2 of 2 receipt(s) up to 2026-11-30 invoiced or accrued: 2 invoiced, 0 accrued",
    );
  });
});
