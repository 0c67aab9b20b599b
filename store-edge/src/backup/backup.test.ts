// Backups of edge.db taken while the edge sells, and putting one back: the copy is whole and
// checked, the timer's child process lists it in the status, a restore refuses what the
// restored-edge handshake cannot repair. The end-to-end proof with HQ is backup-restore.test.ts.

import { Database } from "bun:sqlite";
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrationFiles } from "../db.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, tempDir, testConfig } from "../testing/fixtures.ts";
import { BackupError, inspectDb, takeBackup } from "./copy.ts";
import { listBackups } from "./job.ts";
import { restoreFrom } from "./restore.ts";

setDefaultTimeout(60_000);

const open: Edge[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.stop();
});

async function sellingEdge(
  dataDir = tempDir("bk-"),
  backup?: Partial<ReturnType<typeof testConfig>["backup"]>,
) {
  const edge = await readyEdge({
    products: 30,
    dataDir,
    ...(backup ? { config: { backup: { ...testConfig().backup, ...backup } } } : {}),
  });
  open.push(edge);
  await openLane(edge);
  return edge;
}

async function sell(edge: Edge, n: number) {
  for (let i = 0; i < n; i++) {
    await edge.scanner.scan("1", gtinOf(1 + (i % 20)));
    edge.sales.tenderCash("1", 1_000_000);
  }
}

function saleIds(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .query<{ sale_id: string }, []>("SELECT sale_id FROM sales ORDER BY sale_id")
      .all()
      .map((r) => r.sale_id);
  } finally {
    db.close();
  }
}

