// The books' API through a real hub: chart of accounts edits with validation and roles,
// inventory posting and the valuation report over HTTP, the voucher export download.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, enrollStore, startTestHub } from "../test-kit.ts";

// A real hub on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor: string;
let eastManager: string;

beforeAll(async () => {
  hub = await startTestHub();
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  eastManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
  await enrollStore(hub, "E1", { region: "east", name: "徐汇店" });
  await enrollStore(hub, "W1", { region: "west", name: "成都店" });
});
afterAll(async () => {
  await hub.cleanup();
});

describe("chart of accounts API", () => {
  test("the default company is seeded with the CAS chart and the posting rules", async () => {
    const list = await api(hub, "GET", "/api/v1/accounts/companies", undefined, auditor);
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual({ id: "default", name: "总部 (默认公司)", stores: 2 });
    const chart = await api(hub, "GET", "/api/v1/accounts/companies/default/chart", undefined, auditor);
    expect(chart.status).toBe(200);
    expect(chart.body.accounts.find((a: { code: string }) => a.code === "1405")).toMatchObject({
      name: "库存商品",
      category: "asset",
      side: "debit",
      active: true,
    });
    expect(chart.body.rules.find((r: { role: string }) => r.role === "grni")).toMatchObject({
      account: "2202.02",
    });
  });

  test("an admin adds a sub-account and points a rule at it; bad edits are 400 naming the field; others 403", async () => {
    const put = (path: string, body: unknown, token?: string) => api(hub, "PUT", path, body, token);
    const base = "/api/v1/accounts/companies/default";
    expect(
      (
        await put(`${base}/accounts/6711.01`, {
          name: "营业外支出—盘亏",
          nameEn: "Count losses",
          side: "debit",
        })
      ).status,
    ).toBe(200);
    expect((await put(`${base}/rules/count_loss`, { account: "6711.01" })).body).toEqual({
      role: "count_loss",
      account: "6711.01",
    });
    const cases: [string, unknown, string][] = [
      [`${base}/accounts/7001`, { name: "x", nameEn: "x", side: "debit" }, "code"],
      [`${base}/accounts/6604.01`, { name: "x", nameEn: "x", side: "debit" }, "code"],
      [`${base}/accounts/1405`, { name: "库存商品", nameEn: "x", side: "debit", active: false }, "active"],
      [`${base}/accounts/6712`, { name: "", nameEn: "x", side: "debit" }, "name"],
      [`${base}/accounts/6712`, { name: "x", nameEn: "x", side: "sideways" }, "side"],
      [`${base}/rules/inventory`, { account: "6001" }, "account"],
      [`${base}/rules/inventory`, { account: "9999" }, "account"],
      [`${base}/rules/output_vat`, { account: "2221" }, "account"],
      [`${base}/rules/no_such_role`, { account: "1405" }, "role"],
      ["/api/v1/accounts/companies/Bad Id!", { name: "x" }, "company"],
    ];
    for (const [path, body, field] of cases) {
      const r = await put(path, body);
      expect(r.status, path).toBe(400);
      expect(r.body.field, path).toBe(field);
    }
    expect((await put(`${base}/rules/count_loss`, { account: "6711" }, auditor)).status).toBe(403);
    expect((await put(`${base}/rules/count_loss`, { account: "6711" }, eastManager)).status).toBe(403);
    expect((await put("/api/v1/accounts/companies/nope/rules/cogs", { account: "6401" })).status).toBe(404);
  });

  test("a second company gets its own chart; a store moves to it", async () => {
    expect((await api(hub, "PUT", "/api/v1/accounts/companies/west-co", { name: "西部公司" })).status).toBe(
      200,
    );
    expect((await api(hub, "PUT", "/api/v1/accounts/companies/west-co/stores/W1")).body).toEqual({
      storeId: "W1",
      companyId: "west-co",
    });
    expect((await api(hub, "PUT", "/api/v1/accounts/companies/west-co/stores/NOPE")).status).toBe(404);
    const chart = await api(hub, "GET", "/api/v1/accounts/companies/west-co/chart");
    expect(chart.body.rules.find((r: { role: string }) => r.role === "count_loss").account).toBe("1901");
    const list = (await api(hub, "GET", "/api/v1/accounts/companies")).body;
    expect(list).toContainEqual({ id: "west-co", name: "西部公司", stores: 1 });
    expect(list).toContainEqual({ id: "default", name: "总部 (默认公司)", stores: 1 });
  });
});

