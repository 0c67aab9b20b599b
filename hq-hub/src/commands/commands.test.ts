// Remote commands over real MQTT into a real hub: sent, answered once, sent again to a store
// that was away, audited; hostile answers (another store's command, a bundle that does not match
// its hash, a forged outcome repeated) refused or ignored; a diagnostics bundle downloaded.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { Payload } from "@retail/protocol";
import { ADMIN_TOKEN, api, connectStore, enrollStore, startTestHub, waitFor } from "../test-kit.ts";
import { answeredState, commandArgs, resendOrExpire } from "./rules.ts";

setDefaultTimeout(60_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

const status = (): Payload<"store.status"> => ({
  state: "online",
  appVersion: "t",
  catalogVersion: 0,
  outboxBacklog: 0,
  lastSeq: 0,
  devices: [],
  at: new Date().toISOString(),
});

test("rules: lane commands need a lane, store commands refuse one; the first answer decides", () => {
  expect(commandArgs({ name: "lock_lane", lane: "2", reason: "盘点" })).toEqual({
    lane: "2",
    reason: "盘点",
  });
  expect(() => commandArgs({ name: "restart_lane" })).toThrow("lane: restart_lane needs the lane");
  expect(() => commandArgs({ name: "restart_edge", lane: "1" })).toThrow("lane:");
  expect(() => commandArgs({ name: "unlock_lane", lane: "1", reason: "x" })).toThrow("reason:");
  expect(answeredState("sent", "refused")).toBe("refused");
  expect(answeredState("done", "failed")).toBeUndefined();
  expect(answeredState("expired", "done")).toBeUndefined();
  const now = new Date("2026-12-07T12:00:00Z");
  expect(resendOrExpire("2026-12-07T11:00:00Z", now)).toBe("resend");
  expect(resendOrExpire("2026-12-06T11:00:00Z", now)).toBe("expire");
});

test("a lock_lane command reaches the store, its answer settles it once, the send is in the audit log", async () => {
  const store = await connectStore(await enrollStore(hub, "C1"));
  const sent = await api(hub, "POST", "/api/v1/stores/C1/commands", {
    name: "lock_lane",
    lane: "2",
    reason: "盘点",
  });
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ storeId: "C1", name: "lock_lane", state: "sent", args: { lane: "2" } });
  const cmd = await store.next("command", (e) => e.payload.commandId === sent.body.id);
  expect(cmd.payload).toEqual({
    commandId: sent.body.id,
    name: "lock_lane",
    args: { lane: "2", reason: "盘点" },
  });

  const answer = (outcome: "done" | "failed", detail: string) =>
    store.request("command.result", {
      commandId: sent.body.id,
      name: "lock_lane",
      outcome,
      detail,
      at: new Date().toISOString(),
    });
  await answer("done", "lane 2 locked");
  const done = await waitFor(async () => {
    const c = (await api(hub, "GET", `/api/v1/commands/${sent.body.id}`)).body;
    return c.state === "done" ? c : undefined;
  }, "the answer recorded");
  expect(done.detail).toBe("lane 2 locked");
  // A repeat with another outcome (a resend answered again, or a forger) changes nothing.
  await answer("failed", "forged");
  await store.request("store.status", status());
  await Bun.sleep(300);
  expect((await api(hub, "GET", `/api/v1/commands/${sent.body.id}`)).body).toMatchObject({
    state: "done",
    detail: "lane 2 locked",
  });
  const audit = (await api(hub, "GET", "/api/v1/audit?q=commands")).body as {
    rows: { route: string; request: unknown }[];
  };
  expect(audit.rows.some((r) => r.route === "/api/v1/stores/{id}/commands")).toBe(true);
  await store.close();
});

