// The receipt journal after kill -9 between tender and receipt, with real edge processes: the
// restarted edge tells the till what became of the cart it was paying (committed: receipt and
// amount; not committed: the basket restored), lists the lane's receipts and reprints one
// marked 重印. Both crash points come from the STORE_EDGE_CRASH_AT hook (crash.ts).
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import { applyPages, catalogItems, gtinOf, pagesOf, tempDir, testConfig } from "../testing/fixtures.ts";
import { type Proc, startEdge, stop } from "../testing/procs.ts";

setDefaultTimeout(90_000);
let procs: Proc[] = [];
afterEach(async () => {
  for (const p of procs) await stop(p, "SIGKILL");
  procs = [];
});

async function seeded(): Promise<string> {
  const dir = tempDir("edge-journal-");
  const seed = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(Date.now()) });
  applyPages(seed, pagesOf("snapshot", 1, 0, catalogItems({ products: 50 })));
  await seed.stop();
  return dir;
}

function client(http: string) {
  let token = "";
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${http}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return {
    call,
    async signIn() {
      const r = await call("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
      token = r.body.session.token;
      const view = (await call("GET", "/lanes/1")).body;
      if (!view.shift) expect((await call("POST", "/lanes/1/shift/open", { float: 10000 })).status).toBe(200);
    },
  };
}

/** Rings up 2 items and pays cash with the edge set to die at `point`; returns cart id and amount. */
async function crashAt(dir: string, point: string) {
  const edge = await startEdge(dir, { STORE_EDGE_CRASH_AT: point });
  procs.push(edge);
  const c = client(edge.ready.http!);
  await c.signIn();
  for (const i of [3, 4])
    expect((await c.call("POST", "/lanes/1/scan", { code: gtinOf(i) })).status).toBe(200);
  const view = (await c.call("GET", "/lanes/1")).body;
  const cartId = view.cart.cartId as string;
  const due = view.due as number;
  await expect(c.call("POST", "/lanes/1/tenders", { kind: "cash", received: due })).rejects.toThrow();
  expect(await edge.proc.exited).not.toBe(0);
  const again = await startEdge(dir);
  procs.push(again);
  const d = client(again.ready.http!);
  await d.signIn();
  return { cartId, due, c: d, http: again.ready.http! };
}

test("kill -9 after the sale committed, before the receipt: the restarted edge says committed, with receipt and amount; journal lists it; reprint is marked 重印", async () => {
  const dir = await seeded();
  const { cartId, due, c } = await crashAt(dir, "sale.after_commit");
  const out = (await c.call("GET", `/lanes/1/last-sale?cartId=${cartId}`)).body;
  expect(out.outcome).toBe("committed");
  expect(out.sale).toMatchObject({ saleId: cartId, net: due, lines: 2, tenders: ["cash"] });
  expect(out.last.receiptNo).toBe(out.sale.receiptNo);
  const journal = (await c.call("GET", "/lanes/1/journal")).body.receipts as { receiptNo: string }[];
  expect(journal.map((r) => r.receiptNo)).toEqual([out.sale.receiptNo]);
  // The cart is empty: nothing to sell twice.
  expect((await c.call("GET", "/lanes/1")).body.cart.lines).toEqual([]);
  expect((await c.call("POST", "/lanes/1/reprint", { receiptNo: out.sale.receiptNo })).status).toBe(200);
  let printed: { title?: string; receiptNo?: string }[] = [];
  const end = Date.now() + 20_000;
  while (!printed.some((p) => p.title?.includes("重印"))) {
    if (Date.now() > end) throw new Error(`no reprint: ${JSON.stringify(printed)}`);
    await Bun.sleep(50);
    printed = (await c.call("GET", "/lanes/1/sim/printed")).body.printed;
  }
  expect(printed.find((p) => p.title?.includes("重印"))?.receiptNo).toBe(out.sale.receiptNo);
});

test("kill -9 inside the sale transaction: the restarted edge says not committed, basket restored; the same basket then sells once", async () => {
  const dir = await seeded();
  const { cartId, due, c } = await crashAt(dir, "sale.before_commit");
  const out = (await c.call("GET", `/lanes/1/last-sale?cartId=${cartId}`)).body;
  expect(out).toMatchObject({
    outcome: "not_committed",
    basketRestored: true,
    lines: 2,
    afterRestart: true,
    last: null,
  });
  expect((await c.call("GET", "/lanes/1/journal")).body.receipts).toEqual([]);
  const view = (await c.call("GET", "/lanes/1")).body;
  expect(view.cart.lines.length).toBe(2);
  expect(view.due).toBe(due);
  const sold = await c.call("POST", "/lanes/1/tenders", { kind: "cash", received: due });
  expect(sold.status).toBe(200);
  const journal = (await c.call("GET", "/lanes/1/journal")).body.receipts as {
    receiptNo: string;
    net: number;
  }[];
  expect(journal).toEqual([expect.objectContaining({ receiptNo: sold.body.sale.receiptNo, net: due })]);
  // Asked again with the old cart id: still not that id's sale (the restored basket sold under a new id).
  expect((await c.call("GET", `/lanes/1/last-sale?cartId=${cartId}`)).body.outcome).not.toBe("committed");
});

test("journal and last-sale need the lane's session; a bad cart id or limit is a 400 naming it", async () => {
  const dir = await seeded();
  const edge = await startEdge(dir);
  procs.push(edge);
  const c = client(edge.ready.http!);
  expect((await c.call("GET", "/lanes/1/journal")).status).toBe(401);
  await c.signIn();
  expect((await c.call("GET", "/lanes/1/last-sale?cartId=x'--")).body).toMatchObject({ field: "cartId" });
  expect((await c.call("GET", "/lanes/1/journal?limit=100000")).body).toMatchObject({ field: "limit" });
});
