// A store before its catalog has come from HQ (just enrolled, re-enrolled, replaced) knows no
// cashier at all. Tills that keep trying to sign in until it arrives (the demo's traffic, a
// cashier pressing Enter) must not be taken for a device guessing codes: 503 "waiting for its
// catalog", never a wrong PIN, so the address is not throttled once the catalog is there.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import { EdgeError } from "../errors.ts";
import { applyPages, catalogItems, pagesOf, T0, tempDir, testConfig } from "../testing/fixtures.ts";

setDefaultTimeout(60_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

test("sign-ins before the catalog arrives are 503, not wrong PINs; once it is applied the same till signs in", async () => {
  const edge = new Edge({ dataDir: tempDir(), config: testConfig(), clock: manualClock(T0) });
  edges.push(edge);
  for (let i = 0; i < 30; i++) {
    const e = await edge.staff.login(i % 2 ? "2" : "1", i % 2 ? "1002" : "1001", "1234").then(
      () => undefined,
      (err) => err as EdgeError,
    );
    expect(e).toBeInstanceOf(EdgeError);
    expect(e!.code).toBe("unavailable");
  }
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 5 })));
  const r = await edge.staff.login("1", "1001", "1234");
  expect(r.session).toBeDefined();
  // An unknown code once the store has cashiers is still a wrong attempt (403).
  const unknown = await edge.staff.login("2", "7777", "1234").catch((err) => err as EdgeError);
  expect((unknown as EdgeError).code).toBe("forbidden");
});
