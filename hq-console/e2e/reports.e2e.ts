// 报表 in a browser against a real hub: two stores in two regions sell over MQTT (two cashiers),
// one return and a voided sale at the till. HQ reads sales by region, week and cashier, the SKU
// ranking, returns and voids per cashier, and downloads the tables as CSV (figures to the fen)
// and Excel (a real workbook); in English too. At 1280x800 and 1920x1080.
//
// E1 (east): cashier 1001 sells P1 12.34 + P2 20.00; cashier 1002 sells P2 20.00; a return of
// 5.00 (过期) by 1001; 1002 voids a sale of 8.00. W1 (west): 1001 sells P1 12.34. Chain: 64.68.
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { eventEnvelope, type StoreWire, saleEnvelope, uuidv7 } from "./lib/store.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console reports", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  const wires: Record<string, StoreWire> = {};
  const seqs: Record<string, number> = { E1: 0, W1: 0 };
  let context: BrowserContext | undefined;
  let page: Page;
  const day = new Date().toISOString().slice(0, 10);
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  function sale(storeId: string, cashierId: string, lines: [string, number][]) {
    const s = saleEnvelope(
      storeId,
      ++seqs[storeId]!,
      lines.map(([sku, priceFen]) => ({ sku, name: sku, priceFen })),
      0,
    );
    s.payload.cashierId = cashierId;
    return s;
  }
  const envelope = (storeId: string, type: string, payload: unknown) =>
    eventEnvelope(storeId, ++seqs[storeId]!, type, payload);

  async function open(browser: Browser, viewport: { width: number; height: number }) {
    await context?.close();
    ({ context, page } = await bed!.signIn(browser, { viewport, timezoneId: "UTC", acceptDownloads: true }));
    await page.getByRole("link", { name: "报表", exact: true }).click();
    await page.getByTestId("sales-report").waitFor();
  }
  const cells = async (row: ReturnType<Page["locator"]>) =>
    (await row.innerText()).split("\t").map((c) => c.trim());
  async function download(testid: string): Promise<{ name: string; bytes: Buffer }> {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
    const path = await dl.path();
    return { name: dl.suggestedFilename(), bytes: await readFile(path) };
  }

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    bed = await startBed("reports");
    for (const [id, name, region] of [
      ["E1", "上海徐汇店", "east"],
      ["W1", "成都春熙店", "west"],
    ] as const)
      wires[id] = await bed.connect({ id, name, region });
    const at = new Date().toISOString();
    await wires.E1!.publish("events", [
      sale("E1", "1001", [
        ["P1", 1234],
        ["P2", 2000],
      ]),
      sale("E1", "1002", [["P2", 2000]]),
      envelope("E1", "sale.returned", {
        returnId: uuidv7(),
        receiptNo: "RT-E1-1",
        reason: "过期",
        laneId: "1",
        cashierId: "1001",
        shiftId: "shift-1",
        businessDay: day,
        training: false,
        lines: [{ lineId: "r1", sku: "P1", qty: 1, weighed: false, refund: 500, tax: 58, restock: false }],
        totals: { refund: 500, tax: 58 },
        tenders: [{ kind: "cash", amount: 500, received: 500, change: 0 }],
        returnedAt: at,
      }),
      envelope("E1", "audit.recorded", {
        auditId: uuidv7(),
        action: "sale_void",
        laneId: "1",
        cashierId: "1002",
        supervisorId: "9001",
        amount: 800,
        detail: "顾客放弃",
        at,
      }),
    ]);
    await wires.W1!.publish("events", [sale("W1", "1001", [["P1", 1234]])]);
    await until(
      async () => {
        const r = await api<{ totals: { saleCount: number; returnCount: number } }>(
          "GET",
          `/api/v1/reports/sales?from=${day}&to=${day}`,
        );
        const v = await api<{ byAction: unknown[] }>("GET", `/api/v1/reports/returns?from=${day}&to=${day}`);
        return r.totals.saleCount === 3 && r.totals.returnCount === 1 && v.byAction.length === 1;
      },
      20_000,
      "the sales, the return and the void at HQ",
    );
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("by region, week and cashier: the roll-ups to the fen (1280x800)", async ({ browser }) => {
    await open(browser, { width: 1280, height: 800 });
    await page.getByTestId("report-net").filter({ hasText: "¥64.68" }).waitFor();
    await page.locator('[data-testid="report-by"] [data-by="region"]').click();
    const east = page.locator('[data-testid="sales-report"][data-by="region"] tr[data-key="east"]');
    const e = await cells(east);
    assert(
      e[0] === "east" && e[1] === "2" && e[2] === "1" && e[5] === "¥52.34" && e[7] === "¥5.00",
      `east: ${e}`,
    );
    const w = await cells(page.locator('[data-testid="sales-report"] tr[data-key="west"]'));
    assert(w[5] === "¥12.34", `west: ${w}`);
    await page.getByTestId("sales-chart").locator("canvas").waitFor();
    await page.locator('[data-testid="report-by"] [data-by="week"]').click();
    const week = page.locator('[data-testid="sales-report"][data-by="week"] tbody tr');
    await week.first().waitFor();
    assert(
      (await week.count()) === 1 && /\d{4}-W\d{2} \(/.test(await week.innerText()),
      "one ISO week, its days",
    );
    await page.locator('[data-testid="report-by"] [data-by="cashier"]').click();
    const c1 = await cells(
      page.locator('[data-testid="sales-report"][data-by="cashier"] tr[data-key="1001"]'),
    );
    assert(c1[1] === "2" && c1[5] === "¥44.68" && c1[7] === "¥5.00", `cashier 1001: ${c1}`);
    const wide = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    assert(!wide, "no sideways scrolling at 1280x800");
  });

  test("exported: the cashier table as CSV to the fen, and as an Excel workbook", async () => {
    const csv = await download("export-sales-csv");
    assert(csv.name.endsWith(".csv") && csv.name.includes("sales-by-cashier"), `named: ${csv.name}`);
    const text = csv.bytes.toString("utf8");
    assert(text.startsWith("\ufeff分组,名称,销售笔数"), `zh-CN header with a BOM: ${text.slice(0, 40)}`);
    assert(text.includes("\r\n1001,1001,2,1,44.68,0.00,44.68,"), `cashier 1001's row: ${text}`);
    assert(text.includes("\r\n合计,,3,1,64.68,"), `the total: ${text}`);
    const xlsx = await download("export-sales-xlsx");
    assert(xlsx.name.endsWith(".xlsx"), xlsx.name);
    assert(xlsx.bytes.subarray(0, 2).toString("latin1") === "PK", "a ZIP (the XLSX container)");
    assert(xlsx.bytes.includes(Buffer.from("xl/worksheets/sheet1.xml")), "with its sheet");
  });

  test("SKU ranking best first; returns and voids per cashier", async () => {
    await page.locator('[data-testid="report-tabs"] [data-tab="sku"]').click();
    const rows = page.locator('[data-testid="margin-table"][data-by="sku"] tbody tr');
    await rows.first().waitFor();
    assert((await rows.first().getAttribute("data-key")) === "P2", "P2 (40.00) above P1 (24.68)");
    await page.locator('[data-testid="report-tabs"] [data-tab="returns"]').click();
    const reason = await cells(page.locator('[data-testid="returns-by-reason"] tr[data-reason="过期"]'));
    assert(reason[1] === "1" && reason[2] === "¥5.00", `过期: ${reason}`);
    const voided = await cells(page.locator('[data-testid="till-actions"] tr[data-action="sale_void"]'));
    assert(voided[0] === "整单作废" && voided[2] === "¥8.00", `the void in words: ${voided}`);
    const first = page.locator('[data-testid="per-cashier"] tbody tr').first();
    assert((await first.getAttribute("data-cashier")) === "1002", "the cashier with a void first");
    const csv = await download("export-returns-csv");
    assert(csv.bytes.toString("utf8").includes("收银操作,整单作废,1,8.00"), "the void in the file");
  });

  test("English mode: the words, and a file with English headers", async () => {
    await page.getByTestId("lang").click();
    await page
      .locator('[data-testid="till-actions"] tr[data-action="sale_void"]', { hasText: "Sale void" })
      .waitFor();
    await page.locator('[data-testid="report-tabs"] [data-tab="sales"]').click();
    await page.locator('[data-testid="report-by"] [data-by="region"]', { hasText: "Region" }).click();
    await page.locator('[data-testid="sales-report"][data-by="region"]').waitFor();
    const csv = await download("export-sales-csv");
    assert(csv.bytes.toString("utf8").startsWith("\ufeffKey,Name,Sales,Returns"), "English header");
    await page.getByTestId("lang").click();
  });

  test("1920x1080: the report and its chart side by side with room to spare", async ({ browser }) => {
    await open(browser, { width: 1920, height: 1080 });
    await page.getByTestId("report-net").filter({ hasText: "¥64.68" }).waitFor();
    const wide = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    assert(!wide, "no sideways scrolling at 1920x1080");
    await page.getByTestId("sales-chart").locator("canvas").waitFor();
  });
});