test("a command to a store that is away is sent again when it comes online, until it answers", async () => {
  const creds = await enrollStore(hub, "C2");
  const sent = await api(hub, "POST", "/api/v1/stores/C2/commands", { name: "resync_catalog" });
  expect(sent.body.state).toBe("sent");
  const store = await connectStore(creds);
  await store.request("store.status", status());
  const cmd = await store.next("command", (e) => e.payload.commandId === sent.body.id);
  expect(cmd.payload.name).toBe("resync_catalog");
  expect((await api(hub, "GET", "/api/v1/stores/C2/commands")).body[0].sends).toBeGreaterThanOrEqual(2);
  await store.close();
});

test("hostile: bad arguments refused naming the field; another store's command and a bad bundle dead-lettered", async () => {
  const a = await connectStore(await enrollStore(hub, "C3"));
  const b = await connectStore(await enrollStore(hub, "C4"));
  const bad = await api(hub, "POST", "/api/v1/stores/C3/commands", { name: "lock_lane" });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ error: "validation", field: "lane" });
  expect((await api(hub, "POST", "/api/v1/stores/C3/commands", { name: "format_disk" })).status).toBe(400);
  expect((await api(hub, "POST", "/api/v1/stores/NOPE/commands", { name: "restart_edge" })).status).toBe(404);
  const auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "审计", role: "auditor" })).body.token;
  expect(
    (await api(hub, "POST", "/api/v1/stores/C3/commands", { name: "restart_edge" }, auditor)).status,
  ).toBe(403);

  const sent = await api(hub, "POST", "/api/v1/stores/C3/commands", { name: "collect_diagnostics" });
  // C4 answers C3's command: not its own, refused.
  await b.request("command.result", {
    commandId: sent.body.id,
    name: "collect_diagnostics",
    outcome: "failed",
    at: new Date().toISOString(),
  });
  // C3 answers with a bundle whose hash does not match.
  const gz = gzipSync(Buffer.from(JSON.stringify({ logs: ["x"] })));
  await a.request("command.result", {
    commandId: sent.body.id,
    name: "collect_diagnostics",
    outcome: "done",
    bundle: { gzipBase64: gz.toString("base64"), bytes: 12, sha256: "0".repeat(64) },
    at: new Date().toISOString(),
  });
  const letters = await waitFor(
    async () => {
      const rows = (await api(hub, "GET", "/api/v1/dead-letters")).body as {
        storeId?: string;
        store_id?: string;
        error?: string;
        reason?: string;
      }[];
      const text = JSON.stringify(rows);
      return text.includes("no command") && text.includes("SHA-256") ? text : undefined;
    },
    "both answers dead-lettered",
    20_000,
  );
  expect(letters).toContain("C4");
  expect((await api(hub, "GET", `/api/v1/commands/${sent.body.id}`)).body.state).toBe("sent");

  // The real bundle: kept, downloadable as the store sent it.
  const json = JSON.stringify({ integrityCheck: ["ok"], logs: ["edge started"] });
  const real = gzipSync(Buffer.from(json));
  await a.request("command.result", {
    commandId: sent.body.id,
    name: "collect_diagnostics",
    outcome: "done",
    bundle: {
      gzipBase64: real.toString("base64"),
      bytes: json.length,
      sha256: createHash("sha256").update(real).digest("hex"),
    },
    at: new Date().toISOString(),
  });
  const done = await waitFor(async () => {
    const c = (await api(hub, "GET", `/api/v1/commands/${sent.body.id}`)).body;
    return c.state === "done" ? c : undefined;
  }, "the bundle recorded");
  expect(done.bundle).toEqual({
    bytes: json.length,
    sha256: createHash("sha256").update(real).digest("hex"),
  });
  const file = await fetch(`${hub.http.url}/api/v1/commands/${sent.body.id}/diagnostics`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(file.status).toBe(200);
  expect(file.headers.get("content-disposition")).toContain(`diagnostics-C3-${sent.body.id}.json.gz`);
  expect(JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString())).toEqual(JSON.parse(json));
  await a.close();
  await b.close();
});
