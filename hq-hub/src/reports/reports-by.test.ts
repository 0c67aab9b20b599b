// The reports issue 19 adds, through a real hub (stores over real MQTT): sales by ISO week, month,
// region and cashier; returns by reason with the supervised till actions (voids, overrides) per
// cashier; every report as a CSV and an XLSX file in zh-CN and English, amounts exact; a
// regional manager confined; hostile queries named by field.
//
// E1 (east): 2026-11-29 (a Sunday, week 48) cashier 1001 sells 300; 2026-11-30 (Monday, week 49)
// 1001 sells 500, 1002 sells 200; 2026-12-01 1002 sells 100 (December). W1 (west): 2026-11-30
// cashier 2001 sells 700. E1 return of 150 on 2026-11-30 by 1001, reason 质量问题. Till actions
// at E1 on 2026-11-30 (local time): 1002 voids a line (250) and a sale (500), 1001 overrides a
// price (-30); a PIN lock (not a loss) is left out.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEnvelope, uuidv7 } from "@retail/protocol";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  type event,
  type StoreClient,
  saleEvent,
  startTestHub,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const clients: Record<string, StoreClient> = {};
const seqs: Record<string, number> = { E1: 0, W1: 0 };
let west: string;
type Ev = ReturnType<typeof event>;

async function publish(storeId: string, events: Ev[]) {
  await clients[storeId]!.publishEvents(events);
  const upTo = seqs[storeId]!;
  await clients[storeId]!.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}
function sale(storeId: string, day: string, cashierId: string, lines: number) {
  const e = saleEvent(storeId, ++seqs[storeId]!, { lines, unitPrice: 100 });
  e.payload.businessDay = day;
  e.payload.cashierId = cashierId;
  e.payload.completedAt = `${day}T10:00:00.000+08:00`;
  return e as unknown as Ev;
}
function audit(storeId: string, action: string, cashierId: string, amount?: number) {
  return makeEnvelope(
    "audit.recorded",
    {
      auditId: uuidv7(),
      action: action as "line_void",
      laneId: "1",
      cashierId,
      supervisorId: "9001",
      ...(amount !== undefined ? { amount } : {}),
      detail: "",
      at: "2026-11-30T15:00:00.000+08:00",
    },
    { storeId, seq: ++seqs[storeId]! },
  ) as unknown as Ev;
}

beforeAll(async () => {
  hub = await startTestHub();
  west = (
    await api(hub, "POST", "/api/v1/tokens", { name: "wang", role: "regional_manager", region: "west" })
  ).body.token;
  clients.E1 = await connectStore(await enrollStore(hub, "E1", { region: "east", name: "徐汇店" }));
  clients.W1 = await connectStore(await enrollStore(hub, "W1", { region: "west", name: "成都店" }));
  await publish("E1", [
    sale("E1", "2026-11-29", "1001", 3),
    sale("E1", "2026-11-30", "1001", 5),
    sale("E1", "2026-11-30", "1002", 2),
    sale("E1", "2026-12-01", "1002", 1),
  ]);
  await publish("W1", [sale("W1", "2026-11-30", "2001", 7)]);
  const ret = makeEnvelope(
    "sale.returned",
    {
      returnId: uuidv7(),
      receiptNo: "RT-E1-1",
      reason: "质量问题",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-30",
      training: false,
      lines: [{ lineId: "r1", sku: "SKU1", qty: 1, weighed: false, refund: 150, tax: 17, restock: false }],
      totals: { refund: 150, tax: 17 },
      tenders: [{ kind: "cash", amount: 150, received: 150, change: 0 }],
      returnedAt: "2026-11-30T16:00:00.000+08:00",
    },
    { storeId: "E1", seq: ++seqs.E1! },
  ) as unknown as Ev;
  await publish("E1", [
    ret,
    audit("E1", "line_void", "1002", 250),
    audit("E1", "sale_void", "1002", 500),
    audit("E1", "price_override", "1001", -30),
    audit("E1", "pin_locked", "1003"),
  ]);
});
afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await hub.cleanup();
});

