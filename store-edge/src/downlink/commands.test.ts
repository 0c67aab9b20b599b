// HQ's remote commands end to end with real processes (issue 20 item 4): a hub process and an
// enrolled edge process selling. HQ locks and unlocks a lane, restarts a lane, collects a
// diagnostics bundle and restarts the edge (refused while a payment is under way, then done:
// the process exits 75 for systemd and starts again); every command is answered and recorded at
// HQ, and every sale before and after reaches HQ exactly once. Below, the runner alone: a command
// HQ sends again is answered from what was kept, never run twice.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { EdgeDb } from "../db.ts";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import {
  ADMIN_TOKEN,
  edgeCall,
  HubAdmin,
  type Proc,
  runEdgeCli,
  startEdge,
  startHub,
  stop,
} from "../testing/procs.ts";
import { RemoteCommands } from "./commands.ts";
import { LogTail } from "./log-tail.ts";

setDefaultTimeout(180_000);

const hubDir = tempDir("hub-cmd-");
const edgeDir = tempDir("edge-cmd-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
const tokens: Record<string, string> = {};

const http = () => edge!.ready.http!;
type Status = {
  outbox: { lastSeq: number; ackedUpTo: number };
  link: { state: string };
  catalog: { applied: number };
};
const status = async () => (await edgeCall<Status>(http(), "GET", "/status")).body;

async function call(method: string, path: string, body?: unknown, lane = "1") {
  const res = await fetch(`${http()}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${tokens[lane] ?? ""}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const b = (await res.json()) as Record<string, unknown>;
  if (res.status === 200 && path.endsWith("/login")) tokens[lane] = (b.session as { token: string }).token;
  return { status: res.status, body: b };
}
async function ok(method: string, path: string, body?: unknown, lane = "1") {
  const r = await call(method, path, body, lane);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const count = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ n: number }, []>(sql).get()!.n;
  } finally {
    db.close();
  }
};
const localSales = () =>
  count(join(edgeDir, "edge.db"), "SELECT count(*) AS n FROM sales WHERE training = 0");
const hqSales = () => count(join(hubDir, "hq.db"), "SELECT count(*) AS n FROM sales WHERE store_id = 'S001'");

type Command = { id: string; state: string; detail?: string; bundle?: { bytes: number; sha256: string } };
async function command(body: Record<string, string>): Promise<Command> {
  const c = await admin.call<Command>("POST", "/api/v1/stores/S001/commands", body);
  expect(c.state).toBe("sent");
  let answered: Command | undefined;
  await until(
    async () => {
      answered = await admin.call<Command>("GET", `/api/v1/commands/${c.id}`);
      return answered.state !== "sent";
    },
    30_000,
    `the store's answer to ${body.name}`,
  );
  return answered!;
}
async function signIn(lane: string) {
  await ok("POST", `/lanes/${lane}/login`, { cashierId: "1001", pin: "1234" }, lane);
}
async function sale(lane = "1") {
  await ok("POST", `/lanes/${lane}/scan`, { code: gtinOf(10) }, lane);
  await ok("POST", `/lanes/${lane}/tenders`, { kind: "cash", received: 100_000 }, lane);
}
async function allDelivered() {
  await until(
    async () => {
      const s = await status();
      return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
    },
    60_000,
    "outbox acked by HQ",
  );
}

beforeAll(async () => {
  hub = await startHub(hubDir);
  admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 20 }));
  expect(
    (await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir])).code,
  ).toBe(0);
  edge = await startEdge(edgeDir);
  await until(async () => (await status()).catalog.applied >= 1, 30_000, "catalog from HQ");
  await until(async () => (await status()).link.state === "online", 30_000, "edge online");
  for (const lane of ["1", "2"]) {
    await signIn(lane);
    await ok("POST", `/lanes/${lane}/shift/open`, { float: 20_000 }, lane);
  }
});

afterAll(async () => {
  await stop(edge);
  await stop(hub);
});

