// A restored, replaced or re-enrolled edge loses nothing (issue 13 item 3), with real processes:
// the HQ hub spawned from its CLI (embedded aedes broker), edges spawned from ours over MQTT,
// enrolled with one-time codes and selling over HTTP. HQ must end up holding every sale of
// every edge database exactly once (ids and totals compared with the databases themselves).
import { Database } from "bun:sqlite";
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./testing/fixtures.ts";
import { HubAdmin, runEdgeCli, startHub, stop } from "./testing/procs.ts";
import { hqQuery, hubForTills, localSales, salesAtHq } from "./testing/till.ts";

// Real brokers and processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(240_000);

const bed = hubForTills();
const { hubDir } = bed;
const startTill = (dir: string) => bed.startTill(dir);

async function enroll(dir: string, code: string) {
  const r = await runEdgeCli(["enroll", "--hq", bed.hub!.ready.http!, "--code", code, "--data", dir]);
  expect(r.code).toBe(0);
}

const hq = <T>(sql: string): T[] => hqQuery<T>(hubDir, sql);
const atHq = (storeId: string) => salesAtHq(hubDir, storeId);

type ResyncRow = { kind: string; lost: { from: number; to: number }[]; storeId: string };

describe("a restored, replaced or re-enrolled edge loses nothing", () => {
  test("the mini-PC is replaced: a fresh edge.db enrolled again sells on; HQ holds both machines' sales once", async () => {
    const dirA = tempDir("edge-a-");
    await enroll(dirA, await bed.admin.addStore("S001"));
    const a = await startTill(dirA);
    await a.signIn(true);
    await a.sell(12);
    await a.delivered();
    const firstSeqs = (await a.status()).outbox.lastSeq;
    await stop(a.proc, "SIGKILL");

    // A new data directory (a replaced mini-PC), enrolled again with a new code.
    const { code } = await bed.admin.call<{ code: string }>("POST", "/api/v1/stores/S001/enrollment-code");
    const dirB = tempDir("edge-b-");
    await enroll(dirB, code);
    const b = await startTill(dirB);
    await b.signIn(true);
    await b.sell(9, 100);
    await b.delivered();

    const expected = [...localSales(join(dirA, "edge.db")), ...localSales(join(dirB, "edge.db"))].sort(
      (x, y) => (x[0] < y[0] ? -1 : 1),
    );
    expect(expected.length).toBe(21);
    const held = atHq("S001");
    expect(held.sales).toEqual(expected);
    expect(held.conflicts).toBe(0);
    expect(held.deadLetters).toEqual([]);
    // Nor did it print again today's receipt numbers of the machine it replaces.
    expect(
      hq<{ receipt_no: string }>(
        "SELECT receipt_no FROM sales WHERE store_id = 'S001' GROUP BY receipt_no HAVING count(*) > 1",
      ),
    ).toEqual([]);
    // The new database numbered its events above HQ's: one gapless run, each seq once.
    const s = await b.status();
    expect(held.seqs).toEqual(Array.from({ length: s.outbox.lastSeq }, (_, i) => i + 1));
    expect(held.seqs.length).toBeGreaterThan(firstSeqs);
    // The store is told (edge status), and HQ shows a fleet alert for a person.
    expect(s.identity.lastResync?.kind).toBe("behind");
    expect(s.identity.lastResync?.hqMaxSeq).toBe(firstSeqs);
    const alerts = await bed.admin.call<ResyncRow[]>("GET", "/api/v1/fleet/resyncs?store=S001");
    expect(alerts.map((r) => r.kind).sort()).toEqual(["re_enrolled", "replaced"]);
    expect(alerts.every((r) => r.lost.length === 0)).toBe(true);
    const fleet = await bed.admin.call<{ storeId: string; instanceId?: string; openResyncs: number }[]>(
      "GET",
      "/api/v1/fleet",
    );
    expect(fleet.find((f) => f.storeId === "S001")).toMatchObject({
      instanceId: s.identity.instanceId,
      openResyncs: 2,
    });
    await stop(b.proc);
  });

  test("a backup put back while HQ holds later seqs, selling offline before it reconnects: every sale of both databases at HQ once", async () => {
    const dir = tempDir("edge-c-");
    await enroll(dir, await bed.admin.addStore("S002"));
    let c = await startTill(dir);
    await c.signIn(true);
    await c.sell(8);
    await c.delivered();
    // The nightly backup: a consistent copy of the live database.
    const backup = join(tempDir("backup-"), "edge.db");
    const live = new Database(join(dir, "edge.db"));
    live.exec(`VACUUM INTO '${backup}'`);
    live.close();
    // The store sells on; HQ commits and acks all of it.
    await c.sell(7, 8);
    await c.delivered();
    const hqHeldBefore = atHq("S002").seqs.length;
    // The disk dies (kill -9); what the lost database sold is known only to it and to HQ.
    await stop(c.proc, "SIGKILL");
    const lost = localSales(join(dir, "edge.db"));
    expect(lost.length).toBe(15);

    // The backup is put back while HQ is unreachable, and the store sells before it reconnects.
    for (const f of ["edge.db", "edge.db-wal", "edge.db-shm"]) rmSync(join(dir, f), { force: true });
    copyFileSync(backup, join(dir, "edge.db"));
    await stop(bed.hub);
    c = await startTill(dir);
    await c.signIn(false);
    expect((await c.status()).link.state).not.toBe("online");
    await c.sell(6, 40);
    expect((await c.status()).outbox.lastSeq).toBeLessThan(hqHeldBefore);
    bed.hub = await startHub(hubDir, bed.mqttPort);
    bed.admin = new HubAdmin(bed.hub.ready.http!);
    await c.delivered();

    const restored = localSales(join(dir, "edge.db"));
    expect(restored.length).toBe(8 + 6);
    const union = new Map([...lost, ...restored]);
    expect(union.size).toBe(15 + 6);
    const expected = [...union.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const held = atHq("S002");
    expect(held.sales).toEqual(expected);
    expect(held.conflicts).toBe(0);
    expect(held.deadLetters).toEqual([]);
    expect(new Set(held.seqs).size).toBe(held.seqs.length);
    // Told at the store and at HQ; nothing had to be listed as lost.
    const s = await c.status();
    expect(s.identity.lastResync?.kind).toBe("diverged");
    expect(s.identity.lastResync?.moved).toBeGreaterThanOrEqual(6);
    const alerts = await bed.admin.call<ResyncRow[]>("GET", "/api/v1/fleet/resyncs?store=S002");
    expect(alerts.map((r) => r.kind)).toEqual(["diverged"]);
    expect(alerts[0]!.lost).toEqual([]);
    await stop(c.proc);
  });
});
