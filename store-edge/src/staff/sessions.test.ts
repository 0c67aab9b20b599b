// The PIN lockout is durable: the count of wrong PINs and the lock are in edge.db
// (cashier_pin_failures), so closing the database and opening it again (what a restart or a
// power cut does) neither clears a lock nor the count towards one. Times come from the clock.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { manualClock } from "../clock.ts";
import { cashierPinFailures } from "../db/schema.ts";
import { EdgeDb } from "../db.ts";
import { EdgeError, forbidden } from "../errors.ts";
import { T0, tempDir } from "../testing/fixtures.ts";
import { LaneSessions, LOCK_MS, MAX_WRONG_PINS } from "./sessions.ts";

const PIN = "1234";
/** What the sign-in's check does: a wrong PIN is a 403 on "pin". */
const verify = (pin: string) => async () => {
  if (pin !== PIN) throw forbidden("pin", "wrong PIN");
  return "ok";
};

/** The answer of one guarded check: "ok", or the refusal's field and message. */
async function attempt(s: LaneSessions, pin: string, cashierId = "1001") {
  try {
    return await s.guardPin(cashierId, verify(pin));
  } catch (e) {
    if (!(e instanceof EdgeError)) throw e;
    return { status: e.status, field: e.field, message: e.message };
  }
}

function opened(path: string, clock = manualClock(T0), lockMs?: number) {
  const db = new EdgeDb(path);
  return { db, s: new LaneSessions(db, clock, undefined, undefined, lockMs) };
}

test("a lock set by 5 wrong PINs is still in force after edge.db is closed and opened again, and ends after LOCK_MS on the clock", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const first = opened(path, clock);
  for (let i = 0; i < MAX_WRONG_PINS; i++)
    expect(await attempt(first.s, "0000")).toMatchObject({ status: 403, field: "pin" });
  expect(await attempt(first.s, PIN)).toMatchObject({ status: 403, field: "attempts" });
  first.db.close();

  // A new process over the same file: the right PIN is still refused, with the same words.
  clock.advance(60_000);
  const second = opened(path, clock);
  expect(second.db.d.select().from(cashierPinFailures).all()).toEqual([
    { cashierId: "1001", count: 5, lockedUntilMs: T0 + LOCK_MS, updatedAt: new Date(T0).toISOString() },
  ]);
  expect(await attempt(second.s, PIN)).toEqual({
    status: 403,
    field: "attempts",
    message: "attempts: 5 wrong PINs in a row for 1001: try again in 4 min",
  });
  // Another cashier's code is not locked.
  expect(await attempt(second.s, PIN, "9001")).toBe("ok");
  // Still locked one millisecond before LOCK_MS has passed; open at LOCK_MS.
  clock.set(T0 + LOCK_MS - 1);
  expect(await attempt(second.s, PIN)).toMatchObject({
    field: "attempts",
    message: expect.stringContaining("1 min"),
  });
  second.db.close();
  clock.set(T0 + LOCK_MS);
  const third = opened(path, clock);
  expect(await attempt(third.s, PIN)).toBe("ok");
  // The right PIN removed the row: nothing is stored for a code in good standing.
  expect(third.db.d.select().from(cashierPinFailures).all()).toEqual([]);
  third.db.close();
});

test("the count towards a lock survives a restart; a right PIN before the 5th resets it", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const a = opened(path, clock);
  for (let i = 0; i < MAX_WRONG_PINS - 1; i++) await attempt(a.s, "0000");
  a.db.close();
  // 4 before the restart + 1 after = 5 in a row: locked.
  const b = opened(path, clock);
  expect(await attempt(b.s, "0000")).toMatchObject({ field: "pin" });
  expect(await attempt(b.s, PIN)).toMatchObject({ field: "attempts" });
  b.db.close();

  // 4 wrong, the right one, 4 wrong (with restarts in between): no lock.
  const path2 = join(tempDir(), "edge.db");
  let c = opened(path2, clock);
  for (let i = 0; i < MAX_WRONG_PINS - 1; i++) await attempt(c.s, "0000");
  c.db.close();
  c = opened(path2, clock);
  expect(await attempt(c.s, PIN)).toBe("ok");
  c.db.close();
  c = opened(path2, clock);
  expect(c.db.d.select().from(cashierPinFailures).all()).toEqual([]);
  for (let i = 0; i < MAX_WRONG_PINS - 1; i++)
    expect(await attempt(c.s, "0000")).toMatchObject({ field: "pin" });
  c.db.close();
  c = opened(path2, clock);
  expect(await attempt(c.s, PIN)).toBe("ok");
  c.db.close();
});

test("a lock that ran out is ignored after a restart: a fresh count of 5", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const a = opened(path, clock);
  for (let i = 0; i < MAX_WRONG_PINS; i++) await attempt(a.s, "0000");
  a.db.close();
  clock.advance(LOCK_MS + 1);
  const b = opened(path, clock);
  // 4 wrong after the old lock ran out do not lock again.
  for (let i = 0; i < MAX_WRONG_PINS - 1; i++)
    expect(await attempt(b.s, "0000")).toMatchObject({ field: "pin" });
  expect(await attempt(b.s, PIN)).toBe("ok");
  b.db.close();
});

test("a burst after a restart gets no more tries than 5; checks in flight still count", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const a = opened(path, clock);
  await attempt(a.s, "0000");
  await attempt(a.s, "0000");
  a.db.close();
  const b = opened(path, clock);
  const slowWrong = () => Bun.sleep(20).then(verify("0000"));
  const burst = await Promise.all(
    Array.from({ length: 6 }, () => b.s.guardPin("1001", slowWrong).catch((e: EdgeError) => e.field)),
  );
  // 2 stored + 3 in flight reach the limit: the other 3 are refused unchecked.
  expect(burst.filter((f) => f === "pin")).toHaveLength(3);
  expect(burst.filter((f) => f === "attempts")).toHaveLength(3);
  expect(await attempt(b.s, PIN)).toMatchObject({ field: "attempts" });
  b.db.close();
});

test("a configured lock time is used; a lock far ahead of the clock (the clock went back) is cut to one lock time", async () => {
  const path = join(tempDir(), "edge.db");
  const clock = manualClock(T0);
  const a = opened(path, clock, 30_000);
  for (let i = 0; i < MAX_WRONG_PINS; i++) await attempt(a.s, "0000");
  expect(a.db.d.select().from(cashierPinFailures).get()?.lockedUntilMs).toBe(T0 + 30_000);
  clock.advance(30_000);
  expect(await attempt(a.s, PIN)).toBe("ok");
  a.db.close();

  const b = opened(path, clock);
  for (let i = 0; i < MAX_WRONG_PINS; i++) await attempt(b.s, "0000");
  b.db.close();
  clock.set(T0 - 24 * 3600_000); // the store's clock set back a day
  const c = opened(path, clock);
  expect(await attempt(c.s, PIN)).toMatchObject({
    field: "attempts",
    message: expect.stringContaining("5 min"),
  });
  clock.advance(LOCK_MS);
  expect(await attempt(c.s, PIN)).toBe("ok");
  c.db.close();
});
