// Store groups through a real hub: made, filled by code and by region, renamed, a store removed,
// its stores moved to the pilot ring in one action (each moved store relisted, the others left),
// deleted without touching its stores; hostile input refused naming the field; writes need hq_admin.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let auditor = "";

beforeAll(async () => {
  hub = await startTestHub();
  for (const [id, region] of [
    ["E1", "east"],
    ["E2", "east"],
    ["E3", "east"],
    ["S1", "south"],
    ["N1", "north"],
  ])
    expect((await api(hub, "POST", "/api/v1/stores", { id, name: `门店 ${id}`, region })).status).toBe(200);
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "auditor" })).body.token;
});
afterAll(async () => {
  await hub?.cleanup();
});

test("a group made, filled by code and by region, renamed, a store removed", async () => {
  const made = await api(hub, "POST", "/api/v1/store-groups", { id: "coast", name: "沿海门店" });
  expect(made.status).toBe(200);
  expect(made.body).toMatchObject({
    id: "coast",
    name: "沿海门店",
    stores: [],
    createdBy: "admin (hq_admin)",
  });
  const filled = await api(hub, "POST", "/api/v1/store-groups/coast/stores", { add: ["S1"], region: "east" });
  expect(filled.status).toBe(200);
  expect(filled.body.stores.map((s: { id: string }) => s.id)).toEqual(["E1", "E2", "E3", "S1"]);
  // Adding again is harmless; removing names the stores.
  const less = await api(hub, "POST", "/api/v1/store-groups/coast/stores", { add: ["E1"], remove: ["E2"] });
  expect(less.body.stores.map((s: { id: string }) => s.id)).toEqual(["E1", "E3", "S1"]);
  expect((await api(hub, "PATCH", "/api/v1/store-groups/coast", { name: "沿海" })).body.name).toBe("沿海");
  const listed = await api(hub, "GET", "/api/v1/store-groups", undefined, auditor);
  expect(listed.body).toEqual([expect.objectContaining({ id: "coast", name: "沿海", stores: 3 })]);
});

test("the group's stores moved to the pilot ring in one action", async () => {
  expect((await api(hub, "PATCH", "/api/v1/stores/E3", { ring: "pilot" })).status).toBe(200);
  const moved = await api(hub, "POST", "/api/v1/store-groups/coast/ring", { ring: "pilot" });
  expect(moved.status).toBe(200);
  expect(moved.body).toEqual({ moved: ["E1", "S1"], unchanged: ["E3"] });
  for (const id of ["E1", "E3", "S1"])
    expect((await api(hub, "GET", `/api/v1/stores/${id}`)).body.ring).toBe("pilot");
  expect((await api(hub, "GET", "/api/v1/stores/E2")).body.ring).toBe("general");
});

test("deleting a group leaves its stores", async () => {
  expect((await api(hub, "DELETE", "/api/v1/store-groups/coast")).status).toBe(200);
  expect((await api(hub, "GET", "/api/v1/store-groups/coast")).status).toBe(404);
  expect((await api(hub, "GET", "/api/v1/stores/E1")).status).toBe(200);
});

test("hostile input is refused naming the field; nothing half-written", async () => {
  expect((await api(hub, "POST", "/api/v1/store-groups", { id: "g1", name: "一组" })).status).toBe(200);
  const twice = await api(hub, "POST", "/api/v1/store-groups", { id: "g1", name: "again" });
  expect(twice.status).toBe(409);
  for (const [body, field] of [
    [{ id: "../etc", name: "x" }, "id"],
    [{ id: "g2", name: "" }, "name"],
    [{ id: "g2", name: "x", extra: 1 }, ""],
  ] as const) {
    const r = await api(hub, "POST", "/api/v1/store-groups", body);
    expect(r.status).toBe(400);
    if (field) expect(r.body.field).toBe(field);
  }
  // One unknown code refuses the whole request: E1 is not added either.
  const bad = await api(hub, "POST", "/api/v1/store-groups/g1/stores", { add: ["E1", "NOPE"] });
  expect(bad.status).toBe(400);
  expect(bad.body.field).toBe("add");
  expect(bad.body.message).toContain("NOPE");
  expect((await api(hub, "GET", "/api/v1/store-groups/g1")).body.stores).toEqual([]);
  expect((await api(hub, "POST", "/api/v1/store-groups/g1/stores", { region: "west" })).body.field).toBe(
    "region",
  );
  expect((await api(hub, "POST", "/api/v1/store-groups/g1/stores", {})).status).toBe(400);
  expect((await api(hub, "POST", "/api/v1/store-groups/g1/stores", { add: ["e1; drop"] })).status).toBe(400);
  expect((await api(hub, "POST", "/api/v1/store-groups/g1/ring", { ring: "canary" })).status).toBe(400);
  expect((await api(hub, "POST", "/api/v1/store-groups/missing/stores", { add: ["E1"] })).status).toBe(404);
});

test("writes need hq_admin; reading does not", async () => {
  expect((await api(hub, "POST", "/api/v1/store-groups", { id: "g9", name: "x" }, auditor)).status).toBe(403);
  expect((await api(hub, "POST", "/api/v1/store-groups/g1/ring", { ring: "pilot" }, auditor)).status).toBe(
    403,
  );
  expect((await api(hub, "GET", "/api/v1/store-groups/g1", undefined, auditor)).status).toBe(200);
});
