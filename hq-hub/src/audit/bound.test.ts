// An API write and its audit row commit together (bound.ts): no committed write without its row,
// no row saying a write committed that rolled back. Driven on a real libSQL file with the real
// audit log, the request scope as the router opens it.
import { afterAll, describe, expect, test } from "bun:test";
import { migrate, openDatabase, openDrizzle } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { bindAuditToWrites, type RequestAudit } from "./bound.ts";
import { createAuditLog, type WriteRecord } from "./log.ts";

const dir = tempDir("audit-bound-");
const db = openDatabase({ dataDir: dir.path });
const binding = bindAuditToWrites(db);
migrate(db);
db.exec("CREATE TABLE price_probe (sku TEXT PRIMARY KEY, price_fen INTEGER NOT NULL)");
const log = createAuditLog({ orm: openDrizzle(db), now: () => new Date("2026-12-07T10:00:00Z") });
let failAudit = false;
binding.attach({
  insert: (w) => {
    if (failAudit) throw new Error("disk full (audit)");
    return log.insert(w);
  },
  finish: log.finish,
});
afterAll(() => {
  db.close();
  dir.remove();
});

const base = (path: string): WriteRecord => ({
  actor: "admin",
  role: "hq_admin",
  method: "PUT",
  route: "/api/v1/probe/{sku}",
  tag: "probe",
  summary: "probe",
  path,
  status: 200,
  request: { priceFen: 1 },
});
const scopeOf = (path: string): RequestAudit => ({ base: () => base(path), closed: false });
const rowsAt = (path: string) =>
  db
    .prepare("SELECT status, error, after_json AS after FROM audit_log WHERE path = ? ORDER BY id")
    .all(path) as {
    status: number;
    error: string | null;
    after: string | null;
  }[];
const price = (sku: string) =>
  (db.prepare("SELECT price_fen AS p FROM price_probe WHERE sku = ?").get(sku) as { p: number } | undefined)
    ?.p;
const setPrice = db.prepare("INSERT OR REPLACE INTO price_probe (sku, price_fen) VALUES (?, ?)");

describe("audit rows bound to the write's transaction", () => {
  test("a committed write has its row, written in its transaction and completed with the answer", async () => {
    const ctx = scopeOf("/p/1");
    await binding.run(ctx, async () => {
      db.transaction(() => {
        setPrice.run("A", 100);
        // Inside the transaction the row is not there yet; it is its last statement.
        expect(rowsAt("/p/1")).toEqual([]);
      })();
      await Promise.resolve();
      db.transaction(() => setPrice.run("B", 200))(); // a second transaction: still one row
    });
    expect(ctx.rowId).toBeNumber();
    binding.finish(ctx, { status: 200, after: { sku: "A", priceFen: 100 } });
    expect(rowsAt("/p/1")).toEqual([{ status: 200, error: null, after: '{"sku":"A","priceFen":100}' }]);
    expect([price("A"), price("B")]).toEqual([100, 200]);
  });

  test("a write that rolls back leaves no row saying it committed: only the refusal's", async () => {
    const ctx = scopeOf("/p/2");
    await expect(
      binding.run(ctx, async () => {
        db.transaction(() => {
          setPrice.run("C", 300);
          throw new Error("price below cost");
        })();
      }),
    ).rejects.toThrow("price below cost");
    binding.finish(ctx, { status: 409, error: "price below cost" });
    expect(rowsAt("/p/2")).toEqual([{ status: 409, error: "price below cost", after: null }]);
    expect(price("C")).toBeUndefined();
  });

  test("when the audit row cannot be written, the write does not commit (a transaction or a single statement)", async () => {
    failAudit = true;
    try {
      await expect(
        binding.run(scopeOf("/p/3"), async () => {
          db.transaction(() => setPrice.run("D", 400))();
        }),
      ).rejects.toThrow("disk full (audit)");
      await expect(
        binding.run(scopeOf("/p/4"), async () => {
          setPrice.run("E", 500); // autocommit outside any transaction
        }),
      ).rejects.toThrow("disk full (audit)");
    } finally {
      failAudit = false;
    }
    expect([price("D"), price("E")]).toEqual([undefined, undefined]);
    expect([...rowsAt("/p/3"), ...rowsAt("/p/4")]).toEqual([]);
  });

  test("a single-statement write outside a transaction gets its row with it; writes outside a request none", async () => {
    const ctx = scopeOf("/p/5");
    await binding.run(ctx, async () => {
      setPrice.run("F", 600);
    });
    binding.finish(ctx, { status: 200, after: null });
    expect(rowsAt("/p/5").map((r) => r.status)).toEqual([200]);
    const before = (db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
    db.transaction(() => setPrice.run("G", 700))(); // ingest, timers: not an API write
    setPrice.run("H", 800);
    expect((db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n).toBe(before);
  });

  test("work a request started that writes after it answered is not counted as its write", async () => {
    const ctx = scopeOf("/p/6");
    let later: Promise<void> = Promise.resolve();
    await binding.run(ctx, async () => {
      later = new Promise((r) => setTimeout(r, 1)).then(() => {
        db.transaction(() => setPrice.run("I", 900))();
      });
    });
    binding.finish(ctx, { status: 200, after: null });
    await later;
    expect(rowsAt("/p/6").map((r) => r.status)).toEqual([200]); // the answer's row, written on its own
    expect(price("I")).toBe(900);
  });
});

describe("audit search reads indexes, never the whole log", () => {
  const page = { limit: 50, offset: 0 };
  const cases: [string, Parameters<typeof log.plan>[0]][] = [
    ["newest first, no filter", page],
    ["by actor", { ...page, actor: "admin" }],
    ["by folder", { ...page, tag: "probe" }],
    ["refused", { ...page, outcome: "refused" }],
    ["answered", { ...page, outcome: "ok" }],
    ["a time range", { ...page, from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" }],
    ["folder and time", { ...page, tag: "probe", from: "2026-12-01T00:00:00Z" }],
  ];
  test("newest first, no filter: the page walks ids down from the newest and stops (no sort), the total reads no row", () => {
    expect(log.plan(page)).toEqual({ rows: ["SCAN audit_log"], count: ["min/max of the primary key"] });
  });
  for (const [name, f] of cases.slice(1))
    test(`${name}: no SCAN of audit_log in the page or the total`, () => {
      const p = log.plan(f);
      const scans = [...p.rows, ...p.count].filter((d) => /^SCAN audit_log\b/.test(d));
      expect({ scans, p }).toMatchObject({ scans: [] });
    });

  test("refused and answered writes are found through the status index", () => {
    const refused = log.search({ ...page, outcome: "refused" }).rows.map((r) => r.path);
    expect(refused).toContain("/p/2");
    expect(log.search({ ...page, outcome: "ok" }).rows.every((r) => r.status === 200)).toBe(true);
  });

  test("the unfiltered total is the id span (rows are only appended), the same as count(*)", () => {
    const n = (db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
    expect(log.search({ limit: 1, offset: 0 }).total).toBe(n);
    expect(log.search({ limit: 1, offset: 0, tag: "probe" }).total).toBe(n);
  });
});
