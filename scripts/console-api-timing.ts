// Times the console's heaviest reads in-process against a COPY of a console bench database
// (issue 19 item 8): a hub started in this process on a temp copy, each endpoint called over
// HTTP N times in turn, wall time and this process's CPU (process.cpuUsage: the hub's thread
// and its Workers) per call. Not a bench suite: a tool to compare before/after on one database.
//
//   node_modules/.bin/bun scripts/console-api-timing.ts /tmp/some-copy.db [rounds] [endpoint-name,...]
//   node_modules/.bin/bun scripts/console-api-timing.ts /tmp/some-copy.db [rounds] compare
//
// `compare`: each roll-up read beside the full computation it replaced (kept in the hub as the
// roll-up's reference), called in process, alternated, on the same database at the same moment;
// the answers must be equal (deep equality, to the fen) or the script fails.
//
// The database file is copied again (never written); the clock is the month's last day.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpRequest } from "@retail/test-support";
import { loadConfig } from "../hq-hub/src/config.ts";
import { createStockValue } from "../hq-hub/src/costing/stock-value.ts";
import { startHub } from "../hq-hub/src/hub.ts";

const [source, roundsArg, onlyArg] = process.argv.slice(2);
if (!source) throw new Error("usage: console-api-timing.ts <database copy> [rounds] [names]");
const rounds = Number(roundsArg ?? 3);
const TOKEN = "timing-admin-token-0123456789";
const day = "2026-11-30";
const ENDPOINTS: { name: string; path: string }[] = [
  { name: "margin-store", path: "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=store" },
  { name: "margin-region", path: "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=region" },
  { name: "margin-category", path: "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=category" },
  { name: "margin-sku", path: "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=sku" },
  {
    name: "margin-store-S0001",
    path: "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=sku&store=S0001",
  },
  { name: "completeness-7d", path: "/api/v1/completeness?from=2026-11-24&to=2026-11-30" },
  { name: "completeness-30d", path: "/api/v1/completeness?from=2026-11-01&to=2026-11-30" },
  { name: "finance-valuation", path: `/api/v1/finance/valuation?date=${day}` },
  { name: "finance-valuation-mid", path: "/api/v1/finance/valuation?date=2026-11-15" },
  { name: "valuation", path: `/api/v1/valuation?date=${day}` },
];
const compareMode = onlyArg === "compare";
const endpoints = compareMode
  ? []
  : onlyArg
    ? ENDPOINTS.filter((e) => onlyArg.split(",").includes(e.name))
    : ENDPOINTS;

const dir = mkdtempSync(join(tmpdir(), "console-api-timing-"));
try {
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  copyFileSync(source, join(dataDir, "hq.db"));
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: { port: 0, mqttPort: 0, dataDir, adminToken: TOKEN, memberSyncMs: 0, host: "127.0.0.1" },
  });
  const t0 = performance.now();
  const hub = await startHub(config, { now: () => new Date(`${day}T23:00:00+08:00`), log: () => {} });
  console.log(`hub started (migrations) in ${(performance.now() - t0).toFixed(0)} ms`);
  try {
    const times = new Map<string, { wall: number; cpu: number; bytes: number }[]>();
    for (let r = 0; r < rounds; r++) {
      for (const e of endpoints) {
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const res = await httpRequest(hub.http.url, "GET", e.path, { token: TOKEN });
        const wall = performance.now() - w0;
        const c = process.cpuUsage(c0);
        if (res.status !== 200) throw new Error(`${e.name}: ${res.status} ${res.text.slice(0, 300)}`);
        const list = times.get(e.name) ?? [];
        list.push({ wall, cpu: (c.user + c.system) / 1000, bytes: res.text.length });
        times.set(e.name, list);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    if (compareMode) {
      // A first grid read computes and keeps every cell (as the hub's timer would have).
      hub.completeness.grid({ from: "2026-11-24", to: day }, {});
      const stockValue = createStockValue(hub.db);
      const month = { from: "2026-11-01", to: day };
      const pairs: { name: string; rollup: () => unknown; full: () => unknown }[] = [
        {
          name: "margin by store, 30 days",
          rollup: () => hub.margin.margin({ ...month, by: "store" }, {}),
          full: () => hub.margin.margin({ ...month, by: "store" }, {}, { fromDocuments: true }),
        },
        {
          name: "margin by region, 30 days",
          rollup: () => hub.margin.margin({ ...month, by: "region" }, {}),
          full: () => hub.margin.margin({ ...month, by: "region" }, {}, { fromDocuments: true }),
        },
        {
          name: "completeness grid, 7 days",
          rollup: () => hub.completeness.grid({ from: "2026-11-24", to: day }, {}),
          full: () => hub.completeness.gridFromDocuments({ from: "2026-11-24", to: day }, {}),
        },
        {
          name: "valuation, month end",
          rollup: () => stockValue.valuation({ date: day }),
          full: () => stockValue.fromLedger({ date: day }),
        },
        {
          name: "valuation, mid-month",
          rollup: () => stockValue.valuation({ date: "2026-11-15" }),
          full: () => stockValue.fromLedger({ date: "2026-11-15" }),
        },
      ];
      const timed = (f: () => unknown) => {
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const out = f();
        const c = process.cpuUsage(c0);
        return { out, wall: performance.now() - w0, cpu: (c.user + c.system) / 1000 };
      };
      console.log("read | roll-up wall / CPU median ms | full wall / CPU median ms | equal");
      for (const p of pairs) {
        const a: { wall: number; cpu: number }[] = [];
        const b: { wall: number; cpu: number }[] = [];
        let equal = true;
        for (let r = 0; r < rounds; r++) {
          const [first, second] = r % 2 ? [p.full, p.rollup] : [p.rollup, p.full];
          const x = timed(first);
          const y = timed(second);
          (r % 2 ? b : a).push(x);
          (r % 2 ? a : b).push(y);
          equal &&= Bun.deepEquals(x.out, y.out, true);
        }
        console.log(
          `${p.name} | ${median(a.map((x) => x.wall)).toFixed(0)} / ${median(a.map((x) => x.cpu)).toFixed(0)} | ${median(b.map((x) => x.wall)).toFixed(0)} / ${median(b.map((x) => x.cpu)).toFixed(0)} | ${equal}`,
        );
        if (!equal) process.exitCode = 1;
      }
    }
    console.log("endpoint | wall median (min-max) ms | CPU median ms | bytes");
    for (const [name, xs] of times) {
      const w = xs.map((x) => x.wall);
      console.log(
        `${name} | ${median(w).toFixed(0)} (${Math.min(...w).toFixed(0)}-${Math.max(...w).toFixed(0)}) | ${median(xs.map((x) => x.cpu)).toFixed(0)} | ${xs[0]!.bytes}`,
      );
    }
  } finally {
    await hub.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