const sales = async (by: string, extra = "", token?: string) =>
  api(hub, "GET", `/api/v1/reports/sales?from=2026-11-01&to=2026-12-31&by=${by}${extra}`, undefined, token);
const pick = (rows: { key: string; label: string; saleCount: number; netFen: number; refundFen: number }[]) =>
  rows.map((r) => [r.key, r.label, r.saleCount, r.netFen, r.refundFen]);

describe("sales by period, region and cashier", () => {
  test("by ISO week: Sunday in week 48, Monday on in week 49, labelled with its days", async () => {
    const r = await sales("week");
    expect(r.status).toBe(200);
    expect(pick(r.body.rows)).toEqual([
      ["2026-W48", "2026-W48 (11-23..11-29)", 1, 300, 0],
      ["2026-W49", "2026-W49 (11-30..12-06)", 4, 1500, 150],
    ]);
    expect(r.body.totals).toMatchObject({ saleCount: 5, netFen: 1800, refundFen: 150 });
  });
  test("by month", async () => {
    expect(pick((await sales("month")).body.rows)).toEqual([
      ["2026-11", "2026-11", 4, 1700, 150],
      ["2026-12", "2026-12", 1, 100, 0],
    ]);
  });
  test("by region: the regional roll-up", async () => {
    expect(pick((await sales("region")).body.rows)).toEqual([
      ["east", "east", 4, 1100, 150],
      ["west", "west", 1, 700, 0],
    ]);
  });
  test("by cashier: sales and the returns each took", async () => {
    expect(pick((await sales("cashier")).body.rows)).toEqual([
      ["1001", "1001", 2, 800, 150],
      ["1002", "1002", 2, 300, 0],
      ["2001", "2001", 1, 700, 0],
    ]);
  });
  test("a regional manager's roll-up holds its region only", async () => {
    expect(pick((await sales("region", "", west)).body.rows)).toEqual([["west", "west", 1, 700, 0]]);
  });
  test("an unknown grouping is a 400 naming query.by", async () => {
    const r = await sales("weekday");
    expect(r.status).toBe(400);
    expect(r.body.field).toBe("query.by");
  });
});

describe("returns and voids", () => {
  test("returns by reason, till actions by kind (PIN events left out), per cashier most voids first", async () => {
    const r = await api(hub, "GET", "/api/v1/reports/returns?from=2026-11-30&to=2026-11-30");
    expect(r.status).toBe(200);
    expect(r.body.returns).toEqual({ count: 1, refundFen: 150 });
    expect(r.body.byReason).toEqual([{ reason: "质量问题", count: 1, refundFen: 150 }]);
    expect(r.body.byAction).toEqual([
      { action: "line_void", count: 1, amountFen: 250 },
      { action: "price_override", count: 1, amountFen: 30 },
      { action: "sale_void", count: 1, amountFen: 500 },
    ]);
    expect(r.body.byCashier).toEqual([
      { cashierId: "1002", name: "1002", returns: 0, refundFen: 0, actions: 2, voids: 2, actionFen: 750 },
      { cashierId: "1001", name: "1001", returns: 1, refundFen: 150, actions: 1, voids: 0, actionFen: 30 },
    ]);
    const other = await api(hub, "GET", "/api/v1/reports/returns?from=2026-12-01&to=2026-12-31");
    expect(other.body.byAction).toEqual([]);
  });
  test("a regional manager sees none of east's; east's store is 403", async () => {
    const r = await api(hub, "GET", "/api/v1/reports/returns?from=2026-11-01&to=2026-12-31", undefined, west);
    expect(r.body.returns.count).toBe(0);
    expect(r.body.byCashier).toEqual([]);
    const e1 = await api(
      hub,
      "GET",
      "/api/v1/reports/returns?from=2026-11-01&to=2026-12-31&store=E1",
      undefined,
      west,
    );
    expect(e1.status).toBe(403);
  });
});

