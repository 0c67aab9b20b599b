// 毛利 and 月结 in a browser against a real hub: a store receives goods at its supplier's list
// price and sells two SKUs over MQTT, one under a promotion. HQ staff read cost and gross margin
// by store and by promotion to the fen, in Chinese and English; then run the month-end checklist,
// confirm a step that passed, and press close: it is refused naming the step that fails.
//
// Costs (price list): P100 7.00, P200 15.00. Sale: P100 12.34 (VAT 1.42 -> revenue 10.92),
// P200 20.00 - 2.00 (PR1) = 18.00 (VAT 2.07 -> 15.93). Margin 10.92 - 7.00 = 3.92 and
// 15.93 - 15.00 = 0.93; the store 26.85 - 22.00 = 4.85 (18.06%).
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { rawCodesOn } from "./lib/raw-codes.ts";
import { eventEnvelope, saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S001";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

test.describe("hq-console month-end close and margin", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  const day = new Date().toISOString().slice(0, 10); // saleEnvelope's business day
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("close");
    const enrolled = await bed.enrol({ id: STORE, name: "上海徐汇店", region: "east" });
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
      target: { kind: "all" },
      description: "目录",
    });
    for (const [sku, name, cat] of [
      ["P100", "可口可乐 500ml", "10"],
      ["P200", "洗衣液 2kg", "20"],
    ] as const)
      await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, {
        sku,
        name,
        category: [cat, `${cat}01`],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
      });
    await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
    await bed.supplier({ id: "SUP1", name: "供应商" }, { P100: 700, P200: 1500 });
    const wire = await bed.connect(enrolled);
    const now = new Date().toISOString();
    const receipt = eventEnvelope(STORE, 1, "receiving.confirmed", {
      receivingId: "RC-1",
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines: [
        { sku: "P100", qty: 10 },
        { sku: "P200", qty: 5 },
      ],
      confirmedAt: now,
    });
    const sale = saleEnvelope(
      STORE,
      2,
      [
        { sku: "P100", name: "可口可乐 500ml", priceFen: 1234 },
        { sku: "P200", name: "洗衣液 2kg", priceFen: 2000 },
      ],
      1,
    );
    const l2 = sale.payload.lines[1]!;
    Object.assign(l2, { discounts: [{ promotionId: "PR1", amount: 200 }], net: 1800, tax: 207 });
    const l1 = sale.payload.lines[0]!;
    sale.payload.totals = { gross: 3234, discount: 200, net: 1234 + 1800, tax: l1.tax + 207 };
    sale.payload.applied = ["PR1"];
    sale.payload.tenders = [{ kind: "cash", amount: 3034, received: 3034, change: 0 }];
    await wire.publish("events", [receipt, sale]);
    await until(
      async () => (await api<unknown[]>("GET", `/api/v1/stores/${STORE}/sales`)).length === 1,
      20_000,
      "the sale at HQ",
    );
    ({ page } = await bed.signIn(browser));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("毛利: revenue, cost and gross margin by store and by promotion, to the fen", async () => {
    await page.getByRole("link", { name: "毛利", exact: true }).click();
    const table = page.getByTestId("margin-report");
    const row = table.locator(`tr[data-key="${STORE}"]`);
    await row.waitFor();
    const cells = (await row.innerText()).split("\t").map((c) => c.trim());
    assert(cells[0] === "上海徐汇店", `the store: ${cells}`);
    assert(
      cells[3] === "¥26.85" && cells[4] === "¥22.00" && cells[5] === "¥4.85",
      `revenue, cost, margin: ${cells}`,
    );
    assert(cells[6] === "18.06%", `margin rate: ${cells}`);
    await page.getByTestId("margin-by-promotion").click();
    const pr1 = page.locator('[data-testid="margin-report"][data-by="promotion"] tr[data-key="PR1"]');
    const p = (await pr1.innerText()).split("\t").map((c) => c.trim());
    assert(p[3] === "¥15.93" && p[4] === "¥15.00" && p[5] === "¥0.93" && p[7] === "¥2.00", `PR1: ${p}`);
    const none = (await page.locator('tr[data-key=""]').innerText()).split("\t").map((c) => c.trim());
    assert(none[0] === "无促销" && none[5] === "¥3.92", `the sales no promotion touched: ${none}`);
    await page.getByTestId("lang").click();
    await page.locator("th", { hasText: "Gross margin" }).first().waitFor();
    await page.getByTestId("margin-by-category").click();
    await page.locator('[data-testid="margin-report"][data-by="category"] tr[data-key="20"]').waitFor();
    await page.getByTestId("lang").click();
  });

  test("月结: the checklist names what is left; a passed step is confirmed; close is refused naming the step", async () => {
    await page.getByRole("link", { name: "月结", exact: true }).click();
    await page.getByTestId("close-period").fill(day.slice(0, 7));
    await page.getByTestId("close-state").filter({ hasText: "未结账" }).waitFor();
    await page.getByTestId("close-check").click();
    await page.getByTestId("close-state").filter({ hasText: "检查中" }).waitFor();
    const steps = page.getByTestId("close-steps");
    // The month is not over: the store-days step fails, saying so.
    const days = steps.locator('tr[data-step="store_days_complete"]');
    assert((await days.getAttribute("data-status")) === "failed", "store-days failed");
    assert((await days.innerText()).includes("the month runs to"), "it says the month is not over");
    // Posting ran as part of the check: the day's voucher balances; confirm it.
    const vouchers = steps.locator('tr[data-step="vouchers_balanced"][data-status="passed"]');
    await vouchers.getByTestId("confirm-step").click();
    await vouchers.filter({ hasText: "admin" }).waitFor();
    // Who confirmed it, with the role in words (issue 19 item 6), not "admin (hq_admin)".
    await vouchers.filter({ hasText: "admin (总部管理员)" }).waitFor();
    const found = await rawCodesOn(page);
    assert(found.length === 0, `no stored codes on 月结 in zh-CN, found: ${found.join(", ")}`);
    // Nothing exported to the accounting package yet: the day's voucher is named as left.
    const exported = steps.locator('tr[data-step="vouchers_exported"]');
    assert((await exported.getAttribute("data-status")) === "failed", "not exported yet");
    assert((await exported.innerText()).includes("not in an export"), "the voucher named");
    await page.getByTestId("close-month").click();
    const refused = page.getByTestId("close-refused");
    await refused.waitFor();
    assert(
      (await refused.getAttribute("data-step")) === "store_days_complete",
      "the first failing step named",
    );
    assert(
      (await refused.innerText()).includes("不能结账: 每个门店每天数据完整"),
      `named in Chinese: ${await refused.innerText()}`,
    );
    // The close log says its events and states in words ("运行检查: 未结账 → 检查中").
    const log = await page.getByTestId("close-audit").innerText();
    assert(log.includes("运行检查: 未结账 → 检查中"), `the close log in words: ${log}`);
    const periods = await api<{ period: string; status: string }[]>("GET", "/api/v1/finance/periods");
    assert(
      !periods.some((x) => x.period === day.slice(0, 7) && x.status === "closed"),
      "the books stay open",
    );
    await page.getByTestId("lang").click();
    await page.getByTestId("close-month").click();
    await page
      .getByTestId("close-refused")
      .filter({ hasText: "Cannot close: Every store-day complete" })
      .waitFor();
    await page.getByTestId("lang").click();
  });
});
