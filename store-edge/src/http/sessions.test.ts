// Cashier sessions on the LAN API, over real HTTP and WebSocket: no lane can be driven without
// the token its cashier got by signing in on that lane. Refused without a token, with another
// lane's, with an unknown or ended one, after the idle time; a sign-out, a new sign-in or the
// shift's close end it (and close its sockets); it survives an edge restart; the token is
// stored only as a hash. The PIN lockout survives a kill -9 of the real `store-edge serve`.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { manualClock } from "../clock.ts";
import { CONFIG_FILE, loadConfig } from "../config.ts";
import { laneSessions } from "../db/schema.ts";
import { Edge } from "../edge.ts";
import { DEFAULT_SESSION_IDLE_MS, hashToken, LOCK_MS } from "../staff/sessions.ts";
import { gtinOf, openLane, readyEdge, T0, tempDir, testConfig, until } from "../testing/fixtures.ts";
import { edgeCall, type Proc, startEdge, stop } from "../testing/procs.ts";
import { serveEdge, WS_UNAUTHORIZED } from "./server.ts";

setDefaultTimeout(120_000);

interface Running {
  edge: Edge;
  server: ReturnType<typeof serveEdge>;
  http: string;
}
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.server.stop(true);
    await r.edge.stop().catch(() => {});
  }
});

async function start(o: Parameters<typeof readyEdge>[0] = { products: 20, weighed: 2 }): Promise<Running> {
  const edge = await readyEdge(o);
  const server = serveEdge(edge, { port: 0, host: "127.0.0.1" });
  const r = { edge, server, http: `http://127.0.0.1:${server.port}` };
  running.push(r);
  return r;
}

type Answer = {
  error?: string;
  field?: string;
  message?: string;
  reason?: string;
  session?: { token: string; idleSeconds: number };
  cart?: { lines: unknown[] };
  cashier?: { id: string };
};