async function file(query: string, token = ADMIN_TOKEN) {
  const res = await fetch(`${hub.http.url}/api/v1/reports/export?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}
function unzipSheet(bytes: Uint8Array): { ok: boolean; sheet: string; workbook: string } {
  const dir = mkdtempSync(join(tmpdir(), "report-"));
  const path = join(dir, "r.xlsx");
  writeFileSync(path, bytes);
  const ok = Bun.spawnSync(["unzip", "-t", path]).exitCode === 0;
  const sheet = Bun.spawnSync(["unzip", "-p", path, "xl/worksheets/sheet1.xml"]).stdout.toString();
  const workbook = Bun.spawnSync(["unzip", "-p", path, "xl/workbook.xml"]).stdout.toString();
  rmSync(dir, { recursive: true, force: true });
  return { ok, sheet, workbook };
}

describe("report files", () => {
  test("sales by region as CSV: BOM, zh-CN header, yuan to the fen, the total", async () => {
    const { res, bytes } = await file("report=sales&format=csv&from=2026-11-01&to=2026-12-31&by=region");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="sales-by-region-2026-11-01-2026-12-31.csv"',
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.split("\r\n")).toEqual([
      "\ufeff分组,名称,销售笔数,退货笔数,销售额(元),折扣(元),净销售额(元),税额(元),退款(元)",
      "east,east,4,1,11.00,0.00,11.00,1.32,1.50",
      "west,west,1,0,7.00,0.00,7.00,0.84,0.00",
      "合计,,5,1,18.00,0.00,18.00,2.16,1.50",
      "",
    ]);
  });
  test("sales by cashier as XLSX in English: a valid workbook, numbers as decimal text", async () => {
    const { res, bytes } = await file(
      "report=sales&format=xlsx&lang=en&from=2026-11-01&to=2026-12-31&by=cashier",
    );
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const x = unzipSheet(bytes);
    expect(x.ok).toBe(true);
    expect(x.workbook).toContain('name="Sales"');
    expect(x.sheet).toContain("Net (yuan)");
    expect(x.sheet).toContain('<c r="G2"><v>8.00</v></c>');
    expect(x.sheet).toContain('<c r="I2"><v>1.50</v></c>');
  });
  test("tenders, margin and returns files answer with their rows", async () => {
    const t = new TextDecoder().decode(
      (await file("report=tenders&format=csv&from=2026-11-01&to=2026-12-31")).bytes,
    );
    expect(t).toContain("cash,5,16.50");
    const m = await file("report=margin&format=xlsx&from=2026-11-01&to=2026-12-31&by=region");
    expect(unzipSheet(m.bytes).sheet).toContain("毛利率(%)");
    const r = new TextDecoder().decode(
      (await file("report=returns&format=csv&from=2026-11-30&to=2026-11-30")).bytes,
    );
    expect(r).toContain("退货原因,质量问题,1,1.50");
    expect(r).toContain("收银操作,整单作废,1,5.00");
    expect(r).toContain("收银员作废,1002 1002,2,7.50");
  });
  test("hostile: unknown report, format, grouping; reversed range; another region's store", async () => {
    const field = async (q: string) => {
      const { res, bytes } = await file(q);
      return [res.status, JSON.parse(new TextDecoder().decode(bytes)).field];
    };
    expect(await field("report=payroll&format=csv&from=2026-11-01&to=2026-11-30")).toEqual([
      400,
      "query.report",
    ]);
    expect(await field("report=sales&format=pdf&from=2026-11-01&to=2026-11-30")).toEqual([
      400,
      "query.format",
    ]);
    expect(await field("report=sales&format=csv&from=2026-11-01&to=2026-11-30&by=%3Cscript%3E")).toEqual([
      400,
      "query.by",
    ]);
    expect(await field("report=margin&format=csv&from=2026-11-30&to=2026-11-01")).toEqual([400, "query.to"]);
    const { res } = await file("report=sales&format=csv&from=2026-11-01&to=2026-11-30&store=E1", west);
    expect(res.status).toBe(403);
  });
});
