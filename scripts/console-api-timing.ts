// Times the console's heaviest reads in-process against a COPY of a console bench database
// (issue 19 item 8): a hub started in this process on a temp copy, each endpoint called over
// HTTP N times in turn, wall time and this process's CPU (process.cpuUsage: the hub's thread
// and its Workers) per call. Not a bench suite: a tool to compare before/after on one database.
//
//   node_modules/.bin/bun scripts/console-api-timing.ts /tmp/some-copy.db [rounds] [endpoint-name,...]
//
// The database file is copied again (never written); the clock is the month's last day.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpRequest } from "@retail/test-support";
import { loadConfig } from "../hq-hub/src/config.ts";
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
const endpoints = onlyArg ? ENDPOINTS.filter((e) => onlyArg.split(",").includes(e.name)) : ENDPOINTS;

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
