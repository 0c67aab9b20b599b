// Issue 20 item 7 end to end, with real processes: the hub from its CLI (embedded broker), the
// edge from ours taking its periodic online backups while it sells; the box crashes after more
// sales HQ acked; the older backup is put back with `store-edge restore` and the store sells on.
// HQ must hold every sale of both databases exactly once, the store's seqs gapless, and no
// receipt number twice (docs/sync.md "Restored, replaced and re-enrolled edges").
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { tempDir, until } from "../testing/fixtures.ts";
import { runEdgeCli, stop } from "../testing/procs.ts";
import { hqQuery, hubForTills, localSales, salesAtHq } from "../testing/till.ts";

// Real processes on a shared CI machine: generous bounds, never a timed assertion.
setDefaultTimeout(240_000);

// A backup every 2 s from 1 s after the start (the appliance's default is hourly, after 5 min).
const bed = hubForTills({
  STORE_EDGE_BACKUP_INTERVAL_S: "2",
  STORE_EDGE_BACKUP_DELAY_S: "1",
  STORE_EDGE_BACKUP_KEEP: "100",
});
const { hubDir } = bed;

type Backups = {
  backup: {
    dir: string;
    backups: { file: string; lastSeq: number; ackedUpTo: number; integrity: string }[];
    last?: { ok: boolean; error?: string };
  };
};

describe("backup and restore of edge.db", () => {
  test("sell, backed up, sell more (acked at HQ), crash, restore the older backup, sell: every sale at HQ once, seqs gapless, no receipt number twice", async () => {
    const dir = tempDir("edge-bk-");
    const code = await bed.admin.addStore("S010");
    expect(
      (await runEdgeCli(["enroll", "--hq", bed.hub!.ready.http!, "--code", code, "--data", dir])).code,
    ).toBe(0);
    let till = await bed.startTill(dir);
    await till.signIn(true);
    await till.sell(6);
    await till.delivered();
    const soldBefore = (await till.status()).outbox.lastSeq;

    // The edge's own timer takes a backup that holds those sales (checked, listed in its status).
    let older = "";
    await until(
      async () => {
        const b = (await till.status<Backups>()).backup;
        expect(b.last?.error).toBeUndefined();
        older = b.backups.find((x) => x.lastSeq === soldBefore && x.integrity === "ok")?.file ?? "";
        return older !== "";
      },
      60_000,
      "a periodic backup holding the first sales",
    );
    const cli = await runEdgeCli(["status", "--data", dir]);
    expect(cli.out).toContain(older);

    // Not while the edge runs.
    const busy = await runEdgeCli(["restore", "--from", older, "--data", dir]);
    expect(busy.code).toBe(2);
    expect(busy.err).toContain("the edge is running");

    // The store sells on (backups keep coming while it does); HQ commits and acks all of it.
    await till.sell(7, 6);
    await till.delivered();
    const acked = (await till.status()).outbox.lastSeq;
    expect(acked).toBeGreaterThan(soldBefore);
    await until(
      async () => (await till.status<Backups>()).backup.backups.length >= 2,
      60_000,
      "more backups",
    );

    // The box crashes; the database is given up for the older backup.
    await stop(till.proc, "SIGKILL");
    const lost = localSales(join(dir, "edge.db"));
    expect(lost.length).toBe(13);
    const put = await runEdgeCli(["restore", "--from", older, "--data", dir]);
    expect(put.err).toBe("");
    expect(put.code).toBe(0);
    expect(put.out).toContain(`restored ${join(dir, "backups", older)}`);
    expect(localSales(join(dir, "edge.db")).length).toBe(6);

    // Started again, it says hello to HQ and sells on.
    till = await bed.startTill(dir);
    await till.signIn(false);
    await till.sell(5, 40);
    await till.delivered();
    const s = await till.status();
    expect(s.identity.restoredFrom?.file).toBe(older);
    expect(["behind", "diverged"]).toContain(s.identity.lastResync?.kind ?? "none");
    expect(s.identity.lastResync?.hqMaxSeq).toBe(acked);

    // HQ: both databases' sales, each once; nothing held, nothing dead-lettered.
    const restored = localSales(join(dir, "edge.db"));
    expect(restored.length).toBe(6 + 5);
    const union = new Map([...lost, ...restored]);
    expect(union.size).toBe(13 + 5);
    const held = salesAtHq(hubDir, "S010");
    expect(held.sales).toEqual([...union.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    expect(held.conflicts).toBe(0);
    expect(held.deadLetters).toEqual([]);
    // One gapless run of seqs, each once: the restored edge numbered its events above HQ's.
    expect(held.seqs).toEqual(Array.from({ length: s.outbox.lastSeq }, (_, i) => i + 1));
    expect(s.outbox.lastSeq).toBeGreaterThan(acked);
    // No receipt number printed twice (the lost database's today's numbers are not re-used).
    expect(
      hqQuery(
        hubDir,
        "SELECT receipt_no FROM sales WHERE store_id = 'S010' GROUP BY receipt_no HAVING count(*) > 1",
      ),
    ).toEqual([]);
    // HQ's fleet view shows the restore for a person, with nothing lost.
    const alerts = await bed.admin.call<{ kind: string; lost: unknown[] }[]>(
      "GET",
      "/api/v1/fleet/resyncs?store=S010",
    );
    expect(alerts.length).toBe(1);
    expect(alerts[0]!.lost).toEqual([]);
    await stop(till.proc);
  });
});
