// Issue 19 items 3 and 6 in a browser against a real hub: the editors' draft bar opens a draft
// for a store group (the group's stores as its target; an empty group refused, named); the
// change set's audit trail says each line in zh-CN words (saved price, pilot stores, undone by
// a compensating change set) and in English in English mode, never the hub's English sentence;
// no stored code on 价格, 变更集 and 操作日志; 1280x800 and 1920x1080 without sideways scrolling.
import type { Page } from "playwright-core";
import { type Bed, startBed } from "./lib/bed.ts";
import { scrollsSideways } from "./lib/console.ts";
import { KNOWN_CODES, rawCodesOn, TRAIL_CODES } from "./lib/raw-codes.ts";
import { test } from "./lib/test.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

interface Detail {
  changeset: { id: number; description: string; target: { kind: string; stores?: string[] } };
  auditTrail: { action: string; detail: string; what: { kind: string } }[];
}

test.describe("hq-console words: the draft bar's store group, the change-set trail", () => {
  test.describe.configure({ mode: "serial" });
  let bed: Bed | undefined;
  let page: Page;
  let groupDraft = 0;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    bed!.api<T>(method, path, body);
  const noCodes = async (where: string, codes: readonly string[] = [...KNOWN_CODES, ...TRAIL_CODES]) => {
    const found = await rawCodesOn(page, codes);
    assert(found.length === 0, `no codes on ${where} in zh-CN, found: ${found.join(", ")}`);
  };

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    bed = await startBed("words");
    for (const [id, region, ring] of [
      ["S001", "east", "pilot"],
      ["S002", "east", "general"],
      ["S003", "west", "general"],
    ])
      await api("POST", "/api/v1/stores", { id, name: `门店${id}`, region, ring });
    await api("POST", "/api/v1/store-groups", { id: "hz", name: "杭州重点店" });
    await api("POST", "/api/v1/store-groups/hz/stores", { add: ["S001", "S003"] });
    await api("POST", "/api/v1/store-groups", { id: "empty", name: "空组" });
    await bed.importProducts(
      "sku,name,category,unit,taxRate,weighed,status\n100001,可口可乐 500ml,10,BTL,13,false,active\n",
    );
    ({ page } = await bed.signIn(browser, { open: "价格" }));
  });
  test.afterAll(async () => {
    await bed?.close();
  });

  test("the draft bar opens a draft for a store group: its stores are the target; an empty group is refused", async () => {
    const bar = page.locator('[data-testid="draft-bar"][data-loaded]');
    await bar.waitFor();
    await bar.getByTestId("draft-new").click();
    const form = bar.getByTestId("draft-create");
    await form.locator('select[name="targetKind"]').selectOption("group");
    const groups = form.locator('select[name="targetGroup"][data-loaded]');
    await groups.waitFor();
    const options = await groups.locator("option").allInnerTexts();
    assert(
      options.some((o) => o.includes("杭州重点店") && o.includes("2 家门店")),
      `groups with their store counts: ${options.join(" | ")}`,
    );
    await groups.selectOption("empty");
    await form.getByRole("button", { name: "新建" }).click();
    await bar.getByTestId("error").filter({ hasText: "空组" }).waitFor();
    assert((await bar.getAttribute("data-draft")) === "", "no draft made for an empty group");

    await groups.selectOption("hz");
    await form.getByRole("button", { name: "新建" }).click();
    await page.locator('[data-testid="draft-bar"]:not([data-draft=""])').waitFor();
    groupDraft = Number(await page.getByTestId("draft-bar").getAttribute("data-draft"));
    const d = await api<Detail>("GET", `/api/v1/changesets/${groupDraft}`);
    assert(d.changeset.target.kind === "stores", `a stores target: ${JSON.stringify(d.changeset.target)}`);
    assert(
      JSON.stringify(d.changeset.target.stores) === JSON.stringify(["S001", "S003"]),
      `the group's stores: ${JSON.stringify(d.changeset.target.stores)}`,
    );
    assert(
      d.changeset.description === "门店组 杭州重点店",
      `named after the group: ${d.changeset.description}`,
    );
    const chosen = await page
      .locator('[data-testid="draft-bar"] select[name="draft"] option:checked')
      .innerText();
    assert(chosen.includes("S001, S003"), `the draft shows its stores: ${chosen}`);
    await noCodes("价格");
  });

  test("the change set's trail in words: saved price, pilot stores, undone by its compensation", async () => {
    await api("POST", `/api/v1/catalog/price?changeset=${groupDraft}`, {
      sku: "100001",
      scope: "store",
      scopeKey: "S003",
      windows: [{ price: 280 }],
    });
    await api("POST", `/api/v1/changesets/${groupDraft}/release`, { stage: "pilot" });
    const { compensation } = await api<{ compensation: { id: number } }>(
      "POST",
      `/api/v1/changesets/${groupDraft}/rollback`,
      {},
    );
    // The hub keeps its English sentence for API readers; the screen says the data in words.
    const held = await api<Detail>("GET", `/api/v1/changesets/${groupDraft}`);
    assert(
      held.auditTrail.some((a) => a.detail === "upsert price 100001|store|S003" && a.what.kind === "record"),
      `sentence and data kept: ${JSON.stringify(held.auditTrail)}`,
    );

    await page.getByRole("link", { name: "变更集", exact: true }).click();
    await page.locator('[data-testid="changeset-filter"][data-loaded="true"]').waitFor();
    await page.locator(`tr[data-changeset="${groupDraft}"]`).getByRole("button", { name: "详情" }).click();
    const trail = page.getByTestId("audit-trail");
    await trail.getByText("保存价格 100001（门店 S003）").waitFor();
    await trail.getByText("发布到试点门店：S001").waitFor();
    await trail.getByText(`已由变更集 #${compensation.id} 补偿撤销`).waitFor();
    const text = await trail.innerText();
    for (const english of ["upsert", "to pilot stores", "compensated by"])
      assert(!text.includes(english), `no hub sentence "${english}" in zh-CN: ${text}`);
    assert(text.includes("admin (总部管理员)"), `who did it, in words: ${text}`);
    await noCodes("变更集");

    // A change set the hub made is named in words, not by its English description.
    await page
      .locator(`tr[data-changeset="${compensation.id}"]`)
      .getByTestId("cs-title")
      .filter({ hasText: `回滚变更集 #${groupDraft}` })
      .waitFor();
    // The compensation's own trail names what it undoes.
    await page
      .locator(`tr[data-changeset="${compensation.id}"]`)
      .getByRole("button", { name: "详情" })
      .click();
    await trail.getByText(`补偿（撤销）变更集 #${groupDraft}`).waitFor();

    await page.getByTestId("lang").click();
    await page.getByRole("heading", { name: "Change sets", exact: true }).waitFor();
    await page.locator(`tr[data-changeset="${groupDraft}"]`).getByRole("button", { name: "Detail" }).click();
    await trail.getByText("saved price 100001 (store S003)").waitFor();
    await trail.getByText(`undone by compensating change set #${compensation.id}`).waitFor();
    await page.getByTestId("lang").click();
    await page.getByRole("heading", { name: "变更集", exact: true }).waitFor();
  });

  test("操作日志 shows no stored code", async () => {
    await page.getByRole("link", { name: "操作日志", exact: true }).click();
    await page.locator('[data-testid="audit-form"][data-loaded="true"]').waitFor();
    await page.locator("tr[data-audit]").first().waitFor();
    // Each row shows the API path it wrote (/api/v1/store-groups/...): the trail's English words
    // would match inside it, so only the stored codes are looked for here.
    await noCodes("操作日志", KNOWN_CODES);
  });

  test("1280x800 and 1920x1080 without sideways scrolling, the draft bar's group form open", async () => {
    for (const [link, heading] of [
      ["变更集", "变更集"],
      ["价格", "价格"],
      ["操作日志", "操作日志"],
    ] as const) {
      await page.getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      if (link === "价格") {
        const bar = page.locator('[data-testid="draft-bar"][data-loaded]');
        await bar.waitFor();
        if (!(await bar.getByTestId("draft-create").isVisible())) await bar.getByTestId("draft-new").click();
        await bar.locator('select[name="targetKind"]').selectOption("group");
        await bar.locator('select[name="targetGroup"][data-loaded]').waitFor();
      }
      for (const size of [
        { width: 1920, height: 1080 },
        { width: 1280, height: 800 },
      ]) {
        await page.setViewportSize(size);
        assert(!(await scrollsSideways(page)), `${link} fits ${size.width} wide`);
      }
    }
  });
});
