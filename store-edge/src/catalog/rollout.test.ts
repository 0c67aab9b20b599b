// Rollout across real processes: the HQ hub (embedded aedes) and three store edges, enrolled with
// one-time codes. The case from issue 13: a change set released to the pilot ring, then a member
// balance sync (a release to every store), then the promotion. Every store must end up selling
// the promoted price, HQ's "applied" for each store must mean exactly that, and both must hold
// after an edge restart. Under the old "next version above the one you have" serving, the
// stores outside the pilot applied the balances' higher version first and never got the
// promoted one while HQ showed them as applied.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { catalogItems, gtinOf, skuOf, tempDir, until } from "../testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";

// Real processes on a shared CI machine: generous bounds, never a timed assertion.
setDefaultTimeout(180_000);

interface StoreProc {
  id: string;
  region: string;
  ring: "pilot" | "general";
  dir: string;
  edge?: Proc;
  token?: string;
}

const hubDir = tempDir("rollout-hub-");
let hub: Proc | undefined;
let admin: HubAdmin;
const stores: StoreProc[] = [
  { id: "S001", region: "SH", ring: "pilot", dir: tempDir("rollout-s1-") },
  { id: "S002", region: "SH", ring: "general", dir: tempDir("rollout-s2-") },
  { id: "S003", region: "BJ", ring: "general", dir: tempDir("rollout-s3-") },
];
const PROMOTED_SKU = 3; // chain price changed by the piloted change set
const REGION_SKU = 4; // a BJ region price in the same change set
const PILOT_PRICE = 777;
const BJ_PRICE = 555;

type Status = {
  catalog: { applied: number; pointer?: number };
  outbox: { lastSeq: number; ackedUpTo: number };
};
const status = async (s: StoreProc) => (await edgeCall<Status>(s.edge!.ready.http!, "GET", "/status")).body;

function hq<T>(sql: string, ...args: (string | number)[]): T[] {
  const db = new Database(join(hubDir, "hq.db"), { readonly: true });
  try {
    return db.query<T, (string | number)[]>(sql).all(...args);
  } finally {
    db.close();
  }
}