async function call(
  http: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Answer; headers: Headers }> {
  const res = await fetch(`${http}/api/v1${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer, headers: res.headers };
}

async function signIn(http: string, lane: string, cashierId = "1001", pin = "1234"): Promise<string> {
  const r = await call(http, "POST", `/lanes/${lane}/login`, { cashierId, pin });
  expect(r.status).toBe(200);
  return r.body.session!.token;
}

/** Opens the lane's socket; resolves once it is open or closed, with what came. */
function socket(http: string, lane: string, token?: string) {
  const url = `${http.replace("http", "ws")}/api/v1/lanes/${lane}/ws${token === undefined ? "" : `?token=${token}`}`;
  const ws = new WebSocket(url);
  const got = { msgs: [] as { type: string; code?: string; reason?: string; field?: string }[], closed: 0 };
  ws.onmessage = (m) => got.msgs.push(JSON.parse(String(m.data)));
  ws.onclose = (e) => {
    got.closed = e.code;
  };
  return { ws, got };
}

// Every route that drives a lane (or reads what only its cashier should see), with a body that
// would be valid: without a session each is a 401 and changes nothing.
const LANE_ROUTES: [string, string, unknown][] = [
  ["GET", "/lanes/1", undefined],
  ["POST", "/lanes/1/logout", undefined],
  ["POST", "/lanes/1/shift/open", { float: 100 }],
  ["POST", "/lanes/1/shift/cash", { direction: "out", amount: 100, reason: "x" }],
  ["GET", "/lanes/1/shift/x-report", undefined],
  ["POST", "/lanes/1/shift/close", { denominations: {} }],
  ["POST", "/lanes/1/training", { on: true, supervisorId: "9001", pin: "9999" }],
  ["POST", "/lanes/1/scan", { code: gtinOf(3) }],
  ["POST", "/lanes/1/items", { sku: "SKU000003" }],
  ["PATCH", "/lanes/1/lines/l1", { qty: 2 }],
  ["DELETE", "/lanes/1/lines/l1", { supervisorId: "9001", pin: "9999" }],
  ["POST", "/lanes/1/lines/l1/override", { price: 1, supervisorId: "9001", pin: "9999", reason: "x" }],
  ["POST", "/lanes/1/member", { phone: "13800138000" }],
  ["DELETE", "/lanes/1/member", undefined],
  ["POST", "/lanes/1/coupons", { code: "C1" }],
  ["DELETE", "/lanes/1/coupons/C1", undefined],
  ["POST", "/lanes/1/adjustment", { rounding: "yuan", supervisorId: "9001", pin: "9999" }],
  ["DELETE", "/lanes/1/adjustment", undefined],
  ["POST", "/lanes/1/void", { supervisorId: "9001", pin: "9999" }],
  ["POST", "/lanes/1/suspend", undefined],
  ["POST", "/lanes/1/recall", { suspendId: "x" }],
  ["POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 }],
  ["POST", "/lanes/1/payments/p1/query", undefined],
  ["POST", "/lanes/1/returns", { receiptNo: "RC-1" }],
  ["GET", "/lanes/1/returns/lines", undefined],
  ["PUT", "/lanes/1/returns/lines/l1", { units: 1 }],
  ["POST", "/lanes/1/returns/complete", { tender: "cash" }],
  ["DELETE", "/lanes/1/returns", undefined],
  ["POST", "/lanes/1/reprint", { receiptNo: "RC-1" }],
  ["POST", "/lanes/1/devices/drawer", { supervisorId: "9001", pin: "9999" }],
  ["POST", "/lanes/1/devices/scale/zero", undefined],
  ["GET", "/lanes/1/devices", undefined],
  ["POST", "/lanes/1/devices/printer/uncertain/1", { resolution: "printed" }],
  ["POST", "/lanes/1/sim/scan", { code: gtinOf(3) }],
  ["POST", "/lanes/1/sim/weight", { grams: 500, stable: true }],
  ["POST", "/lanes/1/sim/printer", { fault: "drop-after-cut" }],
  ["GET", "/lanes/1/sim/printed", undefined],
];

describe("a lane is driven only with its cashier's session", () => {
  test("sign-in answers the view and a 256-bit random token; the edge keeps only its SHA-256", async () => {
    const { edge, http } = await start();
    const r = await call(http, "POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
    expect(r.status).toBe(200);
    expect(r.body.cashier?.id).toBe("1001");
    const token = r.body.session!.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(r.body.session!.idleSeconds).toBe(DEFAULT_SESSION_IDLE_MS / 1000);
    const rows = edge.db.d.select().from(laneSessions).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tokenHash: hashToken(token),
      lane: "1",
      cashierId: "1001",
      endedAt: null,
    });
    expect(JSON.stringify(rows)).not.toContain(token);
    // Two sign-ins never share a token.
    const again = await signIn(http, "1");
    expect(again).not.toBe(token);
    // A wrong PIN starts nothing (and ends nothing).
    const wrong = await call(http, "POST", "/lanes/1/login", { cashierId: "1001", pin: "0000" });
    expect(wrong.status).toBe(403);
    expect((await call(http, "GET", "/lanes/1", undefined, again)).status).toBe(200);
  });

  test.each(LANE_ROUTES)(
    "%s %s without a token: 401 naming the missing header, nothing changed",
    async (method, path, body) => {
      const { edge, http } = await start();
      await openLane(edge, "1");
      await edge.scanner.scan("1", gtinOf(5));
      const before = JSON.stringify(edge.lanes.view("1").cart);
      const outbox = edge.outbox.lastSeq;
      const r = await call(http, method, path, body);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ error: "unauthorized", field: "authorization", reason: "missing" });
      expect(r.body.message).toContain("Bearer");
      expect(r.headers.get("www-authenticate")).toContain("Bearer");
      expect(JSON.stringify(edge.lanes.view("1").cart)).toBe(before);
      expect(edge.outbox.lastSeq).toBe(outbox);
      expect(edge.lanes.view("1").cashier?.id).toBe("1001");
    },
  );

  test("another lane's token, a malformed one and an unknown one are refused, each saying why", async () => {
    const { edge, http } = await start();
    const t1 = await signIn(http, "1");
    await signIn(http, "2", "9001", "9999");
    for (const lane of ["1", "2"]) edge.shifts.openShift(lane, 0);
    const other = await call(http, "POST", "/lanes/2/scan", { code: gtinOf(3) }, t1);
    expect(other.status).toBe(401);
    expect(other.body).toMatchObject({ error: "unauthorized", field: "lane", reason: "wrong_lane" });
    expect(other.body.message).toContain("lane 1, not lane 2");
    expect(edge.lanes.view("2").cart.lines).toHaveLength(0);
    const bad = await call(http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, "not-a-token");
    expect(bad.body).toMatchObject({ field: "authorization", reason: "malformed" });
    const unknown = await call(http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, "A".repeat(43));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ field: "token", reason: "unknown" });
    // The right one works; a lane id that cannot be one is still a 400 on "lane".
    expect((await call(http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, t1)).status).toBe(200);
    expect((await call(http, "POST", "/lanes/abc/scan", { code: gtinOf(3) }, t1)).body.field).toBe("lane");
  });

  test("the session expires after the idle time; each use moves it on", async () => {
    const clock = manualClock(T0);
    const { edge, http } = await start({ products: 20, clock });
    const token = await signIn(http, "1");
    edge.shifts.openShift("1", 0);
    clock.advance(DEFAULT_SESSION_IDLE_MS - 60_000);
    expect((await call(http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, token)).status).toBe(200);
    clock.advance(DEFAULT_SESSION_IDLE_MS - 60_000); // idle < the limit since the last use
    expect((await call(http, "GET", "/lanes/1", undefined, token)).status).toBe(200);
    clock.advance(DEFAULT_SESSION_IDLE_MS + 1);
    const r = await call(http, "POST", "/lanes/1/scan", { code: gtinOf(4) }, token);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: "unauthorized", field: "token", reason: "expired" });
    expect(r.body.message).toContain("12 h");
    // Still expired later; the cashier and the basket stay on the lane for the next sign-in.
    expect((await call(http, "GET", "/lanes/1", undefined, token)).body.reason).toBe("expired");
    const fresh = await signIn(http, "1");
    const view = await call(http, "GET", "/lanes/1", undefined, fresh);
    expect(view.body.cart?.lines).toHaveLength(1);
  });

  test("a configured idle time (EdgeOptions.sessionIdleMs) is used and said at sign-in", async () => {
    const clock = manualClock(T0);
    const edge = new Edge({ dataDir: tempDir(), config: testConfig(), clock, sessionIdleMs: 5 * 60_000 });
    const server = serveEdge(edge, { port: 0, host: "127.0.0.1" });
    running.push({ edge, server, http: `http://127.0.0.1:${server.port}` });
    expect(edge.staff.sessions.idleMs).toBe(5 * 60_000);
  });

  test("store-edge.json's sessions.idleMinutes sets the idle time; out of range is refused naming the field", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ sessions: { idleMinutes: 30 } }));
    const edge = new Edge({ dataDir: dir, config: loadConfig(dir, {}), clock: manualClock(T0) });
    expect(edge.staff.sessions.idleMs).toBe(30 * 60_000);
    await edge.stop();
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ sessions: { idleMinutes: 0 } }));
    expect(() => loadConfig(dir, {})).toThrow(/sessions\.idleMinutes/);
  });

  test("store-edge.json's sessions.pinLockSeconds sets the PIN lock time (default 5 min); out of range is refused naming the field", async () => {
    const dir = tempDir();
    const plain = new Edge({ dataDir: dir, config: loadConfig(dir, {}), clock: manualClock(T0) });
    expect(plain.staff.sessions.pinLockMs).toBe(LOCK_MS);
    await plain.stop();
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ sessions: { pinLockSeconds: 90 } }));
    const edge = new Edge({ dataDir: dir, config: loadConfig(dir, {}), clock: manualClock(T0) });
    expect(edge.staff.sessions.pinLockMs).toBe(90_000);
    await edge.stop();
    for (const bad of [0, 86_401, 1.5]) {
      writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ sessions: { pinLockSeconds: bad } }));
      expect(() => loadConfig(dir, {})).toThrow(/sessions\.pinLockSeconds/);
    }
  });

  test("sign-out, a new sign-in on the lane and the shift's close each end the session", async () => {
    const { edge, http } = await start();
    // Sign-out.
    const a = await signIn(http, "1");
    expect((await call(http, "POST", "/lanes/1/logout", undefined, a)).status).toBe(200);
    const afterLogout = await call(http, "GET", "/lanes/1", undefined, a);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body).toMatchObject({ reason: "ended", field: "token" });
    expect(afterLogout.body.message).toContain("signed out");
    // A new sign-in (here: the same cashier on another terminal) ends the one before.
    const b = await signIn(http, "1");
    const c = await signIn(http, "1");
    const old = await call(http, "POST", "/lanes/1/shift/open", { float: 0 }, b);
    expect(old.status).toBe(401);
    expect(old.body.message).toContain("signed in on this lane since");
    expect((await call(http, "POST", "/lanes/1/shift/open", { float: 0 }, c)).status).toBe(200);
    // Shift close: the hand-over signs the cashier out and ends the session.
    const closed = await call(http, "POST", "/lanes/1/shift/close", { denominations: {} }, c);
    expect(closed.status).toBe(200);
    expect(edge.lanes.view("1").cashier).toBeUndefined();
    const afterClose = await call(http, "POST", "/lanes/1/shift/open", { float: 0 }, c);
    expect(afterClose.status).toBe(401);
    expect(afterClose.body.message).toContain("shift was closed");
    // A refused sign-in (another cashier while a shift is open) leaves the open session alone.
    const d = await signIn(http, "1");
    await call(http, "POST", "/lanes/1/shift/open", { float: 0 }, d);
    expect((await call(http, "POST", "/lanes/1/login", { cashierId: "9001", pin: "9999" })).status).toBe(409);
    expect((await call(http, "GET", "/lanes/1", undefined, d)).status).toBe(200);
  });

  test("a PIN cannot be guessed: 5 wrong in a row lock the code for 5 minutes, bursts included", async () => {
    const clock = manualClock(T0);
    const { http } = await start({ products: 20, clock });
    const login = (pin: string, lane = "1") =>
      call(http, "POST", `/lanes/${lane}/login`, { cashierId: "1001", pin });
    // A burst of 10 wrong PINs at once: 5 are checked, the rest refused unchecked.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => login(String(1000 + i))));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(403));
    expect(burst.filter((r) => r.body.field === "pin")).toHaveLength(5);
    expect(burst.filter((r) => r.body.field === "attempts")).toHaveLength(5);
    // Locked: the right PIN too, on any lane, and on the stock routes that take a code and PIN.
    const locked = await login("1234", "2");
    expect([locked.status, locked.body.field]).toEqual([403, "attempts"]);
    expect(locked.body.message).toContain("try again in 5 min");
    const count = await call(http, "POST", "/stock/counts", {
      cashierId: "1001",
      pin: "1234",
      lines: [{ sku: "SKU000001", counted: 1 }],
    });
    expect(count.body.field).toBe("attempts");
    // Another cashier's code is not locked.
    expect((await call(http, "POST", "/lanes/2/login", { cashierId: "9001", pin: "9999" })).status).toBe(200);
    clock.advance(5 * 60_000);
    expect((await login("1234")).status).toBe(200);
    // A right PIN clears the count: 4 wrong, 1 right, 4 wrong are not a lock.
    for (const pins of [["0001", "0002", "0003", "0004"], ["1234"], ["0005", "0006", "0007", "0008"]])
      for (const pin of pins) await login(pin);
    expect((await login("1234")).status).toBe(200);
  });

  test("a cashier deactivated at HQ loses the session", async () => {
    const { edge, http } = await start();
    const token = await signIn(http, "1");
    const cashier = edge.replica.lookup.cashiers.get("1001")!;
    edge.replica.lookup.cashiers.set("1001", { ...cashier, status: "inactive" });
    const r = await call(http, "GET", "/lanes/1", undefined, token);
    expect(r.status).toBe(401);
    expect(r.body.reason).toBe("cashier_inactive");
    edge.replica.lookup.cashiers.set("1001", cashier);
    expect((await call(http, "GET", "/lanes/1", undefined, token)).body.reason).toBe("ended");
  });

  test("store-level reads of sales and carts need a session; catalog, stock and status stay open", async () => {
    const { edge, http } = await start();
    const token = await signIn(http, "1");
    edge.shifts.openShift("1", 0);
    await call(http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, token);
    const sold = (await call(http, "POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 }, token))
      .body as unknown as { sale: { receiptNo: string } };
    for (const path of ["/lanes", "/suspended", `/sales/${sold.sale.receiptNo}`]) {
      const r = await call(http, "GET", path);
      expect([path, r.status, r.body.reason]).toEqual([path, 401, "missing"]);
      expect([path, (await call(http, "GET", path, undefined, token)).status]).toEqual([path, 200]);
    }
    for (const path of ["/status", "/catalog/search?q=kkkl", "/products/SKU000003", "/stock/alerts"])
      expect([path, (await call(http, "GET", path)).status]).toEqual([path, 200]);
  });

  test("a session survives an edge restart: the cashier mid-basket carries on with the same token", async () => {
    const dataDir = tempDir();
    const first = await start({ products: 20, dataDir });
    const token = await signIn(first.http, "1");
    first.edge.shifts.openShift("1", 0);
    expect((await call(first.http, "POST", "/lanes/1/scan", { code: gtinOf(3) }, token)).status).toBe(200);
    running.splice(running.indexOf(first), 1);
    first.server.stop(true);
    await first.edge.stop();

    const second = await start({ products: 20, dataDir });
    const view = await call(second.http, "GET", "/lanes/1", undefined, token);
    expect(view.status).toBe(200);
    expect(view.body.cart?.lines).toHaveLength(1);
    expect((await call(second.http, "POST", "/lanes/1/scan", { code: gtinOf(4) }, token)).status).toBe(200);
    const { ws, got } = socket(second.http, "1", token);
    await until(() => got.msgs.some((m) => m.type === "cart"), 30_000, "cart over the socket");
    ws.close();
    // Ended sessions stay ended across the restart too.
    await call(second.http, "POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 }, token);
    await call(second.http, "POST", "/lanes/1/shift/close", { denominations: {} }, token);
    running.splice(running.indexOf(second), 1);
    second.server.stop(true);
    await second.edge.stop();
    const third = await start({ products: 20, dataDir });
    expect((await call(third.http, "GET", "/lanes/1", undefined, token)).body.reason).toBe("ended");
  });
});

describe("the lane WebSocket", () => {
  test("without a token, with another lane's or an unknown one: one unauthorized message, closed 4401, nothing of the lane", async () => {
    const { http } = await start();
    const t2 = await signIn(http, "2");
    for (const [token, reason] of [
      [undefined, "missing"],
      [t2, "wrong_lane"],
      ["B".repeat(43), "unknown"],
    ] as const) {
      const { got } = socket(http, "1", token);
      await until(() => got.closed !== 0, 5000, `socket closed (${reason})`);
      expect(got.closed).toBe(WS_UNAUTHORIZED);
      expect(got.msgs).toEqual([expect.objectContaining({ type: "error", code: "unauthorized", reason })]);
    }
  });

  test("with the token: the cart; a scan over it needs the session too; closed 4401 when the session ends", async () => {
    const { edge, http } = await start();
    const token = await signIn(http, "1");
    edge.shifts.openShift("1", 0);
    const { ws, got } = socket(http, "1", token);
    await until(() => got.msgs.some((m) => m.type === "cart"), 30_000, "initial cart");
    ws.send(JSON.stringify({ type: "scan", code: gtinOf(3) }));
    await until(() => edge.lanes.view("1").cart.lines.length === 1, 30_000, "scan over the socket");
    // Another sign-in on the lane: this socket is told and closed at once.
    await signIn(http, "1");
    await until(() => got.closed !== 0, 30_000, "socket closed");
    expect(got.closed).toBe(WS_UNAUTHORIZED);
    expect(got.msgs.at(-1)).toMatchObject({ type: "error", code: "unauthorized", reason: "ended" });
  });

  test("a socket idle past the session's time is closed by the sweep", async () => {
    const clock = manualClock(T0);
    const { edge, http } = await start({ products: 20, clock });
    const token = await signIn(http, "1");
    const { got } = socket(http, "1", token);
    await until(() => got.msgs.some((m) => m.type === "cart"), 30_000, "initial cart");
    clock.advance(DEFAULT_SESSION_IDLE_MS + 1);
    edge.staff.sessions.sweep();
    await until(() => got.closed !== 0, 30_000, "socket closed");
    expect(got.closed).toBe(WS_UNAUTHORIZED);
    expect(got.msgs.at(-1)).toMatchObject({ reason: "expired" });
  });
});

describe("the PIN lockout of a real store-edge process", () => {
  let proc: Proc | undefined;
  afterEach(async () => {
    await stop(proc, "SIGKILL");
    proc = undefined;
  });

  test("5 wrong PINs over HTTP, kill -9, restart: the right PIN is still refused, then accepted once the lock ran out", async () => {
    const LOCK_S = 10;
    const dir = tempDir();
    // The catalog (cashier 1001, PIN 1234) loaded as HQ would, then the real process on the dir.
    await (await readyEdge({ products: 5, dataDir: dir })).stop();
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ sessions: { pinLockSeconds: LOCK_S } }));
    proc = await startEdge(dir);
    const login = (pin: string) =>
      edgeCall<Answer>(proc!.ready.http!, "POST", "/lanes/1/login", { cashierId: "1001", pin });
    let fifthSent = 0;
    for (let i = 1; i <= 5; i++) {
      if (i === 5) fifthSent = Date.now();
      const r = await login(String(1000 + i));
      expect([r.status, r.body.field]).toEqual([403, "pin"]);
    }
    const locked = await login("1234");
    expect([locked.status, locked.body.field]).toEqual([403, "attempts"]);

    await stop(proc, "SIGKILL");
    proc = await startEdge(dir);
    // Only meaningful while the lock can still be in force (the restart took less than it).
    expect(Date.now() - fifthSent).toBeLessThan(LOCK_S * 1000);
    const after = await login("1234");
    expect([after.status, after.body.field]).toEqual([403, "attempts"]);
    expect(after.body.message).toBe("attempts: 5 wrong PINs in a row for 1001: try again in 1 min");

    let accepted: Awaited<ReturnType<typeof login>> | undefined;
    await until(
      async () => {
        const r = await login("1234");
        if (r.status === 200) {
          accepted = r;
          return true;
        }
        expect(r.body.field).toBe("attempts");
        await Bun.sleep(250);
        return false;
      },
      LOCK_S * 1000 + 30_000,
      "the lock to run out",
    );
    expect(accepted?.body.session?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.now() - fifthSent).toBeGreaterThanOrEqual(LOCK_S * 1000);
  });
});
