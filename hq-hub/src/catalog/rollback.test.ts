// Rolling back a change set must not silently undo a later change set's edit of the same
// record: it is refused with 409 naming the records, until the later change set is rolled back.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

const product = (sku: string, name: string) => ({
  sku,
  name,
  category: ["10", "1001"],
  unit: "EA",
  taxRate: 13,
  weighed: false,
  status: "active",
});

async function changeset(description: string): Promise<number> {
  const r = await api(hub, "POST", "/api/v1/changesets", { description, target: { kind: "all" } });
  expect(r.status).toBe(200);
  return r.body.id;
}
async function price(cs: number, sku: string, fen: number) {
  const r = await api(hub, "POST", `/api/v1/catalog/price?changeset=${cs}`, {
    sku,
    scope: "chain",
    windows: [{ price: fen }],
  });
  expect(r.status).toBe(200);
}
async function release(cs: number) {
  const r = await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" });
  expect(r.status).toBe(200);
}
const chainPrice = async (sku: string) =>
  (await api(hub, "GET", `/api/v1/catalog/price/${encodeURIComponent(`${sku}|chain|`)}`)).body.windows[0]
    .price;

describe("rollback", () => {
  test("refused with 409 naming the records a later change set changed; allowed once that one is rolled back", async () => {
    const base = await changeset("base");
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${base}`, product("200001", "可乐"));
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${base}`, product("200002", "雪碧"));
    await price(base, "200001", 300);
    await price(base, "200002", 300);
    await release(base);

    const first = await changeset("first");
    await price(first, "200001", 350);
    await price(first, "200002", 350);
    await release(first);
    const second = await changeset("second");
    await price(second, "200001", 400); // the same record as `first`; 200002 is left alone
    await release(second);

    const refused = await api(hub, "POST", `/api/v1/changesets/${first}/rollback`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: "conflict",
      id: String(first),
      records: [{ entity: "price", key: "200001|chain|", changesetId: second }],
    });
    expect(refused.body.message).toContain(`price 200001|chain| in change set ${second}`);
    // Nothing moved: the later edit stands, the change set is still released.
    expect(await chainPrice("200001")).toBe(400);
    expect((await api(hub, "GET", `/api/v1/changesets/${first}`)).body.changeset.state).toBe("released");

    // Roll back the later one first, then the earlier one goes through.
    expect((await api(hub, "POST", `/api/v1/changesets/${second}/rollback`, {})).status).toBe(200);
    expect(await chainPrice("200001")).toBe(350);
    const ok = await api(hub, "POST", `/api/v1/changesets/${first}/rollback`, {});
    expect(ok.status).toBe(200);
    expect(await chainPrice("200001")).toBe(300);
    expect(await chainPrice("200002")).toBe(300);
  });

  test("a draft opened later that edits the same record also blocks it; an unrelated later edit does not", async () => {
    const a = await changeset("a");
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${a}`, product("200010", "矿泉水"));
    await release(a);
    const unrelated = await changeset("unrelated");
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${unrelated}`, product("200011", "绿茶"));
    await release(unrelated);
    const draft = await changeset("draft");
    await api(hub, "POST", `/api/v1/catalog/product?changeset=${draft}`, product("200010", "矿泉水 550ml"));

    const refused = await api(hub, "POST", `/api/v1/changesets/${a}/rollback`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.records).toEqual([{ entity: "product", key: "200010", changesetId: draft }]);
    expect((await api(hub, "GET", "/api/v1/catalog/product/200010")).body.name).toBe("矿泉水 550ml");

    // The unrelated one rolls back at once.
    expect((await api(hub, "POST", `/api/v1/changesets/${unrelated}/rollback`, {})).status).toBe(200);
  });
});
