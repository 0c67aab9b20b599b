// The editors (issue 19 item 3) in a browser against a real hub: a draft change set opened on
// 商品, a product found by pinyin and edited (name, barcode, a chain price and a store price in
// yuan), a new product created, bad input refused with the field named, the draft's preview
// (stores reached, shelf prices old -> new with store counts, records), release to the pilot
// ring; 价格 with the product picker by barcode. zh-CN at 1280x800, English at 1920x1080.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { ADMIN_TOKEN } from "./lib/procs.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

const product = (sku: string, name: string) => ({
  sku,
  name,
  category: ["10", "1001"],
  unit: "BTL",
  taxRate: 13,
  weighed: false,
  status: "active",
});

async function signIn(
  browser: Browser,
  http: string,
  viewport: { width: number; height: number },
  en = false,
) {
  const context = await browser.newContext({ viewport, locale: en ? "en-US" : "zh-CN" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${http}/`);
  if (en) await page.getByTestId("lang").click();
  await page.locator('input[name="token"]').fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: /登录|Sign in/ }).click();
  await page.locator("nav.side").waitFor();
  return { context, page };
}

test.describe("hq-console editors", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let http = "";
  let context: BrowserContext | undefined;
  let page: Page;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("editors");
    http = bed.http;
    for (const [id, region, ring] of [
      ["S001", "east", "pilot"],
      ["S002", "east", "general"],
      ["S003", "west", "general"],
    ])
      await api("POST", "/api/v1/stores", { id, name: `门店${id}`, region, ring });
    await api("PUT", "/api/v1/reports/categories/10", { name: "饮料" });
    await api("PUT", "/api/v1/reports/categories/1001", { name: "碳酸饮料" });
    const cs = await api<{ id: number }>("POST", "/api/v1/changesets", {
      description: "开店",
      target: { kind: "all" },
    });
    await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, product("100001", "可口可乐 500ml"));
    await api("POST", `/api/v1/catalog/product?changeset=${cs.id}`, product("100002", "雪碧 500ml"));
    await api("POST", `/api/v1/catalog/barcode?changeset=${cs.id}`, { code: "6901234567892", sku: "100002" });
    for (const sku of ["100001", "100002"])
      await api("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
        sku,
        scope: "chain",
        windows: [{ price: 300 }],
      });
    await api("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "all" });
    const gated = await api<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } });
    await api("POST", `/api/v1/catalog/promotion?changeset=${gated.id}`, {
      id: "P-BACK",
      kind: "threshold",
      min: 5000,
      off: 1000,
      couponCode: "BACK10",
    });
    await api("POST", `/api/v1/changesets/${gated.id}/release`, { stage: "all" });
    await api("POST", "/api/v1/coupons/issue", { promotionId: "P-BACK", codes: ["BACK-0001", "BACK-0002"] });
    // A case of 12 (packs/): the product editor must save it back untouched.
    await api("PUT", "/api/v1/products/100001/packs", { packs: [{ name: "箱", qty: 12 }] });
    ({ context, page } = await signIn(browser, http, { width: 1280, height: 800 }));
  });

  test.afterAll(async () => {
    await context?.close().catch(() => {});
    await bed?.close();
  });

  test("商品: a draft opened, a product found by pinyin, edited with a barcode and prices in yuan", async () => {
    await page.getByRole("link", { name: "商品", exact: true }).click();
    const bar = page.getByTestId("draft-bar");
    await bar.and(page.locator("[data-loaded]")).waitFor();
    await bar.getByTestId("draft-none").waitFor();
    await bar.getByTestId("draft-new").click();
    const create = page.getByTestId("draft-create");
    await create.locator('input[name="draftDescription"]').fill("十二月调价");
    await create.getByRole("button", { name: "新建" }).click();
    await page.locator('[data-testid="draft-bar"]:not([data-draft=""])').waitFor();

    // Found by pinyin initials, with the category in words and the price in yuan.
    await page.locator('input[name="filter"]').fill("kkkl");
    const row = page.locator('tr[data-sku="100001"]');
    await row.waitFor();
    await page.locator('[data-testid="products"][data-total="1"]').waitFor();
    assert(
      (await row.innerText()).includes("饮料 / 碳酸饮料"),
      `category in words: ${await row.innerText()}`,
    );
    assert((await row.innerText()).includes("¥3.00"), "the chain price in yuan");
    await row.getByRole("button", { name: "100001" }).click();
    const detail = page.locator('[data-testid="product-detail"][data-sku="100001"][data-loaded]');
    await detail.waitFor();
    assert(
      (await detail.locator('select[name="unit"] option:checked').innerText()) === "瓶",
      "unit BTL as 瓶",
    );

    await detail.locator('input[name="name"]').fill("可口可乐 经典 500ml");
    await detail.getByTestId("product-save").click();
    await detail.getByTestId("product-notice").filter({ hasText: "已保存到草稿" }).waitFor();
    await detail.locator("h2").filter({ hasText: "可口可乐 经典 500ml" }).waitFor();
    const kept = await api<{ packs?: { qty: number }[] }>("GET", "/api/v1/catalog/product/100001");
    assert(kept.packs?.[0]?.qty === 12, `the case of 12 kept: ${JSON.stringify(kept)}`);

    // A barcode with a wrong check digit is refused naming the field; a good one is kept.
    const codeForm = detail.getByTestId("barcode-form");
    await codeForm.locator('input[name="code"]').fill("6901234567890");
    await codeForm.getByRole("button", { name: "添加条码" }).click();
    await detail.getByTestId("error").filter({ hasText: "code" }).waitFor();
    await codeForm.locator('input[name="code"]').fill("6920202888883");
    await codeForm.getByRole("button", { name: "添加条码" }).click();
    await detail.locator('[data-testid="barcodes"] [data-code="6920202888883"]').waitFor();

    // Prices in yuan: garbage refused, the chain price 3.50, a store price at S003 of 3.20.
    const prices = detail.getByTestId("price-editor");
    const form = prices.getByTestId("price-form");
    await form.locator('input[name="yuan"]').fill("3.5元");
    await form.getByRole("button", { name: "设置价格" }).click();
    await prices.getByTestId("error").filter({ hasText: "price" }).waitFor();
    await form.locator('input[name="yuan"]').fill("3.50");
    await form.getByRole("button", { name: "设置价格" }).click();
    await prices.getByTestId("prices").getByText("¥3.50").waitFor();
    await form.locator('select[name="scope"]').selectOption("store");
    await form.locator('select[name="scopeKey"]').selectOption("S003");
    await form.locator('input[name="yuan"]').fill("3.2");
    await form.getByRole("button", { name: "设置价格" }).click();
    await prices.locator('tr[data-scope="store|S003"]').getByText("¥3.20").waitFor();
    const held = await api<{ windows: { price: number }[] }>(
      "GET",
      `/api/v1/catalog/price/${encodeURIComponent("100001|store|S003")}`,
    );
    assert(held.windows[0]?.price === 320, "320 fen held at HQ");
  });

  test("a new product is created into the draft; a bad one is refused naming the field", async () => {
    await page.getByTestId("new-product").click();
    const detail = page.locator('[data-testid="product-detail"][data-sku=""][data-loaded]');
    await detail.waitFor();
    await detail.locator('input[name="sku"]').fill("200001");
    await detail.locator('input[name="name"]').fill("农夫山泉 550ml");
    await detail.locator('input[name="category"]').fill("10/1002");
    await detail.locator('select[name="unit"]').selectOption("BTL");
    // Weighed goods sold by the bottle are refused by the hub's rules (the same as CSV's).
    await detail.locator('input[name="weighed"]').check();
    await detail.locator('input[name="plu"]').fill("123");
    await detail.getByTestId("product-save").click();
    await detail.getByTestId("error").filter({ hasText: "unit" }).waitFor();
    await detail.locator('input[name="weighed"]').uncheck();
    await detail.getByTestId("product-save").click();
    await page.locator('[data-testid="product-detail"][data-sku="200001"][data-loaded]').waitFor();
    const held = await api<{ pinyin: string }>("GET", "/api/v1/catalog/product/200001");
    assert(held.pinyin === "nfsq550ml", `pinyin derived: ${held.pinyin}`);
  });

  test("the draft's preview: stores reached, shelf prices old -> new with store counts, records; released to pilot", async () => {
    await page.getByTestId("draft-preview-open").click();
    const preview = page.locator('[data-testid="draft-preview"][data-loaded]');
    await preview.waitFor();
    assert((await preview.getByTestId("preview-reach").innerText()) === "3", "3 stores reached");
    assert((await preview.getByTestId("preview-pilot").innerText()) === "1", "1 pilot store");
    assert((await preview.getByTestId("preview-skus").innerText()) === "2", "2 SKUs");
    const moves = await preview.getByTestId("preview-prices").locator("tbody tr").allInnerTexts();
    // East: 3.00 -> 3.50 at 2 stores; S003 (its own price): 3.00 -> 3.20.
    assert(moves.length === 2, `two price moves: ${moves.join(" | ")}`);
    assert(/¥3\.00\s+¥3\.50\s+2/.test(moves[0]!), `3.00 -> 3.50 at 2 stores: ${moves[0]}`);
    assert(/¥3\.00\s+¥3\.20\s+1\s+S003/.test(moves[1]!), `3.00 -> 3.20 at S003: ${moves[1]}`);
    const counts = preview.getByTestId("preview-counts");
    assert(
      (await counts.locator('[data-entity="product"]').innerText()) === "商品：新增 1，修改 1",
      "product counts",
    );
    assert(
      (await counts.locator('[data-entity="barcode"]').innerText()) === "条码：新增 1",
      "barcode counts",
    );
    assert(
      (await counts.locator('[data-entity="price"]').innerText()) === "价格：新增 1，修改 1",
      "price counts",
    );
    const items = await preview.getByTestId("preview-items").innerText();
    assert(items.includes("name"), "the changed field named");

    page.once("dialog", (d) => void d.accept());
    await preview.getByTestId("release-pilot").click();
    await page.getByTestId("draft-released").waitFor();
    await page.getByTestId("draft-none").waitFor();
    const list = await api<{ rows: { description: string; state: string }[] }>(
      "GET",
      "/api/v1/changesets/page",
    );
    assert(
      list.rows.find((c) => c.description === "十二月调价")?.state === "pilot",
      "released to the pilot ring",
    );
  });

  test("价格: the picker finds a product by barcode; its prices show in yuan by scope", async () => {
    await page.getByRole("link", { name: "价格", exact: true }).click();
    await page.locator('[data-testid="draft-bar"][data-loaded]').waitFor();
    await page.locator('input[name="pick"]').fill("69012345");
    const hits = page.locator('[data-testid="picker-hits"][data-q="69012345"]');
    await hits.waitFor();
    await hits.locator('button[data-sku="100002"]').click();
    const picked = page.locator('[data-testid="picked"][data-sku="100002"]');
    await picked.waitFor();
    await picked.locator('[data-testid="price-editor"][data-loaded]').waitFor();
    await picked.getByTestId("prices").getByText("全国基础价").waitFor();
    await picked.getByTestId("prices").getByText("¥3.00").waitFor();
    // No draft chosen: the form is not offered (nothing could be saved).
    assert((await picked.getByTestId("price-form").count()) === 0, "no price form without a draft");
  });

  test("促销: a promotion created in yuan, said in words, edited, a SKU added with the picker, bad amounts refused", async () => {
    await page.getByRole("link", { name: "促销", exact: true }).click();
    const bar = page.locator('[data-testid="draft-bar"][data-loaded]');
    await bar.waitFor();
    await bar.getByTestId("draft-new").click();
    await page.locator('input[name="draftDescription"]').fill("双十二促销");
    await page.getByTestId("draft-create").getByRole("button", { name: "新建" }).click();
    await page.locator('[data-testid="draft-bar"]:not([data-draft=""])').waitFor();
    await page.locator('[data-testid="promotions"][data-loaded]').waitFor();

    await page.getByTestId("new-promotion").click();
    const form = page.getByTestId("promotion-form");
    await form.locator('input[name="promoId"]').fill("P-MAN100");
    await form.locator('input[name="promoName"]').fill("满100减20");
    await form.locator('select[name="kind"]').selectOption("threshold");
    await form.locator('input[name="min"]').fill("100");
    await form.locator('input[name="off"]').fill("20.005");
    await form.getByTestId("promotion-save").click();
    await form.getByTestId("error").filter({ hasText: "off" }).waitFor();
    await form.locator('input[name="off"]').fill("20");
    await form.locator('input[name="categories"]').fill("10");
    await form.getByTestId("promotion-save").click();
    const row = page.locator('tr[data-promotion="P-MAN100"]');
    await row.getByTestId("promo-words").filter({ hasText: "满 ¥100.00 减 ¥20.00" }).waitFor();

    // Opened again: the amounts come back in yuan; 25 saved over 20.
    await row.getByRole("button", { name: "P-MAN100" }).click();
    const again = page.locator('[data-testid="promotion-form"][data-id="P-MAN100"]');
    assert((await again.locator('input[name="off"]').inputValue()) === "20.00", "20.00 yuan read back");
    await again.locator('input[name="off"]').fill("25");
    await again.getByTestId("promotion-save").click();
    await row.getByTestId("promo-words").filter({ hasText: "满 ¥100.00 减 ¥25.00" }).waitFor();
    const held = await api<{ off: number; min: number }>("GET", "/api/v1/catalog/promotion/P-MAN100");
    assert(held.off === 2500 && held.min === 10000, "integer fen at HQ");

    // A special price on a SKU found with the picker.
    await page.getByTestId("new-promotion").click();
    const sp = page.locator('[data-testid="promotion-form"][data-id=""]');
    await sp.locator('input[name="promoId"]').fill("P-TEJIA");
    await sp.locator('select[name="kind"]').selectOption("special_price");
    await sp.locator('input[name="promoPrice"]').fill("2.5");
    await sp.locator('input[name="pick"]').fill("xb");
    await sp.locator('[data-testid="picker-hits"][data-q="xb"] button[data-sku="100002"]').click();
    assert((await sp.locator('input[name="skus"]').inputValue()) === "100002", "SKU picked");
    await sp.getByTestId("promotion-save").click();
    await page
      .locator('tr[data-promotion="P-TEJIA"]')
      .getByTestId("promo-words")
      .filter({ hasText: "特价 ¥2.50" })
      .waitFor();

    await page.getByTestId("draft-preview-open").click();
    const preview = page.locator('[data-testid="draft-preview"][data-loaded]');
    await preview.waitFor();
    assert(
      (await preview.getByTestId("preview-counts").locator('[data-entity="promotion"]').innerText()) ===
        "促销：新增 2",
      "two promotions added",
    );
  });

  test("收银员 and 会员资料: created into the same draft, roles and states in words, PINs never shown, bad input named", async () => {
    await page.getByRole("link", { name: "收银员", exact: true }).click();
    await page.locator('[data-testid="draft-bar"][data-loaded]:not([data-draft=""])').waitFor();
    await page.locator('[data-testid="cashiers"][data-loaded]').waitFor();
    await page.getByTestId("new-cashier").click();
    const form = page.locator('[data-testid="cashier-form"][data-id=""]');
    await form.locator('input[name="cashierId"]').fill("1001");
    await form.locator('input[name="cashierName"]').fill("王芳");
    await form.locator('select[name="role"]').selectOption("supervisor");
    await form.locator('input[name="pin"]').fill("12");
    await form.getByTestId("cashier-save").click();
    await form.getByTestId("error").filter({ hasText: "pin" }).waitFor();
    await form.locator('input[name="pin"]').fill("2580");
    await form.getByTestId("cashier-save").click();
    const row = page.locator('tr[data-cashier="1001"]');
    await row.getByTestId("role").filter({ hasText: "值班主管" }).waitFor();
    assert((await row.innerText()).includes("已设置 PIN"), "a PIN is set");
    // Edited without typing a PIN: the role changes, the PIN held stays.
    await row.getByRole("button", { name: "1001" }).click();
    const again = page.locator('[data-testid="cashier-form"][data-id="1001"]');
    await again.locator('select[name="role"]').selectOption("cashier");
    await again.getByTestId("cashier-save").click();
    await row.getByTestId("role").filter({ hasText: "收银员" }).waitFor();
    const held = await api<Record<string, unknown>>("GET", "/api/v1/catalog/cashier/1001");
    assert(
      held.hasPin === true && !("pinHash" in held),
      `PIN kept, hash never shown: ${JSON.stringify(held)}`,
    );

    await page.getByRole("link", { name: "会员", exact: true }).click();
    await page.getByTestId("members-tabs").getByRole("link", { name: "会员资料", exact: true }).click();
    await page.locator('[data-testid="member-records"][data-loaded]').waitFor();
    await page.getByTestId("new-member").click();
    const m = page.locator('[data-testid="member-form"][data-id=""]');
    await m.locator('input[name="memberId"]').fill("M9001");
    await m.locator('input[name="phone"]').fill("123");
    await m.locator('input[name="memberName"]').fill("李雷");
    await m.getByTestId("member-save").click();
    await m.getByTestId("error").filter({ hasText: "phone" }).waitFor();
    await m.locator('input[name="phone"]').fill("13900001111");
    await m.getByTestId("member-save").click();
    await page.locator('[data-testid="member-form"][data-id="M9001"]').getByTestId("member-notice").waitFor();
    await page.locator('tr[data-member="M9001"]').waitFor();

    await page.getByTestId("draft-preview-open").click();
    const counts = page.locator('[data-testid="draft-preview"][data-loaded]').getByTestId("preview-counts");
    await counts.locator('[data-entity="cashier"]').filter({ hasText: "收银员：新增 1" }).waitFor();
    await counts.locator('[data-entity="member"]').filter({ hasText: "会员：新增 1" }).waitFor();
  });

  test("优惠券: a coupon voided and another's validity moved into the draft, previewed as changes", async () => {
    await page.getByRole("link", { name: "优惠券", exact: true }).click();
    await page.locator('[data-testid="draft-bar"][data-loaded]:not([data-draft=""])').waitFor();
    const row = page.locator('tr[data-coupon="BACK-0001"]');
    await row.getByTestId("coupon-edit").click();
    const editor = page.locator('[data-testid="coupon-editor"][data-code="BACK-0001"]');
    await editor.locator('select[name="editStatus"]').selectOption("void");
    await editor.getByTestId("coupon-save").click();
    await row.getByTestId("coupon-status").filter({ hasText: "已作废" }).waitFor();
    await page.locator('tr[data-coupon="BACK-0002"]').getByTestId("coupon-edit").click();
    const second = page.locator('[data-testid="coupon-editor"][data-code="BACK-0002"]');
    await second.locator('input[name="editValidUntil"]').fill("2030-12-31");
    await second.getByTestId("coupon-save").click();
    await page.locator('[data-testid="coupon-editor"]').waitFor({ state: "detached" });
    const held = await api<{ validUntil: string; status: string }>("GET", "/api/v1/catalog/coupon/BACK-0002");
    assert(held.validUntil === "2030-12-31T23:59:59+08:00" && held.status === "issued", JSON.stringify(held));
    await page.getByTestId("draft-preview-open").click();
    const counts = page.locator('[data-testid="draft-preview"][data-loaded]').getByTestId("preview-counts");
    await counts.locator('[data-entity="coupon"]').filter({ hasText: "优惠券：修改 2" }).waitFor();
  });

  test("English at 1920x1080: the same screens in English, no sideways scrolling", async ({ browser }) => {
    const en = await signIn(browser, http, { width: 1920, height: 1080 }, true);
    try {
      const p = en.page;
      await p.getByRole("link", { name: "Catalog", exact: true }).click();
      await p.locator('[data-testid="draft-bar"][data-loaded]').waitFor();
      await p.getByTestId("draft-none").filter({ hasText: "No draft chosen" }).waitFor();
      await p.locator('input[name="filter"]').fill("nfsq");
      await p.locator('tr[data-sku="200001"]').getByRole("button").click();
      const detail = p.locator('[data-testid="product-detail"][data-sku="200001"][data-loaded]');
      await detail.locator("h3", { hasText: "Barcodes" }).waitFor();
      assert(
        (await detail.locator('select[name="unit"] option:checked').innerText()) === "bottle",
        "unit in English",
      );
      await p.getByRole("link", { name: "Prices", exact: true }).click();
      await p.getByText("Pick a product").waitFor();
      await p.getByRole("link", { name: "Promotions", exact: true }).click();
      await p
        .locator('tr[data-promotion="P-MAN100"]')
        .getByTestId("promo-words")
        .filter({ hasText: "¥25.00 off over ¥100.00" })
        .waitFor();
      await p.getByRole("link", { name: "Cashiers", exact: true }).click();
      await p.locator('tr[data-cashier="1001"]').getByTestId("role").filter({ hasText: "Cashier" }).waitFor();
      for (const path of [
        "/catalog",
        "/prices",
        "/promotions",
        "/cashiers",
        "/members/records",
        "/coupons",
      ]) {
        await p.goto(`${http}${path}`);
        await p.locator('[data-testid="draft-bar"][data-loaded]').waitFor();
        const wide = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        assert(!wide, `${path} fits 1920 wide`);
      }
    } finally {
      await en.context.close();
    }
  });
});
