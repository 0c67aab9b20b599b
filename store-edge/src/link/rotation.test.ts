// Credential rotation end to end with real processes (issue 13 item 6): a hub process, an edge
// process enrolled with a one-time code and selling. HQ rotates the store's MQTT password; the
// edge gets it over its own channel, stores it and reconnects with it; from then on the broker
// refuses the old password, and the edge keeps selling and delivering every sale exactly once,
// also after a kill -9 and restart (the new password is on disk).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(180_000);

const hubDir = tempDir("hub-rot-");
const edgeDir = tempDir("edge-rot-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
let token = "";

const http = () => edge!.ready.http!;
type Status = {
  outbox: { lastSeq: number; ackedUpTo: number };
  link: { state: string };
  catalog: { applied: number };
};
const status = async () => (await edgeCall<Status>(http(), "GET", "/status")).body;
const storedPassword = () =>
  (
    JSON.parse(readFileSync(join(edgeDir, "store-edge.json"), "utf8")) as {
      enrollment: { mqtt: { password: string } };
    }
  ).enrollment.mqtt.password;
function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ n: number }, []>(sql).get()!.n;
  } finally {
    db.close();
  }
}
const localSales = () =>
  count(join(edgeDir, "edge.db"), "SELECT count(*) AS n FROM sales WHERE training = 0");
const hqSales = () => count(join(hubDir, "hq.db"), "SELECT count(*) AS n FROM sales WHERE store_id = 'S001'");

async function ok(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http()}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const b = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(b)}`);
  if (path.endsWith("/login")) token = (b.session as { token: string }).token;
  return b;
}
async function sale() {
  await ok("POST", "/lanes/1/scan", { code: gtinOf(10) });
  await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
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
/** Whether the broker accepts the store's credentials with this password. */
async function brokerAccepts(password: string): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(hub!.ready.mqtt!, {
      clientId: "store-S001",
      username: "store-S001",
      password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    await c.endAsync(true);
    return true;
  } catch {
    return false;
  }
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
  await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await ok("POST", "/lanes/1/shift/open", { float: 20_000 });
});

afterAll(async () => {
  await stop(edge);
  await stop(hub);
});

test("HQ rotates a store's credentials: the edge switches over its own channel, the old password is refused, selling and delivery go on", async () => {
  for (let i = 0; i < 3; i++) await sale();
  await allDelivered();
  const oldPassword = storedPassword();

  // Sales still in the outbox while the rotation happens: none may be lost.
  for (let i = 0; i < 3; i++) await sale();
  const started = await admin.call<{ id: number; state: string }>(
    "POST",
    "/api/v1/stores/S001/rotate-credentials",
  );
  expect(started.state).toBe("pending");
  await until(
    async () =>
      (
        await admin.call<{ id: number; state: string }[]>("GET", "/api/v1/stores/S001/credential-rotations")
      ).some((r) => r.id === started.id && r.state === "completed"),
    60_000,
    "the store to connect with its new password",
  );
  const newPassword = storedPassword();
  expect(newPassword).not.toBe(oldPassword);
  await until(async () => (await status()).link.state === "online", 30_000, "edge online again");

  // The old password no longer opens a session; the new one does (checked last: it takes the
  // store's session over for a moment, and the edge reconnects).
  expect(await brokerAccepts(oldPassword)).toBe(false);

  for (let i = 0; i < 3; i++) await sale();
  await allDelivered();
  expect(hqSales()).toBe(localSales());
  expect(localSales()).toBe(9);

  // kill -9 and restart: the edge comes back with the password it stored, and delivers.
  await stop(edge, "SIGKILL");
  edge = await startEdge(edgeDir);
  await until(async () => (await status()).link.state === "online", 30_000, "edge online after restart");
  await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await sale();
  await allDelivered();
  expect(hqSales()).toBe(10);
  expect(hqSales()).toBe(localSales());

  // The rotation itself did not look like a takeover: the old session ended before the new one.
  const alerts = await admin.call<{ kind: string }[]>("GET", "/api/v1/fleet/alerts?store=S001");
  expect(alerts).toEqual([]);
  expect(await brokerAccepts(newPassword)).toBe(true);
});
