// A product written without `pinyin` gets its initials derived at HQ (protocol's
// pinyinInitials), through the API and through a CSV import, and stores receive them.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, startTestHub, waitFor } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

const product = (sku: string, name: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name,
  category: ["10", "1001"],
  unit: "EA",
  taxRate: 13,
  weighed: false,
  status: "active",
  ...extra,
});

describe("pinyin initials", () => {
  test("derived when the API writes a product without them; an explicit value is kept", async () => {
    expect(
      (await api(hub, "POST", "/api/v1/catalog/product", product("300001", "可口可乐 500ml"))).status,
    ).toBe(200);
    expect((await api(hub, "GET", "/api/v1/catalog/product/300001")).body.pinyin).toBe("kkkl500ml");
    await api(hub, "POST", "/api/v1/catalog/product", product("300002", "雪碧", { pinyin: "xb2" }));
    expect((await api(hub, "GET", "/api/v1/catalog/product/300002")).body.pinyin).toBe("xb2");
  });

  test("derived for CSV rows without a pinyin column value", async () => {
    const csv =
      "sku,name,category,unit,taxRate,weighed,status,nameEn,plu,pinyin\n300003,农夫山泉,10/1001,EA,13,false,active,,,\n300004,银行卡套,10/1001,EA,13,false,active,,,yhkt\n";
    const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
    const done = await waitFor(async () => {
      const j = (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body;
      return j.state !== "running" ? j : undefined;
    }, "import job");
    expect(done.state).toBe("done");
    expect((await api(hub, "GET", "/api/v1/catalog/product/300003")).body.pinyin).toBe("nfsq");
    expect((await api(hub, "GET", "/api/v1/catalog/product/300004")).body.pinyin).toBe("yhkt");
  });

  test("stores receive the derived initials in their catalog", async () => {
    const store = await connectStore(await enrollStore(hub, "P001"));
    // The API edits' default draft and the import's own draft.
    const drafts = (await api(hub, "GET", "/api/v1/changesets")).body.filter(
      (c: { state: string }) => c.state === "draft",
    );
    expect(drafts).toHaveLength(2);
    for (const d of drafts)
      expect((await api(hub, "POST", `/api/v1/changesets/${d.id}/release`, { stage: "all" })).status).toBe(
        200,
      );
    await store.request("catalog.fetch", { fromVersion: 0, page: 0 });
    const page = await store.next("catalog.changeset");
    const products = page.payload.items!.flatMap((i) =>
      i.entity === "product" && i.op === "upsert" ? [i.data] : [],
    );
    expect(products.find((p) => p.sku === "300003")?.pinyin).toBe("nfsq");
    await store.close();
  });
});