test("lock_lane: the lane refuses sign-in and a new sale in zh-CN, the other lane sells; unlock_lane lifts it", async () => {
  await sale("2");
  const locked = await command({ name: "lock_lane", lane: "2", reason: "盘点" });
  expect(locked).toMatchObject({ state: "done", detail: "lane 2 locked" });
  const refused = await call("POST", "/lanes/2/scan", { code: gtinOf(10) }, "2");
  expect(refused.status).toBe(409);
  expect(String(refused.body.message)).toContain("收银台 2 已被总部锁定（盘点）");
  expect((await call("POST", "/lanes/2/login", { cashierId: "1001", pin: "1234" }, "2")).status).toBe(409);
  await sale("1");
  expect((await command({ name: "unlock_lane", lane: "2" })).state).toBe("done");
  await signIn("2");
  await sale("2");
  // A lane the store does not have: refused, named.
  expect(await command({ name: "lock_lane", lane: "9" })).toMatchObject({
    state: "refused",
    detail: "lane: this store has no lane 9",
  });
});

test("restart_lane and collect_diagnostics: done; the bundle holds the integrity check, the status and the log", async () => {
  expect(await command({ name: "restart_lane", lane: "1" })).toMatchObject({ state: "done" });
  await sale("1");
  const diag = await command({ name: "collect_diagnostics" });
  expect(diag.state).toBe("done");
  const res = await fetch(`${hub!.ready.http}/api/v1/commands/${diag.id}/diagnostics`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(res.status).toBe(200);
  const bundle = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8"));
  expect(bundle.integrityCheck).toEqual(["ok"]);
  expect(bundle.status.store.storeId).toBe("S001");
  expect(bundle.logs.some((l: string) => l.includes("command lock_lane"))).toBe(true);
  expect(diag.bundle?.bytes).toBeGreaterThan(100);
});

test("restart_edge: refused mid-payment; then done, the process exits 75, comes back, and no sale is lost or doubled", async () => {
  // Money tendered, not enough: a sale under way.
  await ok("POST", "/lanes/1/scan", { code: gtinOf(10) });
  await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 1 });
  expect(await command({ name: "restart_edge" })).toMatchObject({ state: "refused" });
  await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
  const before = localSales();
  const done = await command({ name: "restart_edge" });
  expect(done).toMatchObject({ state: "done", detail: "restarting" });
  expect(await edge!.proc.exited).toBe(75);
  // systemd's Restart=on-failure would start it again; here the test does.
  edge = await startEdge(edgeDir);
  await until(async () => (await status()).link.state === "online", 30_000, "edge online after restart");
  await signIn("1");
  await sale("1");
  await allDelivered();
  expect(localSales()).toBe(before + 1);
  expect(hqSales()).toBe(localSales());
  // Still running a while later: the command is not run again after the reconnect.
  await Bun.sleep(2000);
  expect(edge.proc.exitCode).toBeNull();
});

test("the runner: a command sent again is answered from what was kept, a restart runs once", async () => {
  const dir = tempDir("edge-cmd-unit-");
  const db = new EdgeDb(join(dir, "edge.db"));
  const sent: { commandId: string; outcome: string }[] = [];
  let restarts = 0;
  const runner = new RemoteCommands({
    db,
    lanes: {
      lane: () => ({}) as never,
      laneIds: () => [],
      reopen: async () => ({}) as never,
      saveRecord: () => {},
      changed: () => ({}) as never,
    },
    logTail: new LogTail(),
    status: () => ({}),
    resyncCatalog: () => {},
    restart: () => restarts++,
    send: (r) => {
      sent.push(r);
      return true;
    },
    now: () => new Date(),
    log: () => {},
  });
  const cmd = { commandId: "c-1", name: "restart_edge" as const, args: {} };
  await runner.run(cmd);
  await runner.run(cmd);
  await Bun.sleep(700);
  expect(restarts).toBe(1);
  expect(sent.map((s) => s.outcome)).toEqual(["done", "done"]);
  db.close();
});
