// Every route of the LAN API that takes a PIN, driven over the HTTP app: each one locks the code
// after 5 wrong PINs (the right one is then refused too), because every PIN goes through the
// one `verifyPin`. One LAN device sending wrong PINs for every cashier code is throttled before
// it can lock them all out; a supervisor unlocks a code at the till; HQ hears of it all.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { createApp } from "../http/app.ts";
import { auditsOf as audits, gtinOf, pinHash, readyEdge, T0 } from "../testing/fixtures.ts";
import { MAX_WRONG_PINS } from "./sessions.ts";

setDefaultTimeout(120_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

type Answer = { status: number; body: Record<string, unknown> & { field?: string; message?: string } };

function client(edge: Edge) {
  const app = createApp(edge);
  return async (
    method: string,
    path: string,
    body: unknown,
    o: { token?: string; source: string },
  ): Promise<Answer> => {
    const res = await app.request(
      `/api/v1${path}`,
      {
        method,
        headers: {
          "content-type": "application/json",
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { source: o.source },
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
}

/** An edge with lane 1 signed in (cashier 1001) with an open shift, over the HTTP app. */
async function till() {
  const clock = manualClock(T0);
  const edge = await readyEdge({ products: 20, clock });
  edges.push(edge);
  const call = client(edge);
  const login = await call(
    "POST",
    "/lanes/1/login",
    { cashierId: "1001", pin: "1234" },
    { source: "till-1" },
  );
  expect(login.status).toBe(200);
  const token = (login.body.session as { token: string }).token;
  expect(
    (await call("POST", "/lanes/1/shift/open", { float: 10000 }, { token, source: "till-1" })).status,
  ).toBe(200);
  return { edge, call, token, clock };
}

interface PinRoute {
  name: string;
  /** The code whose PIN is guessed, and its right PIN. */
  code: string;
  right: string;
  /** Puts the lane in the state the route needs (a line to void, a return to refund...). */
  setup?: (t: Awaited<ReturnType<typeof till>>) => Promise<void>;
  method: string;
  /** The route's path; a function when it names something the setup made. */
  path: string | (() => string);
  /** The body with the guessed PIN; `session`: sent with the lane's token. */
  body: (pin: string) => unknown;
  session: boolean;
}

const sup = (pin: string) => ({ supervisorId: "9001", pin });
const scanOne = async (t: Awaited<ReturnType<typeof till>>) => {
  if (!t.edge.lanes.view("1").cart.lines.length) await t.edge.scanner.scan("1", gtinOf(3));
};

/** The stocktake a counter signs in to (opened by the supervisor in the route's setup). */
let stocktakeId = "ST-opened-in-setup";
const pathOf = (r: PinRoute) => (typeof r.path === "string" ? r.path : r.path());

/** Every route of the LAN API that takes a PIN (grep "pin" in each folder's routes.ts). */
const PIN_ROUTES: PinRoute[] = [
  {
    name: "stocktake opened at the store",
    code: "1001",
    right: "1234",
    method: "POST",
    path: "/stocktakes",
    body: (pin) => ({ cashierId: "1001", pin, kind: "full" }),
    session: false,
  },
  {
    name: "counter joins a stocktake",
    code: "1001",
    right: "1234",
    setup: async (t) => {
      stocktakeId = (await t.edge.stocktakes.open("9001", "9999", { kind: "full" })).id;
    },
    method: "POST",
    path: () => `/stocktakes/${stocktakeId}/counters`,
    body: (pin) => ({ cashierId: "1001", pin }),
    session: false,
  },
  {
    name: "sign-in",
    code: "1001",
    right: "1234",
    method: "POST",
    path: "/lanes/2/login",
    body: (pin) => ({ cashierId: "1001", pin }),
    session: false,
  },
  {
    name: "stock count",
    code: "1001",
    right: "1234",
    method: "POST",
    path: "/stock/counts",
    body: (pin) => ({ cashierId: "1001", pin, lines: [{ sku: "SKU000001", counted: 3 }] }),
    session: false,
  },
  {
    name: "receiving",
    code: "1001",
    right: "1234",
    method: "POST",
    path: "/stock/receivings",
    body: (pin) => ({ cashierId: "1001", pin, lines: [{ sku: "SKU000001", qty: 3 }] }),
    session: false,
  },
  {
    name: "write-off of expired lots",
    code: "1001",
    right: "1234",
    setup: async (t) => {
      // A lot past its date, so the right PIN has something to write off once the lock ran out.
      await t.edge.inventory.receive("1001", "1234", {
        lines: [{ sku: "SKU000001", qty: 2, lots: [{ batch: "OLD", expiresOn: "2026-11-01", qty: 2 }] }],
      });
    },
    method: "POST",
    path: "/stock/write-offs",
    body: (pin) => ({ cashierId: "1001", pin }),
    session: false,
  },
  {
    name: "cash out (supervisor)",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/shift/cash",
    body: (pin) => ({ direction: "out", amount: 20000, reason: "bank", ...sup(pin) }),
    session: true,
  },
  {
    name: "cash in (supervisor)",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/shift/cash",
    body: (pin) => ({ direction: "in", amount: 5000, reason: "change", ...sup(pin) }),
    session: true,
  },
  {
    name: "training mode",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/training",
    body: (pin) => ({ on: false, ...sup(pin) }),
    session: true,
  },
  {
    name: "line void",
    code: "9001",
    right: "9999",
    setup: scanOne,
    method: "DELETE",
    path: "/lanes/1/lines/l1",
    body: sup,
    session: true,
  },
  {
    name: "price override",
    code: "9001",
    right: "9999",
    setup: scanOne,
    method: "POST",
    path: "/lanes/1/lines/l1/override",
    body: (pin) => ({ price: 100, reason: "damaged", ...sup(pin) }),
    session: true,
  },
  {
    name: "order discount / 抹零",
    code: "9001",
    right: "9999",
    setup: scanOne,
    method: "POST",
    path: "/lanes/1/adjustment",
    body: (pin) => ({ rounding: "yuan", ...sup(pin) }),
    session: true,
  },
  {
    name: "sale void",
    code: "9001",
    right: "9999",
    setup: scanOne,
    method: "POST",
    path: "/lanes/1/void",
    body: sup,
    session: true,
  },
  {
    name: "return without receipt",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/returns",
    body: (pin) => ({ reason: "no receipt", ...sup(pin) }),
    session: true,
  },
  {
    name: "cash refund of a WeChat Pay sale",
    code: "9001",
    right: "9999",
    setup: async (t) => {
      if (t.edge.lanes.view("1").mode === "return") return;
      await t.edge.scanner.scan("1", gtinOf(4));
      const paid = await t.edge.wallet.payWallet("1", "wechat", "134567890123451234", undefined);
      t.edge.returns.startReturn("1", paid.sale!.receiptNo);
      t.edge.returns.setReturnLine("1", "l1", 1, true);
    },
    method: "POST",
    path: "/lanes/1/returns/complete",
    body: (pin) => ({ tender: "cash", ...sup(pin) }),
    session: true,
  },
  {
    name: "no-sale drawer opening",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/devices/drawer",
    body: sup,
    session: true,
  },
  {
    name: "unlock a code",
    code: "9001",
    right: "9999",
    method: "POST",
    path: "/lanes/1/staff/1001/unlock",
    body: sup,
    session: false,
  },
];

describe("every route that takes a PIN locks the code after 5 wrong PINs", () => {
  test("the table lists every route of the LAN API whose body schema has a PIN", () => {
    // The routes live beside their folders (sale/routes.ts ..., http/store-routes.ts), each with its schemas.
    const root = join(import.meta.dir, "..");
    const files = [
      ...readdirSync(root)
        .map((d) => join(root, d, "routes.ts"))
        .filter((f) => existsSync(f)),
      join(root, "http", "store-routes.ts"),
    ];
    let schemasWithPin = 0;
    const routes: string[] = [];
    for (const file of files) {
      const src = readFileSync(file, "utf8");
      if (!src.includes("const schemas = {")) continue;
      const schemaBlock = src.slice(
        src.indexOf("const schemas = {"),
        src.indexOf("\n};", src.indexOf("const schemas = {")),
      );
      const withPin = new Set<string>();
      for (const m of schemaBlock.matchAll(/^ {2}(\w+): ([\s\S]*?)(?=^ {2}\w+: |$(?![\s\S]))/gm))
        if (/\bpin\b|\bPin\b/.test(m[2]!)) withPin.add(m[1]!);
      schemasWithPin += withPin.size;
      const blocks = src.split(/(?=api\.(?:get|post|put|patch|delete)\(")/);
      for (const b of blocks) {
        const head = /^api\.(get|post|put|patch|delete)\("([^"]+)"/.exec(b);
        if (!head) continue;
        const used = [...b.matchAll(/schemas\.(\w+)/g)].map((x) => x[1]!);
        if (used.some((u) => withPin.has(u))) routes.push(`${head[1]!.toUpperCase()} ${head[2]}`);
      }
    }
    expect(schemasWithPin).toBeGreaterThanOrEqual(9);
    const covered = (route: string) =>
      PIN_ROUTES.some((r) => {
        const [method, pattern] = route.split(" ");
        const re = new RegExp(`^${pattern!.replace(/:[a-zA-Z]+/g, "[^/]+")}$`);
        return r.method === method && re.test(pathOf(r));
      });
    expect(routes.length).toBeGreaterThanOrEqual(12);
    expect(routes.filter((r) => !covered(r))).toEqual([]);
  });

  test.each(PIN_ROUTES.map((r) => [r.name, r] as const))(
    "%s: PINs tried in order from 0000 are refused after the 5th wrong one, the right PIN too",
    async (_name, route) => {
      const t = await till();
      await route.setup?.(t);
      const source = `10.0.0.${PIN_ROUTES.indexOf(route) + 20}`;
      const send = (pin: string) =>
        t.call(route.method, pathOf(route), route.body(pin), {
          source,
          ...(route.session ? { token: t.token } : {}),
        });
      // The brute force of the issue: every 4-digit PIN in order, stopped at the first refusal
      // that is not "wrong PIN" (the old code answered "wrong PIN" 10,000 times).
      let wrong = 0;
      let stopped: Answer | undefined;
      for (let n = 0; n < 10_000 && n < 60; n++) {
        const pin = String(n).padStart(4, "0");
        if (pin === route.right) continue;
        const r = await send(pin);
        if (r.status === 403 && r.body.field === "pin") {
          wrong++;
          continue;
        }
        stopped = r;
        break;
      }
      expect(wrong).toBe(MAX_WRONG_PINS);
      expect([stopped?.status, stopped?.body.field]).toEqual([403, "attempts"]);
      // Locked: the right PIN is refused as well, on this route and at the sign-in.
      const right = await send(route.right);
      expect([right.status, right.body.field]).toEqual([403, "attempts"]);
      const signIn = await t.call(
        "POST",
        "/lanes/3/login",
        { cashierId: route.code, pin: route.right },
        { source: "till-3" },
      );
      expect([signIn.status, signIn.body.field]).toEqual([403, "attempts"]);
      expect(
        audits(t.edge)
          .filter((a) => a.action === "pin_locked")
          .map((a) => a.cashierId),
      ).toEqual([route.code]);
      // Once the lock ran out the right PIN works on the route again.
      t.clock.advance(5 * 60_000);
      const after = await send(route.right);
      expect(after.status).toBe(200);
    },
  );
});

describe("lockout abuse from the LAN is bounded", () => {
  const CODES = ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "9001"];

  async function storeWithStaff() {
    const t = await till();
    const lookup = t.edge.replica.lookup;
    const hash = pinHash("2468");
    for (const id of CODES.slice(1, -1))
      lookup.cashiers.set(id, { id, name: `收银员${id}`, role: "cashier", pinHash: hash, status: "active" });
    return t;
  }

  test("one device sending wrong PINs for every cashier code is throttled before it locks them out", async () => {
    const t = await storeWithStaff();
    const rogue = "192.168.1.66";
    const answers: Answer[] = [];
    for (const code of CODES)
      for (let i = 0; i < 10; i++)
        answers.push(
          await t.call("POST", "/lanes/1/login", { cashierId: code, pin: `000${i}` }, { source: rogue }),
        );
    // The device is refused as a whole (429 on source) long before the flood ends...
    const first = answers.findIndex((a) => a.status === 429);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(25);
    expect(answers.slice(first).every((a) => a.status === 429 && a.body.field === "source")).toBe(true);
    expect(answers[first]!.body.message).toContain("try again in 5 min");
    // ...so at most two codes got locked, and everyone else signs in from their till.
    const locked = CODES.filter((c) => t.edge.staff.sessions.pinLockedUntil(c) > 0);
    expect(locked.length).toBeLessThanOrEqual(2);
    for (const code of CODES.filter((c) => !locked.includes(c))) {
      const pin = code === "1001" ? "1234" : code === "9001" ? "9999" : "2468";
      const r = await t.call("POST", "/lanes/2/login", { cashierId: code, pin }, { source: "till-2" });
      expect([code, r.status]).toEqual([code, 200]);
    }
    // The device stays refused even with a right PIN; HQ hears of the throttle and the locks.
    const rightFromRogue = await t.call(
      "POST",
      "/lanes/2/login",
      { cashierId: "9001", pin: "9999" },
      { source: rogue },
    );
    expect(rightFromRogue.status).toBe(429);
    const a = audits(t.edge);
    expect(a.filter((x) => x.action === "pin_source_throttled")).toHaveLength(1);
    expect(a.find((x) => x.action === "pin_source_throttled")!.detail).toContain(rogue);
    expect(a.filter((x) => x.action === "pin_locked").map((x) => x.cashierId)).toEqual(locked);
    // The till can see it: locked codes, the throttled source, the last attempts with lane and source.
    const state = await t.call("GET", "/lanes/1/staff/pin-locks", undefined, {
      token: t.token,
      source: "till-1",
    });
    const st = state.body as {
      codes: { cashierId: string }[];
      sources: { source: string; throttledUntil: number }[];
      recent: { source: string; lane: string; outcome: string }[];
    };
    expect(st.codes.filter((c) => locked.includes(c.cashierId)).length).toBe(locked.length);
    expect(st.sources.find((s) => s.source === rogue)!.throttledUntil).toBeGreaterThan(T0);
    expect(st.recent.some((r) => r.source === rogue && r.lane === "1" && r.outcome === "wrong_pin")).toBe(
      true,
    );
  });

  test("the throttle ends, and a device that starts again is refused twice as long", async () => {
    const t = await storeWithStaff();
    const rogue = "192.168.1.67";
    const flood = async () => {
      for (const code of CODES)
        await t.call("POST", "/lanes/1/login", { cashierId: code, pin: "0000" }, { source: rogue });
    };
    await flood();
    t.clock.advance(5 * 60_000 + 1);
    const again = await t.call(
      "POST",
      "/lanes/1/login",
      { cashierId: "1003", pin: "0000" },
      { source: rogue },
    );
    expect([again.status, again.body.field]).toEqual([403, "pin"]);
    await flood();
    const r = await t.call("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" }, { source: rogue });
    expect(r.status).toBe(429);
    expect(r.body.message).toContain("try again in 10 min");
  });

  test("a supervisor unlocks a locked code at the till, signed in there or not (audited); a cashier cannot", async () => {
    const t = await storeWithStaff();
    for (let i = 0; i < 5; i++)
      await t.call("POST", "/lanes/2/login", { cashierId: "1002", pin: `111${i}` }, { source: "till-2" });
    expect(t.edge.staff.sessions.pinLockedUntil("1002")).toBeGreaterThan(0);
    const byCashier = await t.call(
      "POST",
      "/lanes/1/staff/1002/unlock",
      { supervisorId: "1001", pin: "1234" },
      { token: t.token, source: "till-1" },
    );
    expect([byCashier.status, byCashier.body.field]).toEqual([403, "supervisorId"]);
    const bySupervisor = await t.call(
      "POST",
      "/lanes/1/staff/1002/unlock",
      { supervisorId: "9001", pin: "9999" },
      { token: t.token, source: "till-1" },
    );
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body).toEqual({ cashierId: "1002", wasLocked: true });
    const r = await t.call(
      "POST",
      "/lanes/2/login",
      { cashierId: "1002", pin: "2468" },
      { source: "till-2" },
    );
    expect(r.status).toBe(200);
    const unlock = audits(t.edge).find((a) => a.action === "pin_unlocked")!;
    expect(unlock).toMatchObject({ cashierId: "1002", supervisorId: "9001" });
    expect(unlock.detail).toContain("till-1");
    // The locked cashier's till has nobody signed in: the unlock needs no session, only the
    // supervisor's code and PIN (under the same limits: a wrong one counts like any other).
    for (let i = 0; i < 5; i++)
      await t.call("POST", "/lanes/2/login", { cashierId: "1003", pin: `111${i}` }, { source: "till-2" });
    const open = await t.call("POST", "/lanes/2/staff/1003/unlock", sup("9999"), { source: "till-2" });
    expect(open.body).toEqual({ cashierId: "1003", wasLocked: true });
    const wrongSup = await t.call("POST", "/lanes/2/staff/1003/unlock", sup("0000"), { source: "till-2" });
    expect([wrongSup.status, wrongSup.body.field]).toEqual([403, "pin"]);
  });
});
