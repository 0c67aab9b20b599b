// `npm run bench -- edge-backup`: does a backup of edge.db make a cashier wait? A lane rings up
// (a scan every 5 ms, a durable cash sale every 5th scan, laneWhile) on an edge holding a
// catalog of BACKUP_BENCH_SKUS products and a few thousand sales, and each write is timed from
// when it was due, so a stalled event loop counts in full. Measured three ways in one run: no
// backup (the peer), backups taken the way the edge takes them (`store-edge backup` in a child
// process, job.ts), and the rejected design (VACUUM INTO on the edge's own connection).
import { statSync } from "node:fs";
import { join } from "node:path";
import type { BenchRow } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import {
  applyPages,
  catalogItems,
  gtinOf,
  laneWhile,
  openLane,
  pagesOf,
  T0,
  tempDir,
  testConfig,
} from "../testing/fixtures.ts";

const SKUS = Number(process.env.BACKUP_BENCH_SKUS ?? 30_000);
const SALES = Number(process.env.BACKUP_BENCH_SALES ?? 3_000);
const ROUNDS = 3;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!,
    max: s[s.length - 1]!,
  };
}

export async function benchBackup(): Promise<BenchRow[]> {
  const dataDir = tempDir("backup-bench-");
  const edge = new Edge({
    dataDir,
    config: testConfig({ backup: { intervalSeconds: 0, keep: 2, startDelaySeconds: 0 } }),
    clock: manualClock(T0),
  });
  try {
    applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: SKUS, promotions: 50 })));
    await openLane(edge);
    for (let i = 0; i < SALES; i++) {
      for (let k = 0; k < 3; k++) await edge.scanner.scan("1", gtinOf(1 + ((i * 3 + k) % SKUS)));
      edge.sales.tenderCash("1", 10_000_000);
    }
    edge.db.raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const mb = statSync(join(dataDir, "edge.db")).size / 1048576;

    let tookMs = 0;
    const t0 = performance.now();
    const child = await laneWhile(
      edge,
      (async () => {
        for (let r = 0; r < ROUNDS; r++) {
          const out = await edge.backups.runNow();
          if (!out.ok) throw new Error(`backup failed: ${out.error}`);
          tookMs += out.tookMs;
        }
      })(),
      { skus: 1000 },
    );
    // The peer: the same lane for as long, no backup (the machine's own noise in the same run).
    const quiet = await laneWhile(edge, Bun.sleep(performance.now() - t0), { skus: 1000 });
    const inProcess = await laneWhile(
      edge,
      (async () => {
        for (let r = 0; r < ROUNDS; r++) {
          await Bun.sleep(200);
          // The rejected design: the copy on the edge's own connection and thread.
          edge.db.raw.prepare("VACUUM INTO ?").run(join(tempDir("backup-bench-peer-"), "copy.db"));
        }
      })(),
      { skus: 1000 },
    );
    const q = stats(quiet.samples);
    const c = stats(child.samples);
    const p = stats(inProcess.samples);
    const size = `${mb.toFixed(0)} MB edge.db, ${SKUS / 1000}k SKUs`;
    console.error(
      `[edge-backup] ${size}: ${ROUNDS} child backups, ${(tookMs / ROUNDS).toFixed(0)} ms each; ` +
        `lane writes quiet median ${q.median.toFixed(2)} p99 ${q.p99.toFixed(2)} max ${q.max.toFixed(0)} ms (${quiet.sales} sales); ` +
        `during child backups median ${c.median.toFixed(2)} p99 ${c.p99.toFixed(2)} max ${c.max.toFixed(0)} ms (${child.sales} sales); ` +
        `during in-process VACUUM INTO median ${p.median.toFixed(2)} p99 ${p.p99.toFixed(2)} max ${p.max.toFixed(0)} ms (${inProcess.sales} sales)`,
    );
    const target = Math.max(20, 2 * q.p99 + 10);
    return [
      {
        figure: `lane write from due (scan, every 5th a durable sale) during backups by the child process (${size})`,
        unit: "ms",
        median: c.median,
        p99: c.p99,
        peer: "the same lane, no backup",
        peerMedian: q.median,
        ratio: c.median / q.median,
        target: `p99 < max(20, 2 x quiet p99 + 10) = ${target.toFixed(0)} ms`,
        pass: c.p99 < target,
      },
      {
        figure: `longest lane stall during ${ROUNDS} backups by the child process (peer: VACUUM INTO on the edge's own connection, ${p.max.toFixed(0)} ms; the same time without backup: ${q.max.toFixed(0)} ms)`,
        unit: "ms",
        median: c.max,
        p99: c.max,
        peer: "VACUUM INTO in the edge process",
        peerMedian: p.max,
        ratio: c.max / p.max,
        target: "< max(250, 2 x the longest stall without backup) ms",
        pass: c.max < Math.max(250, 2 * q.max),
      },
    ];
  } finally {
    await edge.stop();
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchBackup(), null, 2));
