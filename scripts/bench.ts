// `npm run bench`: runs every package benchmark and prints one table (figure, median, p99, the
// peer measured in the same run, the ratio, the target, pass/fail), and writes the rows as JSON
// to bench-results/ for comparison between runs. `npm run bench -- pricing edge` runs a subset.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BenchRow } from "@retail/protocol";

const root = resolve(import.meta.dir, "..");
const suites: { name: string; file: string; fn: string }[] = [
  { name: "pricing", file: "protocol/src/pricing/pricing.bench.ts", fn: "benchPricing" },
  { name: "devices", file: "firmware-bridge/src/devices.bench.ts", fn: "benchDevices" },
  { name: "edge", file: "store-edge/src/edge.bench.ts", fn: "benchEdge" },
  { name: "edge-backup", file: "store-edge/src/backup/backup.bench.ts", fn: "benchBackup" },
  { name: "hub", file: "hq-hub/src/hub.bench.ts", fn: "benchHub" },
  { name: "terminal", file: "terminal-ui/bench/terminal.bench.ts", fn: "benchTerminal" },
  { name: "chain", file: "scripts/chain.bench.ts", fn: "benchChain" },
  { name: "forecast", file: "hq-hub/src/forecast/forecast.bench.ts", fn: "benchForecast" },
  { name: "members", file: "hq-hub/src/members/members.bench.ts", fn: "benchMembers" },
  { name: "month", file: "hq-hub/src/close/month.bench.ts", fn: "benchMonth" },
  { name: "fleet", file: "scripts/fleet.bench.ts", fn: "benchFleet" },
  { name: "console", file: "scripts/console.bench.ts", fn: "benchConsole" },
];

export function formatTable(rows: (BenchRow & { suite: string })[]): string {
  const fmt = (n: number | undefined) =>
    n === undefined ? "" : n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(4);
  const header = ["suite", "figure", "unit", "median", "p99", "peer", "peer median", "ratio", "target", "ok"];
  const body = rows.map((r) => [
    r.suite,
    r.figure,
    r.unit,
    fmt(r.median),
    fmt(r.p99),
    r.peer ?? "",
    fmt(r.peerMedian),
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.pass ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

if (import.meta.main) {
  const only = process.argv.slice(2);
  const rows: (BenchRow & { suite: string })[] = [];
  const missing: string[] = [];
  for (const s of suites) {
    if (only.length && !only.includes(s.name)) continue;
    const path = join(root, s.file);
    if (!existsSync(path)) {
      missing.push(`${s.name} (${s.file} not written yet)`);
      continue;
    }
    console.error(`bench: ${s.name} ...`);
    const mod = await import(path);
    try {
      for (const r of (await mod[s.fn]()) as BenchRow[]) rows.push({ suite: s.name, ...r });
    } catch (e) {
      console.error(`bench: ${s.name} failed: ${(e as Error).stack ?? e}`);
      rows.push({
        suite: s.name,
        figure: "suite failed",
        unit: "",
        median: Number.NaN,
        p99: Number.NaN,
        target: String(e),
        pass: false,
      });
    }
  }
  console.log(formatTable(rows));
  if (missing.length) console.log(`\nnot measured: ${missing.join("; ")}`);
  const dir = join(root, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), host: { cpus: navigator.hardwareConcurrency, bun: Bun.version }, rows },
      null,
      2,
    ),
  );
  console.log(`\nrows written to ${file}`);
  process.exit(0);
}