describe("inventory, valuation and export over HTTP", () => {
  test("post, the valuation equals the account, the export downloads; regional managers are scoped", async () => {
    hub.db
      .prepare(
        "INSERT INTO products (sku, name, category, unit, tax_rate, weighed, status, data_json) VALUES ('X1', 'X1', '01', '个', 13, 0, 'active', '{}')",
      )
      .run();
    const ledger = hub.db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, 'X1', ?, ?, ?, NULL, ?)",
    );
    hub.db
      .prepare(
        "INSERT INTO supplier_prices (supplier_id, sku, effective_from, cost_fen, tax_rate, created_by, created_at) VALUES ('SUP1', 'X1', '2026-01-01', 250, 13, 't', 't')",
      )
      .run();
    hub.db
      .prepare(
        "INSERT INTO receivings (store_id, receiving_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES ('E1', 'R1', 'SUP1', 'c', '[]', '2026-11-01T08:00:00+08:00')",
      )
      .run();
    ledger.run("E1", 10, "receipt", "R1", "2026-11-01T08:00:00+08:00"); // 10 x 2.50
    ledger.run("E1", -4, "sale", "S1", "2026-11-02T09:00:00+08:00"); // 4 x 2.50 to COGS
    const run = await api(hub, "POST", "/api/v1/finance/inventory/post");
    expect(run.status).toBe(200);
    expect(run.body.movements).toBe(2);
    expect((await api(hub, "POST", "/api/v1/finance/inventory/post", undefined, auditor)).status).toBe(403);
    const v = await api(hub, "GET", "/api/v1/finance/valuation?date=2026-11-30", undefined, auditor);
    expect(v.status).toBe(200);
    expect(v.body.differenceFen).toBe(0);
    expect(v.body.stores).toEqual([
      { storeId: "E1", inventoryAccount: "1405", valuationFen: 1500, accountFen: 1500, differenceFen: 0 },
    ]);
    expect(v.body.unpostedMovements).toBe(0);
    expect((await api(hub, "GET", "/api/v1/finance/valuation?date=2026-13-01")).body.field).toBe(
      "query.date",
    );
    const west = await api(
      hub,
      "GET",
      "/api/v1/finance/valuation?date=2026-11-30&store=W1",
      undefined,
      eastManager,
    );
    expect(west.status).toBe(403);
    const east = await api(hub, "GET", "/api/v1/finance/valuation?date=2026-11-30", undefined, eastManager);
    expect(east.body.stores.every((s: { storeId: string }) => s.storeId === "E1")).toBe(true);

    const res = await fetch(
      `${hub.http.url}/api/v1/finance/export?from=2026-11-01&to=2026-11-30&format=yonyou`,
      {
        headers: { authorization: `Bearer ${auditor}` },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(
      "vouchers-default-2026-11-01-2026-11-30-yonyou.txt",
    );
    expect(res.headers.get("content-type")).toContain("GBK");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder("gbk").decode(bytes)).toContain(",记,V");
    const bad = await api(hub, "GET", "/api/v1/finance/export?from=2026-11-01&to=2026-11-30&format=sap");
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("query.format");
    const rm = await api(
      hub,
      "GET",
      "/api/v1/finance/export?from=2026-11-01&to=2026-11-30&format=csv",
      undefined,
      eastManager,
    );
    expect(rm.status).toBe(403);
    const history = await api(hub, "GET", "/api/v1/finance/exports");
    expect(history.body[0]).toMatchObject({ format: "yonyou", exportedBy: expect.any(String) });
  });
});