/** The error a call throws, as `field: message`. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof BackupError) return `${e.field}: ${e.message}`;
    throw e;
  }
  throw new Error("not refused");
}

describe("backups of edge.db", () => {
  test("a copy of a live edge is whole, checked, described by its manifest; the newest N are kept", async () => {
    const edge = await sellingEdge();
    await sell(edge, 5);
    const dir = join(edge.options.dataDir, "backups");
    let t = Date.parse("2026-12-07T10:00:00Z");
    const first = takeBackup({ dataDir: edge.options.dataDir, dir, keep: 2, now: () => t });
    expect(first).toMatchObject({ integrity: "ok", lastSeq: edge.outbox.stats(0).lastSeq, ackedUpTo: 0 });
    expect(first.instanceId).toBe(edge.outbox.instanceId);
    expect(saleIds(join(dir, first.file))).toEqual(saleIds(join(edge.options.dataDir, "edge.db")));
    expect(saleIds(join(dir, first.file)).length).toBe(5);
    // More sales, two more backups: the oldest goes, its manifest with it.
    await sell(edge, 3);
    t += 3600_000;
    takeBackup({ dataDir: edge.options.dataDir, dir, keep: 2, now: () => t });
    t += 3600_000;
    const third = takeBackup({ dataDir: edge.options.dataDir, dir, keep: 2, now: () => t });
    const listed = listBackups(dir);
    expect(listed.map((m) => m.file)).toEqual([third.file, backupAfter(first.file)]);
    expect(readdirSync(dir).sort()).toEqual(listed.flatMap((m) => [m.file, `${m.file}.json`]).sort());
    expect(saleIds(join(dir, third.file)).length).toBe(8);
  });

  test("the timer's `store-edge backup` child process copies while the lane sells; the status lists it", async () => {
    const edge = await sellingEdge(undefined, { intervalSeconds: 3600, keep: 5 });
    await sell(edge, 3);
    let soldDuring = 0;
    let copying = true;
    const run = edge.backups.runNow().finally(() => {
      copying = false;
    });
    // The lane keeps selling while the child copies (it is another process, not this loop).
    while (copying && soldDuring < 200) {
      await sell(edge, 1);
      soldDuring++;
    }
    const outcome = await run;
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(soldDuring).toBeGreaterThan(0);
    const s = edge.status().backup!;
    expect(s.running).toBe(false);
    expect(s.backups.length).toBe(1);
    expect(s.backups[0]).toMatchObject({ file: outcome.file, integrity: "ok" });
    expect(s.backups[0]!.lastSeq).toBeGreaterThanOrEqual(3);
    const copy = saleIds(join(s.dir, outcome.file!));
    expect(copy.length).toBeGreaterThanOrEqual(3);
    // Every sale in the copy is one the edge committed (a consistent snapshot, nothing half).
    const live = new Set(saleIds(join(edge.options.dataDir, "edge.db")));
    expect(copy.every((id) => live.has(id))).toBe(true);
  });

  test("a failing copy is reported in the status, not listed", async () => {
    const edge = await sellingEdge(undefined, { dir: "backups" });
    // The backup folder is a file: the child fails and says why.
    writeFileSync(join(edge.options.dataDir, "backups"), "not a folder");
    const outcome = await edge.backups.runNow();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBeTruthy();
    expect(edge.status().backup).toMatchObject({ backups: [], last: { ok: false } });
  });
});

describe("store-edge restore", () => {
  test("refuses garbage, another store's copy, a newer build's copy, a running edge and unacked events", async () => {
    const edge = await sellingEdge();
    await sell(edge, 4);
    const dataDir = edge.options.dataDir;
    const b = takeBackup({ dataDir, dir: join(dataDir, "backups"), keep: 3 });
    const from = join(dataDir, "backups", b.file);
    const lastSeq = edge.outbox.stats(0).lastSeq; // the shift and the 4 sales
    await edge.stop();
    open.length = 0;
    const base = { dataDir, migrations: migrationFiles().length };

    const garbage = join(tempDir("junk-"), "edge.db");
    writeFileSync(garbage, "this is not a database".repeat(100));
    expect(refusal(() => restoreFrom({ ...base, from: garbage }))).toMatch(
      /^file: .*not (readable as SQLite|an edge database)/,
    );
    const empty = join(tempDir("empty-"), "x.db");
    new Database(empty).close();
    expect(refusal(() => restoreFrom({ ...base, from: empty }))).toMatch(/^file: .*not an edge database/);
    expect(refusal(() => restoreFrom({ ...base, from: join(dataDir, "nope.db") }))).toMatch(/no such file/);
    expect(refusal(() => restoreFrom({ ...base, from, storeId: "S999" }))).toBe(
      `from: ${from} is a backup of store DEMO, this edge is store S999`,
    );
    expect(refusal(() => restoreFrom({ ...base, from, migrations: 3 }))).toMatch(
      /^from: .* made by a newer store-edge/,
    );
    // A running edge (its run.json names a live `store-edge ... serve` process).
    const edgeLike = Bun.spawn(["sh", "-c", "sleep 30", "store-edge", "serve"]);
    // Right after the fork the child is still bun (exec not done yet): in CI the check read that
    // and saw no edge. Wait until the process is the `sh ... store-edge serve` it will be.
    const isEdgeLike = () =>
      readFileSync(`/proc/${edgeLike.pid}/cmdline`, "utf8")
        .split("\0")
        .filter(Boolean)
        .slice(-2)
        .join(" ") === "store-edge serve";
    for (let i = 0; i < 200 && !isEdgeLike(); i++) await Bun.sleep(25);
    writeFileSync(
      join(dataDir, "run.json"),
      JSON.stringify({ pid: edgeLike.pid, http: "http://127.0.0.1:1" }),
    );
    expect(refusal(() => restoreFrom({ ...base, from }))).toMatch(/^data: the edge is running \(pid \d+/);
    edgeLike.kill();
    await edgeLike.exited;
    // A run.json left by a kill -9 whose pid now belongs to another program is not an edge.
    const other = Bun.spawn(["sleep", "30"]);
    writeFileSync(join(dataDir, "run.json"), JSON.stringify({ pid: other.pid, http: "http://127.0.0.1:1" }));
    expect(refusal(() => restoreFrom({ ...base, from }))).toStartWith("force: ");
    other.kill();
    await other.exited;
    // The database in use never reached HQ (unenrolled: nothing acked): its events would be lost.
    expect(refusal(() => restoreFrom({ ...base, from }))).toStartWith(
      `force: the database in use holds ${lastSeq} event(s) HQ has not acked (seq 1..${lastSeq})`,
    );
    expect(existsSync(join(dataDir, "edge.db"))).toBe(true);
    // With --force: put back; the database in use kept aside whole.
    const before = saleIds(join(dataDir, "edge.db"));
    const r = restoreFrom({ ...base, from, force: true });
    expect(r.setAside).toBeTruthy();
    expect(saleIds(r.setAside!)).toEqual(before);
    expect(inspectDb(join(dataDir, "edge.db")).instanceId).toBe(b.instanceId);
  });

  test("a restored copy opens as the same instance, says where it came from, and numbers receipts above the lost database's", async () => {
    const dataDir = tempDir("bk-");
    let edge = await sellingEdge(dataDir);
    await sell(edge, 2);
    const b = takeBackup({ dataDir, dir: join(dataDir, "backups"), keep: 3 });
    await sell(edge, 3);
    const receiptsLost = receiptNos(join(dataDir, "edge.db"));
    const instance = edge.outbox.instanceId;
    await edge.stop();
    open.length = 0;
    restoreFrom({
      dataDir,
      from: join(dataDir, "backups", b.file),
      migrations: migrationFiles().length,
      force: true,
    });
    edge = await sellingEdge(dataDir);
    expect(edge.outbox.instanceId).toBe(instance);
    expect(edge.status().identity.restoredFrom).toMatchObject({ file: b.file });
    await sell(edge, 2);
    const after = receiptNos(join(dataDir, "edge.db"));
    expect(after.length).toBe(4);
    // The 2 sales after the restore took numbers the lost database did not print.
    const fresh = after.filter((n) => !receiptNos(join(dataDir, "backups", b.file)).includes(n));
    expect(fresh.length).toBe(2);
    for (const n of fresh) expect(receiptsLost).not.toContain(n);
  });
});

function receiptNos(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .query<{ receipt_no: string }, []>("SELECT receipt_no FROM sales ORDER BY receipt_no")
      .all()
      .map((r) => r.receipt_no);
  } finally {
    db.close();
  }
}

/** The file name of the backup taken one hour after `file`'s. */
function backupAfter(file: string): string {
  return file.replace(/T10/, "T11");
}