async function lane(s: StoreProc, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.edge!.ready.http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${s.token ?? ""}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${s.id} ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function signIn(s: StoreProc) {
  const r = await lane(s, "POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  s.token = (r.session as { token: string }).token;
  const view = (await lane(s, "GET", "/lanes/1")) as { shift?: unknown };
  if (!view.shift) await lane(s, "POST", "/lanes/1/shift/open", { float: 20_000 });
}

/** One cash sale of one unit of product i (with a member when a phone is given); its unit price. */
async function sell(s: StoreProc, i: number, phone?: string): Promise<number> {
  if (phone) await lane(s, "POST", "/lanes/1/member", { phone });
  const r = (await lane(s, "POST", "/lanes/1/scan", { code: gtinOf(i) })) as {
    view: { cart: { lines: { sku: string; unitPrice: number }[] } };
  };
  const unitPrice = r.view.cart.lines.at(-1)!.unitPrice;
  await lane(s, "POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
  return unitPrice;
}

async function delivered(s: StoreProc) {
  await until(
    async () => {
      const o = (await status(s)).outbox;
      return o.lastSeq > 0 && o.ackedUpTo === o.lastSeq;
    },
    30_000,
    `${s.id} outbox acked`,
  );
}

/** The price the store's catalog has for a product now (what a scan would charge). */
async function priceAt(s: StoreProc, i: number): Promise<number | undefined> {
  const r = await edgeCall<{ price: { price: number } | null }>(
    s.edge!.ready.http!,
    "GET",
    `/products/${skuOf(i)}`,
  );
  return r.body.price?.price;
}

type Rollout = { stores: { storeId: string; applied: boolean }[] };
const rollout = (id: number) => admin.call<Rollout>("GET", `/api/v1/changesets/${id}`);

/** Waits until HQ shows the change set applied at exactly these stores (with a generous bound). */
async function appliedAt(id: number, storeIds: string[], what: string) {
  await until(
    async () => {
      const r = await rollout(id);
      return r.stores.map((s) => s.storeId).join() === storeIds.join() && r.stores.every((s) => s.applied);
    },
    30_000,
    `${what} applied at ${storeIds.join(", ")}`,
  );
}
const appliedEverywhere = (id: number, what: string) =>
  appliedAt(
    id,
    stores.map((s) => s.id),
    what,
  );

/** Waits until every edge has applied what its pointer names. */
async function settled() {
  for (const s of stores)
    await until(
      async () => {
        const c = (await status(s)).catalog;
        return c.pointer !== undefined && c.applied === c.pointer;
      },
      30_000,
      `${s.id} caught up with its pointer`,
    );
}

const expected = (s: StoreProc, i: number) =>
  i === PROMOTED_SKU ? PILOT_PRICE : i === REGION_SKU && s.region === "BJ" ? BJ_PRICE : undefined;

beforeAll(async () => {
  hub = await startHub(hubDir, 0, { HQ_MEMBER_SYNC_MS: "0" });
  admin = new HubAdmin(hub.ready.http!);
  const codes: string[] = [];
  for (const s of stores) {
    await admin.call("POST", "/api/v1/stores", {
      id: s.id,
      name: `店${s.id}`,
      region: s.region,
      ring: s.ring,
    });
    codes.push((await admin.call<{ code: string }>("POST", `/api/v1/stores/${s.id}/enrollment-code`)).code);
  }
  await admin.release(catalogItems({ products: 12 }));
  for (const [k, s] of stores.entries()) {
    const r = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", codes[k]!, "--data", s.dir]);
    expect(r.code).toBe(0);
    s.edge = await startEdge(s.dir);
  }
  await settled();
  for (const s of stores) await signIn(s);
}, 180_000);

afterAll(async () => {
  for (const s of stores) await stop(s.edge);
  await stop(hub);
}, 30_000);

test("pilot, then a member balance sync to every store, then promote: every store sells the promoted price and HQ's applied says so, also after an edge restart", async () => {
  const before = await priceAt(stores[1]!, PROMOTED_SKU);
  expect(before).not.toBe(PILOT_PRICE);

  // 1. A price change for the pilot ring: a chain price and a BJ region price.
  const cs = await admin.call<{ id: number }>("POST", "/api/v1/changesets", {
    description: "autumn prices",
    target: { kind: "all" },
  });
  await admin.call("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
    sku: skuOf(PROMOTED_SKU),
    scope: "chain",
    windows: [{ price: PILOT_PRICE }],
  });
  await admin.call("POST", `/api/v1/catalog/price?changeset=${cs.id}`, {
    sku: skuOf(REGION_SKU),
    scope: "region",
    scopeKey: "BJ",
    windows: [{ price: BJ_PRICE }],
  });
  await admin.call("POST", `/api/v1/changesets/${cs.id}/release`, { stage: "pilot" });
  await appliedAt(cs.id, ["S001"], "the pilot");
  await settled();
  expect(await priceAt(stores[0]!, PROMOTED_SKU)).toBe(PILOT_PRICE);
  expect(await priceAt(stores[1]!, PROMOTED_SKU)).toBe(before);

  // 2. A member buys at S002; HQ sends the changed balance down to every store.
  await sell(stores[1]!, 1, "13800138000");
  await delivered(stores[1]!);
  const sync = await admin.call<{ changesetId?: number; members: number }>("POST", "/api/v1/members/sync");
  expect(sync.members).toBe(1);
  await appliedEverywhere(sync.changesetId!, "the member balances");
  await settled();

  // 3. Promote the pilot to the whole chain.
  await admin.call("POST", `/api/v1/changesets/${cs.id}/promote`);
  await appliedEverywhere(cs.id, "the promoted change set");
  await settled();

  // HQ says applied at every store: each store's catalog has the promoted prices now.
  for (const s of stores) {
    expect({ store: s.id, price: await priceAt(s, PROMOTED_SKU) }).toEqual({
      store: s.id,
      price: PILOT_PRICE,
    });
    const regional = await priceAt(s, REGION_SKU);
    if (s.region === "BJ") expect({ store: s.id, price: regional }).toEqual({ store: s.id, price: BJ_PRICE });
    else expect(regional).not.toBe(BJ_PRICE);
  }

  // Each store sells at the promoted price, and HQ's re-pricing of those receipts agrees.
  for (const s of stores) {
    expect({ store: s.id, sold: await sell(s, PROMOTED_SKU) }).toEqual({ store: s.id, sold: PILOT_PRICE });
    const regional = await sell(s, REGION_SKU);
    if (expected(s, REGION_SKU) !== undefined) expect(regional).toBe(BJ_PRICE);
    await delivered(s);
  }
  expect(hq("SELECT store_id, field, expected, actual FROM price_findings")).toEqual([]);
  const sold = hq<{ store_id: string; unit_price: number }>(
    "SELECT store_id, unit_price_fen AS unit_price FROM sale_lines WHERE sku = ? ORDER BY store_id",
    skuOf(PROMOTED_SKU),
  );
  expect(sold).toEqual(stores.map((s) => ({ store_id: s.id, unit_price: PILOT_PRICE })));

  // 4. After a restart of a store outside the pilot: still the promoted price, still applied.
  const s2 = stores[1]!;
  await stop(s2.edge);
  s2.edge = await startEdge(s2.dir);
  await settled();
  await signIn(s2);
  expect(await priceAt(s2, PROMOTED_SKU)).toBe(PILOT_PRICE);
  expect(await sell(s2, PROMOTED_SKU)).toBe(PILOT_PRICE);
  await delivered(s2);
  expect((await rollout(cs.id)).stores.every((s) => s.applied)).toBe(true);
  expect(hq("SELECT store_id, field FROM price_findings")).toEqual([]);
});
