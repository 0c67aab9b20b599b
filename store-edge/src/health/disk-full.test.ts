// A full disk under a real edge process: its data dir on a small tmpfs the test fills. The
// sale is refused with a typed error the till words (storage_full, 507), nothing of it is
// written, the log stays bounded however often the till retries, store status says the disk
// is full, and once space is freed the same basket sells. Needs root to mount the tmpfs.
import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "bun";
import Database from "libsql";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import { applyPages, catalogItems, gtinOf, pagesOf, testConfig } from "../testing/fixtures.ts";
import { type Proc, startEdge, stop } from "../testing/procs.ts";

const root = mkdtempSync(join(tmpdir(), "edge-diskfull-"));
const mnt = join(root, "data");
mkdirSync(mnt);
const mounted =
  process.getuid?.() === 0 &&
  spawnSync(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt]).exitCode === 0;
if (!mounted)
  console.log("disk-full.test.ts: skipped: mounting a tmpfs needs root (mount -t tmpfs failed or not root)");

let edge: Proc | undefined;
afterAll(async () => {
  await stop(edge, "SIGKILL");
  if (mounted) spawnSync(["umount", "-l", mnt]);
  rmSync(root, { recursive: true, force: true });
});

/** Fills the filesystem of `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, "filler.bin");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (let size = chunk.length; size >= 1; ) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch {
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

test.skipIf(!mounted)(
  "disk full: sale refused in words (507 storage_full), nothing half-written, bounded log, status says so; freed: the same basket sells",
  async () => {
    const seed = new Edge({ dataDir: mnt, config: testConfig(), clock: manualClock(Date.now()) });
    applyPages(seed, pagesOf("snapshot", 1, 0, catalogItems({ products: 50 })));
    await seed.stop();
    edge = await startEdge(mnt);
    const http = `${edge.ready.http}/api/v1`;
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${http}${path}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const login = await call("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
    const token = login.body.session.token as string;
    expect((await call("POST", "/lanes/1/shift/open", { float: 10000 }, token)).status).toBe(200);
    for (const i of [1, 2, 3])
      expect((await call("POST", "/lanes/1/scan", { code: gtinOf(i) }, token)).status).toBe(200);
    const due = (await call("GET", "/lanes/1", undefined, token)).body.due as number;
    expect(due).toBeGreaterThan(0);

    const filler = fill(mnt);
    expect(statfsSync(mnt).bavail).toBe(0);
    const logBefore = edge.stderr().length;
    // The till retries, as a cashier pressing 收款 again and again would.
    for (let i = 0; i < 200; i++) {
      const r = await call("POST", "/lanes/1/tenders", { kind: "cash", received: due }, token);
      expect(r.status).toBe(507);
      expect(r.body).toMatchObject({ error: "storage_full", field: "storage", reason: "full" });
    }
    const logged = edge.stderr().slice(logBefore);
    // Once per minute with a count, not 200 stack traces.
    expect(logged.split("\n").filter((l) => l.includes("SQLITE_FULL")).length).toBeLessThanOrEqual(1);
    expect(logged.length).toBeLessThan(2000);
    const status = (await call("GET", "/status")).body;
    expect(status.storage).toMatchObject({ state: "full", lastError: "SQLITE_FULL" });
    expect(status.storage.failures).toBeGreaterThanOrEqual(200);
    // The basket is still on the till.
    const view = (await call("GET", "/lanes/1", undefined, token)).body;
    expect(view.cart.lines.length).toBe(3);
    expect(view.due).toBe(due);

    rmSync(filler);
    const sold = await call("POST", "/lanes/1/tenders", { kind: "cash", received: due }, token);
    expect(sold.status).toBe(200);
    expect(sold.body.sale.totals.net).toBe(due);
    expect(sold.body.sale.lines.length).toBe(3);
    expect((await call("GET", "/status")).body.storage).toMatchObject({ state: "ok" });
    await stop(edge);

    // Nothing of the 200 refused attempts is in the database: one sale, one event, one receipt number.
    const db = new Database(join(mnt, "edge.db"));
    const one = (q: string) => (db.prepare(q).get() as { n: number }).n;
    expect(one("SELECT count(*) AS n FROM sales")).toBe(1);
    expect(one("SELECT count(*) AS n FROM sale_lines")).toBe(3);
    expect(one("SELECT count(*) AS n FROM outbox WHERE type = 'sale.completed'")).toBe(1);
    expect((db.prepare("SELECT receipt_no AS r FROM sales").get() as { r: string }).r).toBe(
      sold.body.sale.receiptNo,
    );
    expect(sold.body.sale.receiptNo.endsWith("0001")).toBe(true);
    db.close();
  },
  60_000,
);
