// The audit log against a real hub: every write through the HTTP API is one row (who, when,
// what, before/after, the answer), secrets never kept, refusals kept too, reads not logged;
// searched and paged by GET /api/v1/audit; read by hq_admin and auditors only.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { twinOf } from "../http/route.ts";
import { ADMIN_TOKEN, api, enrollStore, startTestHub } from "../test-kit.ts";

// A real hub process on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor = "";
let regional = "";
let auditorSecret = "";

// biome-ignore lint/suspicious/noExplicitAny: test convenience
type Row = any;
async function audit(query = "", token = ADMIN_TOKEN): Promise<{ rows: Row[]; total: number }> {
  const r = await api(hub, "GET", `/api/v1/audit${query}`, undefined, token);
  expect(r.status).toBe(200);
  return r.body;
}

beforeAll(async () => {
  hub = await startTestHub();
  await enrollStore(hub, "S001", { region: "east", name: "上海徐汇店" });
  const a = await api(hub, "POST", "/api/v1/tokens", { name: "审计员", role: "auditor" });
  auditor = a.body.token;
  auditorSecret = a.body.token;
  regional = (
    await api(hub, "POST", "/api/v1/tokens", { name: "zhang", role: "regional_manager", region: "east" })
  ).body.token;
});
afterAll(async () => {
  await hub?.cleanup();
});

describe("where a write's record is read before and after", () => {
  const reads = new Set(["/api/v1/stores", "/api/v1/stores/{id}", "/api/v1/suppliers/{id}"]);
  test("the same path, an action's record, never a collection's list", () => {
    expect(twinOf("patch", "/api/v1/stores/{id}", reads)).toEqual({ strip: false });
    expect(twinOf("post", "/api/v1/suppliers/{id}/deactivate", reads)).toEqual({ strip: true });
    expect(twinOf("post", "/api/v1/stores", reads)).toBeUndefined();
    expect(twinOf("post", "/api/v1/tokens/{id}/revoke", reads)).toBeUndefined();
    expect(twinOf("put", "/api/v1/stores/{id}/reorder-points", reads)).toBeUndefined();
  });
});

