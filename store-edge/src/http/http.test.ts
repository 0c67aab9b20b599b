// The terminal UI's API over real HTTP and WebSocket: validation errors name the field, every
// lane's socket gets its cart and device events, and a slow printer on one lane never delays
// another lane. Calls carry the lane's session token (sessions.test.ts tests the refusals).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { SimulatedDevices } from "../devices/port.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, until } from "../testing/fixtures.ts";
import { edgeCall } from "../testing/procs.ts";
import { serveEdge } from "./server.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(120_000);

let edge: Edge;
let server: ReturnType<typeof serveEdge>;
let http: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  edge = await readyEdge({ products: 30, weighed: 2 });
  await openLane(edge, "1");
  await openLane(edge, "2");
  server = serveEdge(edge, { port: 0, host: "127.0.0.1" });
  http = `http://127.0.0.1:${server.port}`;
  for (const lane of ["1", "2"]) {
    const r = await edgeCall<{ session: { token: string } }>(http, "POST", `/lanes/${lane}/login`, {
      cashierId: "1001",
      pin: "1234",
    });
    tokens[lane] = r.body.session.token;
  }
});
afterAll(async () => {
  server.stop(true);
  await edge.stop();
});

/** A call with the session of the lane in the path (lane 1's for store-level routes). */
async function call<T = { error?: string; field?: string; message?: string }>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const token = tokens[/^\/lanes\/(\d+)/.exec(path)?.[1] ?? "1"] ?? tokens["1"]!;
  const res = await fetch(`${http}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe("bad requests get 4xx with a reason naming the field", () => {
  test.each([
    ["POST", "/lanes/1/scan", {}, 400, "code"],
    ["POST", "/lanes/1/scan", { code: "" }, 400, "code"],
    ["POST", "/lanes/1/scan", { code: "6901234567890" }, 400, "code"],
    ["POST", "/lanes/1/scan", { code: gtinOf(999) }, 404, "code"],
    ["POST", "/lanes/1/scan", { code: gtinOf(5), extra: 1 }, 400, "extra"],
    ["POST", "/lanes/1/tenders", { kind: "cash", received: 12.5 }, 400, "received"],
    ["POST", "/lanes/1/tenders", { kind: "bitcoin" }, 400, "kind"],
    ["POST", "/lanes/1/tenders", { kind: "card", approvalCode: "!" }, 400, "approvalCode"],
    ["POST", "/lanes/1/items", { sku: "NOPE" }, 404, "sku"],
    ["PATCH", "/lanes/1/lines/l99", { qty: 2 }, 404, "lineId"],
    ["PATCH", "/lanes/1/lines/l1", { qty: -1 }, 400, "qty"],
    ["POST", "/lanes/1/member", { phone: "12345" }, 400, "phone"],
    ["POST", "/lanes/1/login", { cashierId: "1001", pin: "0000" }, 403, "pin"],
    ["POST", "/lanes/1/shift/close", { denominations: { "300": 1 } }, 400, "denominations.300"],
    ["POST", "/lanes/abc/scan", { code: gtinOf(5) }, 400, "lane"],
    ["GET", "/nope", undefined, 404, "path"],
  ] as const)("%s %s %j -> %d on %s", async (method, path, body, status, field) => {
    const r = await call(method, path, body);
    expect(r.status).toBe(status);
    expect(r.body.field).toBe(field);
    expect(r.body.message?.length).toBeGreaterThan(3);
  });

  test("malformed JSON", async () => {
    const res = await fetch(`${http}/api/v1/lanes/1/scan`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens["1"]}` },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe("body");
  });
});

