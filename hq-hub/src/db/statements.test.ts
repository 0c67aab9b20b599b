// The hub's drizzle queries share one native statement per SQL text. libsql never frees a
// prepared statement (tursodatabase/libsql-js#153, ~3-7 KB native each) and drizzle prepares
// one on every call of a query not built with `.prepare()`: without the cache every API read
// and every run of the periodic jobs (the 1 s coupon "spent" sync, member syncs) left native
// memory behind forever. Counted here at the handle: the native prepares stay bounded by the
// distinct SQL texts however many times the jobs and reads run.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { api, startTestHub } from "../test-kit.ts";
import { openDrizzle } from "./open.ts";

setDefaultTimeout(120_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.cleanup();
});

/** Counts the native statements the handle prepares while `fn` runs. */
async function nativePrepares(fn: () => Promise<void> | void): Promise<number> {
  const db = hub.db;
  const own = Object.getOwnPropertyDescriptor(db, "prepare");
  const prepare = db.prepare;
  let n = 0;
  // biome-ignore lint/suspicious/noExplicitAny: counting the handle's own prepares
  (db as any).prepare = function (this: unknown, sql: string) {
    n++;
    return prepare.call(db, sql);
  };
  try {
    await fn();
  } finally {
    if (own) Object.defineProperty(db, "prepare", own);
    // biome-ignore lint/suspicious/noExplicitAny: back to the prototype's prepare
    else delete (db as any).prepare;
  }
  return n;
}

test("periodic jobs and API reads run thousands of times on a bounded number of native statements", async () => {
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      hub.coupons.syncSpent("system");
      hub.syncMembers("system");
      hub.stock.ledgerIndex.catchUp();
      if (i % 10 === 0) {
        expect((await api(hub, "GET", "/api/v1/stores")).status).toBe(200);
        expect((await api(hub, "GET", "/api/v1/changesets")).status).toBe(200);
      }
    }
  };
  // The first rounds prepare each distinct SQL text once (and warm whatever is lazy).
  await nativePrepares(() => rounds(50));
  const later = await nativePrepares(() => rounds(2000));
  // 2000 more rounds: a handful of texts at most (none, once every text is cached), not one
  // per call (~6,400 native statements before the cache).
  expect(later).toBeLessThan(20);
});

test("the hub's drizzle is cached per handle and answers like the handle", () => {
  const orm = openDrizzle(hub.db);
  expect(openDrizzle(hub.db)).toBe(orm);
  expect(orm.all<{ n: number }>("SELECT 41 + 1 AS n")).toEqual([{ n: 42 }]);
});