describe("the audit log of every write through the hub API", () => {
  test("an edit is logged with who, when, the route, the request and the record before and after", async () => {
    const r = await api(hub, "PATCH", "/api/v1/stores/S001", { name: "上海徐汇旗舰店" });
    expect(r.status).toBe(200);
    const { rows } = await audit("?limit=1");
    const e = rows[0];
    expect(e).toMatchObject({
      actor: "admin",
      role: "hq_admin",
      method: "PATCH",
      route: "/api/v1/stores/{id}",
      path: "/api/v1/stores/S001",
      tag: "stores",
      status: 200,
      error: null,
      request: { name: "上海徐汇旗舰店" },
    });
    expect(e.before.name).toBe("上海徐汇店");
    expect(e.after.name).toBe("上海徐汇旗舰店");
    expect(Number.isNaN(Date.parse(e.at))).toBe(false);
  });

  test("a created record has no before; its after is the answer", async () => {
    const r = await api(hub, "POST", "/api/v1/stores", { id: "S002", name: "杭州西湖店", region: "east" });
    expect(r.status).toBe(200);
    const e = (await audit("?limit=1")).rows[0];
    expect(e).toMatchObject({
      method: "POST",
      route: "/api/v1/stores",
      request: { id: "S002" },
      before: null,
    });
    expect(e.after.id).toBe("S002");
  });

  test("an action on a record (deactivate) is logged with the record before and after", async () => {
    const made = await api(hub, "POST", "/api/v1/suppliers", {
      id: "SUP-A",
      name: "可口可乐华东",
      leadTimeDays: 2,
      minOrderQty: 12,
      packSize: 12,
    });
    expect(made.status).toBe(200);
    expect((await api(hub, "POST", "/api/v1/suppliers/SUP-A/deactivate")).status).toBe(200);
    const e = (await audit("?limit=1")).rows[0];
    expect(e).toMatchObject({ route: "/api/v1/suppliers/{id}/deactivate", status: 200 });
    expect(e.before).toMatchObject({ id: "SUP-A", active: true });
    expect(e.after).toMatchObject({ id: "SUP-A", active: false });
  });

  test("secrets are never kept: a token shown once, an enrollment code, the store's MQTT password", async () => {
    const code = (await api(hub, "POST", "/api/v1/stores/S002/enrollment-code")).body.code as string;
    const enrolled = await api(hub, "POST", "/api/v1/enroll", { code }, "");
    expect(enrolled.status).toBe(200);
    const all = JSON.stringify((await audit("?limit=200")).rows);
    for (const secret of [auditorSecret, code, enrolled.body.mqtt.password])
      expect(all.includes(secret)).toBe(false);
    // What is kept of the database, not only of the API's answer.
    const raw = hub.db.prepare("SELECT * FROM audit_log").all();
    for (const secret of [auditorSecret, code, enrolled.body.mqtt.password])
      expect(JSON.stringify(raw).includes(secret)).toBe(false);
    const enroll = (await audit("?q=%2Fapi%2Fv1%2Fenroll&limit=5")).rows[0];
    expect(enroll).toMatchObject({
      actor: "anonymous",
      role: "public",
      status: 200,
      request: { code: "[redacted]" },
    });
    expect(enroll.after.mqtt.password).toBe("[redacted]");
  });

  test("refused writes are kept with the refusal: a read-only token's try (403), a bad body (400)", async () => {
    const denied = await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } }, auditor);
    expect(denied.status).toBe(403);
    const bad = await api(hub, "PATCH", "/api/v1/stores/S001", { ring: "everywhere" });
    expect(bad.status).toBe(400);
    const refused = await audit("?outcome=refused");
    expect(refused.total).toBe(2);
    const [badRow, deniedRow] = refused.rows;
    expect(deniedRow).toMatchObject({
      actor: "审计员",
      role: "auditor",
      status: 403,
      error: "auditor is read-only",
    });
    expect(badRow).toMatchObject({ actor: "admin", status: 400, request: { ring: "everywhere" } });
    expect(badRow.error).toContain("ring");
  });

  test("reads are not logged", async () => {
    const before = (await audit()).total;
    await api(hub, "GET", "/api/v1/stores");
    await api(hub, "GET", "/api/v1/fleet");
    await api(hub, "GET", "/api/v1/stores/S001");
    expect((await audit()).total).toBe(before);
  });

  test("searched by words, actor, folder and outcome; paged newest first with the real total", async () => {
    for (const id of ["S101", "S102", "S103", "S104", "S105"])
      expect(
        (await api(hub, "POST", "/api/v1/stores", { id, name: `门店${id}`, region: "west" })).status,
      ).toBe(200);
    const all = await audit("?limit=200");
    const page1 = await audit("?limit=2");
    const page2 = await audit("?limit=2&offset=2");
    expect(page1.total).toBe(all.total);
    expect([...page1.rows, ...page2.rows].map((r) => r.id)).toEqual(all.rows.slice(0, 4).map((r) => r.id));
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((a, b) => b - a));
    const s103 = await audit("?q=S103");
    expect(s103.total).toBe(1);
    expect(s103.rows[0].request.id).toBe("S103");
    expect(
      (await audit(`?actor=${encodeURIComponent("审计员")}`)).rows.every((r) => r.actor === "审计员"),
    ).toBe(true);
    expect((await audit("?tag=tokens")).rows.every((r) => r.route.startsWith("/api/v1/tokens"))).toBe(true);
    // A typed % is a percent sign, not "anything".
    expect((await audit("?q=%25")).total).toBe(0);
    const facets = await api(hub, "GET", "/api/v1/audit/facets");
    expect(facets.body.actors).toEqual(expect.arrayContaining(["admin", "anonymous", "审计员"]));
    expect(facets.body.tags).toEqual(expect.arrayContaining(["stores", "tokens"]));
  });

  test("read by hq_admin and auditors; a regional manager is refused (it holds every region's writes)", async () => {
    expect((await audit("", auditor)).total).toBeGreaterThan(0);
    const r = await api(hub, "GET", "/api/v1/audit", undefined, regional);
    expect(r.status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/audit/facets", undefined, regional)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/audit", undefined, "")).status).toBe(401);
  });

  test("hostile queries are refused by field: a huge page, a negative offset, a date that is not one", async () => {
    for (const [q, field] of [
      ["?limit=100000", "limit"],
      ["?offset=-1", "offset"],
      ["?from=yesterday", "from"],
      ["?method=GET", "method"],
      [`?q=${"x".repeat(500)}`, "q"],
    ]) {
      const r = await api(hub, "GET", `/api/v1/audit${q}`);
      expect(r.status).toBe(400);
      expect(r.body.field).toContain(field);
    }
  });
});
