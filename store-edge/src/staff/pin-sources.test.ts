// The per-source PIN limit: honest mistakes at a few codes from one address (a real till, or the
// demo where every browser till is 127.0.0.1) do not block the address; a flood, sequential or
// as a burst, stops at 2 locked codes; and the source's state is in edge.db, so closing and
// opening the database again (what a restart or a provoked crash does) keeps a throttled source
// throttled and keeps the count towards a throttle.
import { expect, test } from "bun:test";
import { join } from "node:path";
import type { Cashier } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import { pinSourceFailures, pinSourceThrottles } from "../db/schema.ts";
import { EdgeDb } from "../db.ts";
import { EdgeError } from "../errors.ts";
import { pinHash, T0, tempDir } from "../testing/fixtures.ts";
import { LaneSessions, MAX_WRONG_PINS } from "./sessions.ts";
import { type PinAudit, PinVerifier, pinSource } from "./verify-pin.ts";

const CODES = ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "9001"];
const RIGHT = "2468";
const hash = pinHash(RIGHT);
const staff = new Map<string, Cashier>(
  CODES.map((id) => [
    id,
    {
      id,
      name: `收银员${id}`,
      role: id === "9001" ? "supervisor" : "cashier",
      pinHash: hash,
      status: "active",
    },
  ]),
);

/** An edge process over the database file: the durable lockout and the PIN verifier. */
function opened(path: string, clock = manualClock(T0)) {
  const db = new EdgeDb(path);
  const sessions = new LaneSessions(db, clock);
  const audits: PinAudit[] = [];
  const pins = new PinVerifier({
    db,
    sessions,
    cashier: (id) => staff.get(id),
    clock,
    audit: (a) => audits.push(a),
    log: () => {},
  });
  /** One sign-in from `source`: "ok", or the refusal's status and field. */
  const signIn = async (source: string, cashierId: string, pin: string) => {
    try {
      await pinSource.run(source, () =>
        pins.verifyPin({ cashierId, pin, need: "staff", field: "cashierId", purpose: "sign_in", lane: "1" }),
      );
      return "ok";
    } catch (e) {
      if (!(e instanceof EdgeError)) throw e;
      return `${e.status} ${e.field}`;
    }
  };
  return { db, sessions, pins, audits, signIn, clock };
}

test("3 codes each mistyped once or twice from one address within the hour do not block it", async () => {
  const edge = opened(join(tempDir(), "edge.db"));
  const till = "127.0.0.1";
  // The cashier's own code, a supervisor's for an approval, a colleague's: one or two typos each,
  // then the right PIN; and twice over in the hour.
  for (let round = 0; round < 2; round++)
    for (const [code, typos] of [
      ["1001", 2],
      ["9001", 1],
      ["1002", 2],
    ] as const) {
      for (let i = 0; i < typos; i++) expect(await edge.signIn(till, code, "1111")).toBe("403 pin");
      expect(await edge.signIn(till, code, RIGHT)).toBe("ok");
      edge.clock.advance(60_000);
    }
  // 10 wrong PINs at 3 codes: every till behind the address still signs in, nobody is locked.
  for (const code of CODES) expect([code, await edge.signIn(till, code, RIGHT)]).toEqual([code, "ok"]);
  expect(edge.pins.state().sources.find((s) => s.source === till)!.throttledUntil).toBe(0);
  expect(edge.audits.filter((a) => a.action === "pin_source_throttled")).toEqual([]);
  edge.db.close();
});

test("a flood over 9 codes stops at 2 locked codes, sent one by one or all at once", async () => {
  for (const burst of [false, true]) {
    const edge = opened(join(tempDir(), "edge.db"));
    const rogue = "192.168.1.66";
    const tries = CODES.flatMap((code) => Array.from({ length: 10 }, (_, i) => [code, `000${i}`] as const));
    if (burst) await Promise.all(tries.map(([code, pin]) => edge.signIn(rogue, code, pin)));
    else for (const [code, pin] of tries) await edge.signIn(rogue, code, pin);
    const locked = CODES.filter((c) => edge.sessions.pinLockedUntil(c) > 0);
    expect([burst, locked.length <= 2]).toEqual([burst, true]);
    expect(await edge.signIn(rogue, "1008", RIGHT)).toBe("429 source");
    for (const code of CODES.filter((c) => !locked.includes(c)))
      expect([code, await edge.signIn("till-2", code, RIGHT)]).toEqual([code, "ok"]);
    edge.db.close();
  }
});

test("a throttled source stays throttled after edge.db is closed and opened again, and ends on the clock", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const rogue = "192.168.1.70";
  const first = opened(path, clock);
  for (const code of ["1001", "1002"])
    for (let i = 0; i < MAX_WRONG_PINS; i++) expect(await first.signIn(rogue, code, "0000")).toBe("403 pin");
  expect(await first.signIn(rogue, "1003", RIGHT)).toBe("429 source");
  first.db.close();

  // A new process: the address is still refused (the right PIN of an unlocked code included),
  // another till is not.
  clock.advance(60_000);
  const second = opened(path, clock);
  expect(second.db.d.select().from(pinSourceThrottles).all()).toEqual([
    { source: rogue, atMs: T0, untilMs: T0 + 5 * 60_000 },
  ]);
  expect(await second.signIn(rogue, "1003", RIGHT)).toBe("429 source");
  expect(await second.signIn("till-2", "1003", RIGHT)).toBe("ok");
  expect(second.pins.state().sources.find((s) => s.source === rogue)!.throttledUntil).toBe(T0 + 5 * 60_000);
  second.db.close();

  // The throttle ran out: the address signs in again; a new lock within 24 h throttles it for twice as long,
  // also across another restart.
  clock.set(T0 + 5 * 60_000);
  const third = opened(path, clock);
  expect(await third.signIn(rogue, "1003", RIGHT)).toBe("ok");
  expect(await third.signIn(rogue, "1004", "0000")).toBe("403 pin");
  third.db.close();
  const fourth = opened(path, clock);
  const r = await pinSource.run(rogue, () =>
    fourth.pins
      .verifyPin({ cashierId: "1003", pin: RIGHT, need: "staff", field: "cashierId", purpose: "sign_in" })
      .catch((e: EdgeError) => e.message),
  );
  expect(r).toContain("try again in 10 min");
  fourth.db.close();
});

test("the count towards a throttle survives a restart: one lock before, one after, throttled", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const rogue = "192.168.1.71";
  const first = opened(path, clock);
  for (let i = 0; i < MAX_WRONG_PINS; i++) expect(await first.signIn(rogue, "1001", "0000")).toBe("403 pin");
  first.db.close();
  clock.advance(60_000);
  const second = opened(path, clock);
  expect(
    second.db.d
      .select()
      .from(pinSourceFailures)
      .all()
      .filter((w) => w.locked),
  ).toEqual([{ source: rogue, atMs: T0, cashierId: "1001", locked: 1 }]);
  for (let i = 0; i < MAX_WRONG_PINS; i++) expect(await second.signIn(rogue, "1002", "0000")).toBe("403 pin");
  expect(await second.signIn(rogue, "1003", RIGHT)).toBe("429 source");
  expect(second.audits.map((a) => a.action)).toEqual(["pin_source_throttled", "pin_locked"]);
  second.db.close();
});
