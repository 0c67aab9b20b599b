// The paged change-set list through a real hub: /changesets/page is its own route (not a
// change set's id), newest first with the total, scoped for a regional manager, bad queries 400.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let east = "";

beforeAll(async () => {
  hub = await startTestHub();
  east = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
  for (const [description, target] of [
    ["全国调价", { kind: "all" }],
    ["华东促销", { kind: "region", regions: ["east"] }],
    ["华南促销", { kind: "region", regions: ["south"] }],
  ] as const)
    expect((await api(hub, "POST", "/api/v1/changesets", { description, target })).status).toBe(200);
});
afterAll(async () => {
  await hub?.cleanup();
});

test("newest first with the total; a change set's own path still answers it", async () => {
  const r = await api(hub, "GET", "/api/v1/changesets/page?limit=2");
  expect(r.status).toBe(200);
  expect(r.body.total).toBe(3);
  expect(r.body.rows.map((c: { description: string }) => c.description)).toEqual(["华南促销", "华东促销"]);
  const one = await api(hub, "GET", `/api/v1/changesets/${r.body.rows[0].id}`);
  expect(one.status).toBe(200);
  expect((await api(hub, "GET", "/api/v1/changesets/page?q=%E5%8D%8E%E4%B8%9C&state=draft")).body.total).toBe(
    1,
  );
});

test("a regional manager's page and total hold only what concerns its region", async () => {
  const r = await api(hub, "GET", "/api/v1/changesets/page", undefined, east);
  expect(r.status).toBe(200);
  expect(r.body.total).toBe(2);
  expect(r.body.rows.map((c: { description: string }) => c.description)).toEqual(["华东促销", "全国调价"]);
});

test("bad queries are 400 naming the field", async () => {
  for (const [q, field] of [
    ["limit=100000", "limit"],
    ["state=gone", "state"],
    ["kind=x", "kind"],
  ]) {
    const r = await api(hub, "GET", `/api/v1/changesets/page?${q}`);
    expect(r.status).toBe(400);
    expect(r.body.field).toContain(field);
  }
});
