// 支付对账 in a browser against a real hub: a store's WeChat Pay sales reach HQ over MQTT with
// their transaction ids; HQ staff import the day's WeChat Pay trade bill (the published layout,
// built here from the documented columns) and see exactly the planted differences with their
// reasons, in Chinese and in English, then post the fees and settlement.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { until } from "./lib/procs.ts";
import { saleEnvelope } from "./lib/store.ts";
import { test } from "./lib/test.ts";

const STORE = "S001";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

const COLUMNS =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const yuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** WeChat Pay's trade bill: header, every field of a row prefixed with a backtick, summary. */
function wechatBill(day: string, rows: { id: string; fen: number; fee: number }[]): string {
  const line = (r: { id: string; fen: number; fee: number }) =>
    [
      `${day} 10:00:00`,
      "wx8888888888888888",
      "1900000109",
      "0",
      "",
      r.id,
      `M${r.id}`,
      "oUser",
      "MICROPAY",
      "SUCCESS",
      "OTHERS",
      "CNY",
      yuan(r.fen),
      "0.00",
      "0",
      "0",
      "0.00",
      "0.00",
      "",
      "",
      "门店消费",
      "",
      `${yuan(r.fee)}000`,
      "0.38%",
      yuan(r.fen),
      "0.00",
      "",
    ]
      .map((f) => `\`${f}`)
      .join(",");
  const total = (f: (r: { fen: number; fee: number }) => number) => yuan(rows.reduce((s, r) => s + f(r), 0));
  return [
    COLUMNS,
    ...rows.map(line),
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
    [
      String(rows.length),
      total((r) => r.fen),
      "0.00",
      "0.00",
      `${total((r) => r.fee)}000`,
      total((r) => r.fen),
      "0.00",
    ]
      .map((f) => `\`${f}`)
      .join(","),
    "",
  ].join("\r\n");
}

test.describe("hq-console reconciliation", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  const day = new Date().toISOString().slice(0, 10); // saleEnvelope's business day

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("recon");
    const api = bed.api;
    const wire = await bed.connect({ id: STORE, name: "上海徐汇店", region: "east" });
    const sales = [
      ["4200000001", 1234],
      ["4200000002", 500],
      ["4200000003", 800],
    ].map(([ref, fen], i) => {
      const e = saleEnvelope(STORE, i + 1, [{ sku: "P100", name: "可乐", priceFen: fen as number }], 0);
      e.payload.tenders = [{ kind: "wechat", amount: fen as number, reference: ref as string }];
      return e;
    });
    await wire.publish("events", sales);
    await until(
      async () => (await api<unknown[]>("GET", `/api/v1/stores/${STORE}/sales`)).length === 3,
      20_000,
      "the three WeChat Pay sales at HQ",
    );
    ({ page } = await bed.signIn(browser, { timeout: 10_000 }));
  });

  test.afterAll(async () => {
    await bed?.close();
  });

  test("import the day's WeChat Pay bill: exactly the planted differences, with reasons", async () => {
    await page.getByRole("link", { name: "支付对账", exact: true }).click();
    const form = page.getByTestId("recon-import");
    await form.locator('select[name="source"]').selectOption("wechat");
    await form.locator('input[name="date"]').fill(day);
    await form.locator('input[name="feeRate"]').fill("0.38");
    const bill = wechatBill(day, [
      { id: "4200000001", fen: 1234, fee: 5 }, // matches (0.38% of 12.34 = 0.05)
      { id: "4200000002", fen: 520, fee: 2 }, // planted: 5.20 in the file, 5.00 at HQ
      { id: "4200000009", fen: 300, fee: 1 }, // planted: not at HQ
    ]); // planted: 4200000003 (8.00) is not in the file
    await form.locator('input[name="file"]').setInputFiles({
      name: `wechat-${day}.csv`,
      mimeType: "text/csv",
      buffer: Buffer.from(bill, "utf8"),
    });
    await form.getByRole("button", { name: "导入并核对" }).click();
    const run = page.getByTestId("recon-run");
    await run.waitFor();
    assert((await page.getByTestId("recon-difference-count").innerText()).includes("3"), "3 differences");
    const items = page.getByTestId("recon-items");
    const status = async (ref: string) => items.locator(`tr[data-ref="${ref}"]`).getAttribute("data-status");
    await items.locator("tr[data-status]").nth(2).waitFor();
    assert((await items.locator("tr[data-status]").count()) === 3, "only the differences are listed");
    assert((await status("4200000002")) === "amount_mismatch", "the amount off");
    assert((await status("4200000009")) === "not_at_hq", "the payment HQ lacks");
    assert((await status("4200000003")) === "not_in_file", "the tender the file lacks");
    // The reasons in Chinese words: the amounts compared and the document, the wallet by name.
    const off = await items.locator('tr[data-ref="4200000002"]').innerText();
    assert(
      off.includes("金额不符") &&
        off.includes("账单收款 5.20 元，总部 5.00 元（销售 ") &&
        off.includes("相差 0.20 元"),
      `the reason: ${off}`,
    );
    const lacking = await items
      .locator('tr[data-ref="4200000009"]')
      .getByTestId("recon-reason")
      .textContent();
    assert(lacking === "微信支付结算了 3.00 元，但总部没有此交易号的销售支付", `the reason: ${lacking}`);
    const missing = await items
      .locator('tr[data-ref="4200000003"]')
      .getByTestId("recon-reason")
      .textContent();
    assert(missing === "总部有一笔 8.00 元的微信支付销售收款，账单未结算", `the reason: ${missing}`);
    assert(!off.includes("in the file"), `no English in the Chinese mode: ${off}`);
    // Every line, matched too, on request.
    await page.getByTestId("recon-show-all").check();
    await items.locator('tr[data-ref="4200000001"][data-status="matched"]').waitFor();
  });

  test("in English too, then post the fees and settlement once", async () => {
    await page.getByTestId("lang").click();
    const items = page.getByTestId("recon-items");
    await items.locator('tr[data-ref="4200000009"]').filter({ hasText: "not at HQ" }).waitFor();
    // English mode words the same fields in English.
    await items
      .locator('tr[data-ref="4200000002"]')
      .filter({ hasText: "paid 5.20 元 in the file, 5.00 元 at HQ" })
      .waitFor();
    await page.getByTestId("recon-post").click();
    const posted = page.getByTestId("recon-posted");
    await posted.waitFor();
    assert((await posted.innerText()).startsWith("Posted, vouchers"), "posted");
    const runs = await bed!.api<
      { postedAt: string | null; settlement: { storeId: string; feeFen: number }[] }[]
    >("GET", "/api/v1/reconciliation/runs");
    assert(runs[0]?.postedAt, "the run is posted at the hub");
    assert(
      runs[0]?.settlement[0]?.feeFen === 7,
      "S001's fees: 0.05 + 0.02 (the payment HQ lacks is not posted)",
    );
    await page.getByTestId("lang").click();
  });
});
