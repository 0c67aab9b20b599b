// The vouchers, a page at a time (the finance screen at 300 stores: a week is ~19,000 vouchers):
// through a real hub over HTTP, on a generated month posted by the hub itself. The pages put
// together are exactly the whole list (every voucher once, with its lines), the totals are the
// list's, a regional manager pages its own region only, and hostile paging is a 400 naming the
// field.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { loadMonth } from "../close/month-data.ts";
import { api, startTestHub } from "../test-kit.ts";
import type { Voucher } from "./reads.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let eastManager: string;
const q = "from=2026-11-01&to=2026-11-06";

beforeAll(async () => {
  hub = await startTestHub();
  // 4 stores (regions east, north, south, west) x 6 days x 2 sales: 24 store-days of sales.
  loadMonth(hub.db, { stores: 4, salesPerDay: 2, skus: 20, period: "2026-11", days: 6 });
  hub.db.exec("PRAGMA synchronous = FULL");
  const posted = await api(hub, "POST", "/api/v1/finance/post");
  expect(posted.body).toMatchObject({ vouchers: 24, failed: [] });
  eastManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
});
afterAll(async () => {
  await hub?.cleanup();
});

const get = async (path: string, token?: string) => {
  const r = await api(hub, "GET", path, undefined, token);
  expect(r.status).toBe(200);
  return r.body;
};

/** Every page of `query`, `limit` at a time, put together. */
async function allPages(query: string, limit: number, token?: string) {
  const rows: Voucher[] = [];
  const totals = new Set<string>();
  for (let offset = 0; ; offset += limit) {
    const page = await get(`/api/v1/finance/vouchers/page?${query}&limit=${limit}&offset=${offset}`, token);
    totals.add(JSON.stringify([page.total, page.debitFen, page.creditFen]));
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...page.rows);
    if (page.rows.length < limit) break;
  }
  // Every page tells the same totals.
  expect(totals.size).toBe(1);
  const [total, debitFen, creditFen] = JSON.parse([...totals][0]!) as number[];
  return { rows, total: total!, debitFen: debitFen!, creditFen: creditFen! };
}

const byId = (a: Voucher, b: Voucher) => a.id - b.id;

describe("finance vouchers, paged", () => {
  test("the pages put together are the whole list: each voucher once, with its lines; the totals are the list's", async () => {
    const whole = (await get(`/api/v1/finance/vouchers?${q}`)) as Voucher[];
    expect(whole).toHaveLength(24);
    for (const limit of [1, 5, 7, 24, 200]) {
      const paged = await allPages(q, limit);
      expect(paged.total).toBe(whole.length);
      expect([...paged.rows].sort(byId)).toEqual([...whole].sort(byId));
      expect(paged.debitFen).toBe(whole.reduce((n, v) => n + v.debitFen, 0));
      expect(paged.creditFen).toBe(whole.reduce((n, v) => n + v.creditFen, 0));
      expect(paged.debitFen).toBe(paged.creditFen);
      // In accounting order: by day, then store, then as posted.
      const keys = paged.rows.map((v) => `${v.businessDay}|${v.storeId}|${String(v.id).padStart(9, "0")}`);
      expect(keys).toEqual([...keys].sort());
    }
  });

  test("the default page is 20; past the end is empty with the totals still told", async () => {
    const first = await get(`/api/v1/finance/vouchers/page?${q}`);
    expect(first.rows).toHaveLength(20);
    expect(first.total).toBe(24);
    const past = await get(`/api/v1/finance/vouchers/page?${q}&offset=1000`);
    expect(past).toMatchObject({ rows: [], total: 24 });
    expect(past.debitFen).toBe(first.debitFen);
    const none = await get("/api/v1/finance/vouchers/page?from=2026-12-01&to=2026-12-31");
    expect(none).toEqual({ rows: [], total: 0, debitFen: 0, creditFen: 0 });
  });

  test("a store's vouchers; a regional manager pages its region only and is refused another's store", async () => {
    const one = await allPages(`${q}&store=S0001`, 4);
    expect(one.total).toBe(6);
    expect(new Set(one.rows.map((v) => v.storeId))).toEqual(new Set(["S0001"]));
    // S0000 is the one east store of the four.
    const east = await allPages(q, 4, eastManager);
    expect(east.total).toBe(6);
    expect(new Set(east.rows.map((v) => v.storeId))).toEqual(new Set(["S0000"]));
    const refused = await api(
      hub,
      "GET",
      `/api/v1/finance/vouchers/page?${q}&store=S0001`,
      undefined,
      eastManager,
    );
    expect(refused.status).toBe(403);
  });

  test("hostile paging is a 400 naming the field", async () => {
    for (const [query, field] of [
      [`${q}&limit=0`, "query.limit"],
      [`${q}&limit=201`, "query.limit"],
      [`${q}&limit=1e9`, "query.limit"],
      [`${q}&limit=abc`, "query.limit"],
      [`${q}&offset=-1`, "query.offset"],
      [`${q}&offset=1.5`, "query.offset"],
      [`${q}&offset=99999999999`, "query.offset"],
      ["from=2026-11-06&to=2026-11-01", "query.to"],
      ["from=2026-11-01", "query.to"],
      [`from=${"9".repeat(5000)}&to=2026-11-06`, "query.from"],
    ] as const) {
      const r = await api(hub, "GET", `/api/v1/finance/vouchers/page?${query}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: "validation", field });
    }
  });
});
