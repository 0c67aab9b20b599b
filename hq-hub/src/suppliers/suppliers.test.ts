// Suppliers through the API: create, edit with validation, deactivate / reactivate, listing,
// roles, and the OpenAPI document.
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

const supplier = { id: "SUP-1", name: "华东饮料", leadTimeDays: 3, minOrderQty: 48, packSize: 24 };

describe("suppliers", () => {
  test("create, then edit fields one at a time; the result is validated as a whole", async () => {
    const created = await api(hub, "POST", "/api/v1/suppliers", supplier);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ...supplier, active: true, updatedAt: null });

    const edited = await api(hub, "PATCH", "/api/v1/suppliers/SUP-1", {
      leadTimeDays: 5,
      name: "华东饮料有限公司",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      leadTimeDays: 5,
      name: "华东饮料有限公司",
      minOrderQty: 48,
      packSize: 24,
    });
    expect(edited.body.updatedAt).toEqual(expect.any(String));

    // Pack size and minimum order together: 12 x 6 = 72.
    const both = await api(hub, "PATCH", "/api/v1/suppliers/SUP-1", { packSize: 12, minOrderQty: 72 });
    expect(both.body).toMatchObject({ packSize: 12, minOrderQty: 72 });
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP-1")).body).toMatchObject({
      packSize: 12,
      minOrderQty: 72,
    });
  });

  test("invalid edits are refused with the field, and change nothing", async () => {
    const cases: [unknown, string][] = [
      [{ leadTimeDays: -1 }, "leadTimeDays"],
      [{ leadTimeDays: 366 }, "leadTimeDays"],
      [{ leadTimeDays: 1.5 }, "leadTimeDays"],
      [{ minOrderQty: 0 }, "minOrderQty"],
      [{ packSize: 0 }, "packSize"],
      [{ packSize: "24" }, "packSize"],
      [{ minOrderQty: 70 }, "minOrderQty"], // not whole packs of 12
      [{ packSize: 50 }, "minOrderQty"], // 72 is not whole packs of 50
      [{ name: "  " }, "name"],
      [{ id: "OTHER" }, ""],
      [{}, ""],
    ];
    for (const [patch, field] of cases) {
      const r = await api(hub, "PATCH", "/api/v1/suppliers/SUP-1", patch);
      expect({ patch, status: r.status, field: r.body.field }).toEqual({ patch, status: 400, field });
    }
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP-1")).body).toMatchObject({
      leadTimeDays: 5,
      minOrderQty: 72,
      packSize: 12,
    });
    expect(
      (await api(hub, "POST", "/api/v1/suppliers", { ...supplier, id: "SUP-2", minOrderQty: 50 })).status,
    ).toBe(400);
    expect((await api(hub, "PATCH", "/api/v1/suppliers/NOPE", { leadTimeDays: 1 })).status).toBe(404);
  });

  test("deactivate hides it from the default list; reactivate brings it back; twice is 409", async () => {
    await api(hub, "POST", "/api/v1/suppliers", { ...supplier, id: "SUP-3", name: "日化" });
    const off = await api(hub, "POST", "/api/v1/suppliers/SUP-1/deactivate");
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, deactivatedBy: "admin (hq_admin)" });
    expect((await api(hub, "POST", "/api/v1/suppliers/SUP-1/deactivate")).status).toBe(409);
    const ids = async (q: string) =>
      ((await api(hub, "GET", `/api/v1/suppliers${q}`)).body as { id: string }[]).map((s) => s.id);
    expect(await ids("")).toEqual(["SUP-3"]);
    expect(await ids("?status=inactive")).toEqual(["SUP-1"]);
    expect(await ids("?status=all")).toEqual(["SUP-1", "SUP-3"]);
    // Still editable while inactive, and a re-POST keeps it inactive.
    expect((await api(hub, "POST", "/api/v1/suppliers", { ...supplier, minOrderQty: 24 })).body.active).toBe(
      false,
    );
    const on = await api(hub, "POST", "/api/v1/suppliers/SUP-1/reactivate");
    expect(on.body).toMatchObject({ active: true, deactivatedBy: null, deactivatedAt: null });
    expect(await ids("")).toEqual(["SUP-1", "SUP-3"]);
    expect((await api(hub, "POST", "/api/v1/suppliers/NOPE/deactivate")).status).toBe(404);
  });

  test("only an hq_admin edits suppliers; the routes are in the OpenAPI document", async () => {
    const auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "a", role: "auditor" })).body.token;
    expect((await api(hub, "PATCH", "/api/v1/suppliers/SUP-1", { leadTimeDays: 1 }, auditor)).status).toBe(
      403,
    );
    expect((await api(hub, "POST", "/api/v1/suppliers/SUP-1/deactivate", undefined, auditor)).status).toBe(
      403,
    );
    expect((await api(hub, "GET", "/api/v1/suppliers", undefined, auditor)).status).toBe(200);
    const doc = (await api(hub, "GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths["/api/v1/suppliers/{id}"])).toEqual(["patch", "get"]);
    expect(
      doc.paths["/api/v1/suppliers/{id}"].patch.requestBody.content["application/json"].schema.properties,
    ).toHaveProperty("leadTimeDays");
    expect(doc.paths["/api/v1/suppliers/{id}/deactivate"].post).toBeDefined();
  });
});
