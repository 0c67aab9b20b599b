// A one-time coupon is spent once chain-wide, with real processes over loopback: the HQ hub
// from its CLI (embedded aedes), two store edges from ours, each enrolled and selling over
// HTTP. Used at store A, it is refused at store B once HQ's "redeemed" change set arrived;
// used at both while HQ is down, both sales stand and HQ lists exactly one conflict.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";

setDefaultTimeout(180_000);

const hubDir = tempDir("hub-");
let hub: Proc | undefined;
let mqttPort = 0;
let admin: HubAdmin;

/** One store: its edge process and lane 1's cashier session. */
class Store {
  edge: Proc | undefined;
  token = "";
  readonly dir = tempDir("edge-");
  constructor(readonly id: string) {}
  get http() {
    return this.edge!.ready.http!;
  }
  async call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.http}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async ok(method: string, path: string, body?: unknown) {
    const r = await this.call(method, path, body);
    if (r.status !== 200)
      throw new Error(`${this.id} ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  async status() {
    return (
      await edgeCall<{
        outbox: { lastSeq: number; ackedUpTo: number };
        link: { state: string };
        catalog: { applied: number };
      }>(this.http, "GET", "/status")
    ).body;
  }
  /** A sale of two items (over the coupon's threshold) with `coupon`; its receipt's coupons. */
  async saleWith(coupon: string): Promise<string[]> {
    await this.ok("POST", "/lanes/1/scan", { code: gtinOf(10) });
    await this.ok("POST", "/lanes/1/scan", { code: gtinOf(11) });
    await this.ok("POST", "/lanes/1/coupons", { code: coupon });
    const r = (await this.ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 })) as {
      sale?: { coupons: string[] };
    };
    return r.sale!.coupons;
  }
  async delivered() {
    await until(
      async () => {
        const s = await this.status();
        return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
      },
      60_000,
      `${this.id} outbox acked`,
    );
  }
}

const A = new Store("S001");
const B = new Store("S002");

function hq<T>(sql: string): T[] {
  const db = new Database(join(hubDir, "hq.db"), { readonly: true });
  try {
    return db.query<T, []>(sql).all();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  hub = await startHub(hubDir);
  mqttPort = Number(new URL(hub.ready.mqtt!).port);
  admin = new HubAdmin(hub.ready.http!);
  const codes = [await admin.addStore(A.id), await admin.addStore(B.id)];
  // P-CPN10 (spend 1 yuan, get 0.10 off; gate CPN10) is in the fixture catalog.
  await admin.release(catalogItems({ products: 20 }));
  await admin.call("POST", "/api/v1/coupons/issue", { promotionId: "P-CPN10", codes: ["ONCE-1", "ONCE-2"] });
  for (const [i, s] of [A, B].entries()) {
    const r = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", codes[i]!, "--data", s.dir]);
    expect(r.code).toBe(0);
    s.edge = await startEdge(s.dir);
    await until(
      async () => (await s.status()).catalog.applied >= 2,
      30_000,
      `${s.id} catalog with the coupons`,
    );
    s.token = (
      (await s.ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" })).session as { token: string }
    ).token;
    await s.ok("POST", "/lanes/1/shift/open", { float: 20_000 });
  }
}, 180_000);

afterAll(async () => {
  await stop(A.edge);
  await stop(B.edge);
  await stop(hub);
}, 30_000);

test("used at store A, refused as spent at store B once HQ's 'redeemed' arrives", async () => {
  // Usable at B before A spends it.
  await B.ok("POST", "/lanes/1/scan", { code: gtinOf(10) });
  await B.ok("POST", "/lanes/1/scan", { code: gtinOf(11) });
  await B.ok("POST", "/lanes/1/coupons", { code: "ONCE-1" });
  await B.ok("DELETE", "/lanes/1/coupons/ONCE-1");
  expect(await A.saleWith("ONCE-1")).toEqual(["ONCE-1"]);
  await A.delivered();
  // B's till learns it from HQ's change set (no call to HQ at the till): poll B's refusal.
  let refused: { status: number; body: Record<string, unknown> } | undefined;
  await until(
    async () => {
      const r = await B.call("POST", "/lanes/1/coupons", { code: "ONCE-1" });
      if (r.status === 200) await B.ok("DELETE", "/lanes/1/coupons/ONCE-1");
      refused = r;
      return r.status === 409;
    },
    30_000,
    "ONCE-1 refused at B",
  );
  expect(refused!.body).toMatchObject({ error: "conflict", field: "coupon", reason: "spent" });
  expect(hq<{ store_id: string }>("SELECT store_id FROM coupon_redemptions WHERE code = 'ONCE-1'")).toEqual([
    { store_id: A.id },
  ]);
  expect(hq<{ n: number }>("SELECT count(*) AS n FROM coupon_conflicts")[0]!.n).toBe(0);
  // HQ re-priced A's sale with the coupon's bound promotion: no finding.
  expect(hq<{ field: string }>("SELECT field FROM price_findings")).toEqual([]);
  await B.ok("POST", "/lanes/1/void", { supervisorId: "9001", pin: "9999" });
});

test("used at both stores while HQ is down: both sales stand, HQ lists one conflict", async () => {
  await stop(hub);
  for (const s of [A, B])
    await until(async () => (await s.status()).link.state !== "online", 20_000, "link down");
  expect(await A.saleWith("ONCE-2")).toEqual(["ONCE-2"]);
  expect(await B.saleWith("ONCE-2")).toEqual(["ONCE-2"]);
  hub = await startHub(hubDir, mqttPort);
  admin = new HubAdmin(hub.ready.http!);
  await A.delivered();
  await B.delivered();
  const conflicts = await admin.call<{
    conflicts: { code: string; first: { storeId: string }; second: { storeId: string } }[];
  }>("GET", "/api/v1/coupons/conflicts");
  expect(conflicts.conflicts).toHaveLength(1);
  expect(conflicts.conflicts[0]!.code).toBe("ONCE-2");
  expect(new Set([conflicts.conflicts[0]!.first.storeId, conflicts.conflicts[0]!.second.storeId])).toEqual(
    new Set([A.id, B.id]),
  );
  expect(hq<{ n: number }>("SELECT count(*) AS n FROM sales")[0]!.n).toBe(3);
  expect(hq<{ field: string }>("SELECT field FROM price_findings")).toEqual([]);
});