describe("lanes over HTTP and WebSocket", () => {
  test("the lane socket pushes cart state and device events; a device scan lands in the cart", async () => {
    const ws = new WebSocket(`${http.replace("http", "ws")}/api/v1/lanes/2/ws?token=${tokens["2"]}`);
    const msgs: { type: string; view?: { cart: { lines: unknown[] } }; event?: { type: string } }[] = [];
    ws.onmessage = (m) => msgs.push(JSON.parse(String(m.data)));
    await until(() => msgs.some((m) => m.type === "cart"), 30_000, "initial cart");
    (edge.lanes.devices("2") as SimulatedDevices).simulateScan(gtinOf(7));
    await until(
      () => msgs.some((m) => m.type === "cart" && m.view!.cart.lines.length === 1),
      30_000,
      "cart with line",
    );
    expect(msgs.some((m) => m.type === "device" && m.event?.type === "scan")).toBe(true);
    ws.send(JSON.stringify({ type: "scan", code: "nonsense\u0001" }));
    await until(() => msgs.some((m) => m.type === "error"), 30_000, "error message");
    const r = await call("POST", "/lanes/2/tenders", { kind: "cash", received: 1000 });
    expect(r.status).toBe(200);
    await until(() => msgs.some((m) => m.type === "sale"), 30_000, "sale message");
    await until(() => msgs.some((m) => m.type === "print"), 30_000, "print result");
    ws.close();
  });

  test("a slow printer on lane 1 does not hold up lane 2", async () => {
    const slow = edge.lanes.devices("1") as SimulatedDevices;
    slow.printDelayMs = 3_000;
    await call("POST", "/lanes/1/scan", { code: gtinOf(5) });
    const sold = await call("POST", "/lanes/1/tenders", { kind: "cash", received: 1000 });
    expect(sold.status).toBe(200);
    // lane 1's receipt is still printing; lane 2 sells meanwhile
    await call("POST", "/lanes/2/scan", { code: gtinOf(6) });
    const other = await call("POST", "/lanes/2/tenders", { kind: "cash", received: 1000 });
    expect(other.status).toBe(200);
    expect(slow.printed.length).toBe(0);
    slow.printDelayMs = 0;
  });

  test("stock count and receiving: ledger moves and their events in one transaction", async () => {
    const before = edge.outbox.lastSeq;
    // Store-level: the cashier's code and PIN in the body, no lane session needed.
    const got = await edgeCall<{ lines: { sku: string; counted: number; expected: number }[] }>(
      http,
      "POST",
      "/stock/counts",
      { cashierId: "1001", pin: "1234", lines: [{ sku: "SKU000020", counted: 7 }] },
    );
    expect(got.status).toBe(200);
    expect(got.body.lines[0]).toEqual({ sku: "SKU000020", counted: 7, expected: 0 });
    const r = await edgeCall(http, "POST", "/stock/receivings", {
      cashierId: "1001",
      pin: "1234",
      purchaseOrderId: "PO-1",
      lines: [{ sku: "SKU000020", qty: 24, expected: 24 }],
    });
    expect(r.status).toBe(200);
    expect(edge.stock.onHand("SKU000020")).toBe(31);
    expect(edge.outbox.lastSeq).toBe(before + 2);
    const bad = await call("POST", "/stock/counts", {
      cashierId: "1001",
      pin: "1234",
      lines: [{ sku: "NOPE", counted: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("lines.0.sku");
  });

  test("a no-sale drawer opening is audited", async () => {
    const before = edge.outbox.lastSeq;
    const r = await call("POST", "/lanes/2/devices/drawer", { supervisorId: "9001", pin: "9999" });
    expect(r.status).toBe(200);
    expect(edge.outbox.lastSeq).toBe(before + 1);
    const row = edge.outbox.range(edge.outbox.lastSeq, edge.outbox.lastSeq, 1)[0]!;
    expect(JSON.parse(row.envelope).payload).toMatchObject({
      action: "no_sale",
      laneId: "2",
      supervisorId: "9001",
    });
  });

  test("status, search and product card", async () => {
    const s = await edgeCall<{ catalog: { applied: number }; outbox: { lastSeq: number } }>(
      http,
      "GET",
      "/status",
    );
    expect(s.body.catalog.applied).toBe(1);
    const hits = await edgeCall<{ hits: { sku: string }[] }>(http, "GET", "/catalog/search?q=kkkl");
    expect(hits.body.hits.length).toBeGreaterThan(0);
    const card = await edgeCall<{ price: { price: number }; onHand: number }>(
      http,
      "GET",
      "/products/SKU000005",
    );
    expect(card.body.price.price).toBe(150);
    expect(card.body.onHand).toBe(-1);
    const t = edge.telemetry();
    expect(t.metrics.sales_today).toBeGreaterThan(0);
    expect(t.metrics.catalog_skus).toBe(30);
  });
});
