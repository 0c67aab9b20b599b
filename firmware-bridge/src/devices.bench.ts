// `npm run bench` (suite "devices"): scanner input to lane event through a real PTY, ESC/POS bytes
// for an 80-line receipt, scale frame parse rate, a scale unplug seen by the lane. Each row
// carries a peer measured in the same run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchRow } from "@retail/protocol";
import { withCheckDigit } from "@retail/protocol";
import { openLaneDevices } from "./lane/lane.ts";
import { layoutReceipt, type Receipt } from "./printer/receipt.ts";
import { referenceReceipt } from "./printer/reference-receipt.ts";
import { mtsics } from "./scale/mtsics.ts";
import { ScaleSimulator } from "./scale/simulator.ts";
import { type ScanEvent, Scanner } from "./scanner/scanner.ts";
import { ScannerSimulator } from "./scanner/simulator.ts";
import { openTty } from "./serial/tty.ts";

function stats(xs: number[]): { median: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!,
  };
}

async function scannerLatency(): Promise<BenchRow> {
  const sim = await ScannerSimulator.start("serial", { aim: "]E0" });
  const scanner = new Scanner({ id: "bench", wire: "serial", suffix: "\r", dedupWindowMs: 0 });
  const link = await openTty(sim.path);
  scanner.attach(link);
  const lat: number[] = [];
  let resolveScan: ((e: ScanEvent) => void) | undefined;
  scanner.on("scan", (e) => resolveScan?.(e));
  for (let i = 0; i < 400; i++) {
    const code = withCheckDigit(`690${String(i).padStart(9, "0")}`);
    const bytes = sim.bytesFor(code);
    const got = new Promise<ScanEvent>((r) => {
      resolveScan = r;
    });
    const t0 = performance.now();
    await sim.write(bytes);
    await got;
    if (i >= 20) lat.push(performance.now() - t0); // after warm-up
  }
  await scanner.close();
  await sim.close();
  const { median, p99 } = stats(lat);
  return {
    figure: "scanner input -> lane scan event (serial scanner on a PTY, parseScan included)",
    unit: "ms",
    median,
    p99,
    target: "p99 < 5 ms",
    pass: p99 < 5,
  };
}

function eightyLines(): Receipt {
  const r = referenceReceipt();
  const lines = Array.from({ length: 80 }, (_, i) => ({
    name: `商品 ${i + 1} 农夫山泉饮用天然水 550ml`,
    qty: String((i % 3) + 1),
    unitPriceFen: 100 + i,
    amountFen: (100 + i) * ((i % 3) + 1),
    ...(i % 10 === 0 ? { discounts: [{ label: "会员价", amountFen: 10 }] } : {}),
  }));
  return { ...r, lines };
}

const WARMUP = 500;
const BUILDS = 5000;

/**
 * 5,000 builds of the same 80-line receipt timed one by one (wall clock) after 500 unmeasured
 * ones (JIT warm-up, the GBK character and amount caches filling); median and p99 of those
 * 5,000. On a shared 2-core machine a build of ~0.05 ms is descheduled now and then for a whole
 * time slice (~4 ms) of another process, which decides the p99 by itself. So each build also
 * reads the process's involuntary context switches before and after (outside the timed part),
 * and the second row is the p99 of the builds the kernel did not preempt: the code's own tail,
 * garbage collection included (a collection pauses this thread; it is not a context switch).
 */
async function escposBuild(): Promise<BenchRow[]> {
  const r = eightyLines();
  for (let i = 0; i < WARMUP; i++) layoutReceipt(r, 80);
  const ours: number[] = [];
  const unpreempted: number[] = [];
  for (let i = 0; i < BUILDS; i++) {
    const before = process.resourceUsage().involuntaryContextSwitches;
    const t0 = performance.now();
    layoutReceipt(r, 80);
    const ms = performance.now() - t0;
    ours.push(ms);
    if (process.resourceUsage().involuntaryContextSwitches === before) unpreempted.push(ms);
  }
  const mine = stats(ours);
  const own = stats(unpreempted);
  // Peer: node-thermal-printer building the same content (its bytes differ: see docs/devices.md).
  let peer = "node-thermal-printer 4.x, same lines";
  let peerMedian: number | undefined;
  try {
    const ntp = (await import("node-thermal-printer")) as unknown as {
      ThermalPrinter: new (o: object) => Record<string, (...a: unknown[]) => unknown>;
      PrinterTypes: Record<string, string>;
      CharacterSet: Record<string, string>;
    };
    const theirs: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      const p = new ntp.ThermalPrinter({
        type: ntp.PrinterTypes.EPSON,
        interface: "tcp://127.0.0.1:9",
        characterSet: ntp.CharacterSet.CHINA,
        width: 48,
      });
      p.alignCenter!();
      p.setTextDoubleHeight!();
      p.println!(r.storeName);
      p.setTextNormal!();
      p.alignLeft!();
      for (const l of r.lines) {
        p.println!(l.name);
        p.leftRight!(`  ${l.qty} x ${l.unitPriceFen / 100}`, String(l.amountFen / 100));
      }
      p.bold!(true);
      p.leftRight!("合计 TOTAL", String(r.totalFen / 100));
      p.bold!(false);
      p.code128!(r.receiptNo);
      p.printQR!(r.qrUrl);
      p.partialCut!();
      p.getBuffer!();
      theirs.push(performance.now() - t0);
    }
    peerMedian = stats(theirs.slice(100)).median;
  } catch (e) {
    peer = `node-thermal-printer unavailable (${(e as Error).message})`;
  }
  return [
    {
      figure: `ESC/POS bytes for an 80-line receipt (GBK, CODE128, QR, logo, cut): ${BUILDS} builds after ${WARMUP} warm-up`,
      unit: "ms",
      median: mine.median,
      p99: mine.p99,
      peer: `${peer} (1,000 builds, median)`,
      ...(peerMedian !== undefined ? { peerMedian, ratio: mine.median / peerMedian } : {}),
      target: "p99 < 2 ms",
      pass: mine.p99 < 2,
    },
    {
      figure: `the same builds, without the ${BUILDS - unpreempted.length} of ${BUILDS} during which the kernel preempted the process`,
      unit: "ms",
      median: own.median,
      p99: own.p99,
      target: "p99 < 2 ms (the code's own tail, GC pauses included)",
      pass: own.p99 < 2,
    },
  ];
}

function scaleParseRate(): BenchRow {
  const frames = Array.from(
    { length: 2000 },
    (_, i) =>
      `S ${i % 7 ? "S" : "D"} ${`${(i % 15).toString()}.${String(i % 1000).padStart(3, "0")}`.padStart(10)} kg\r\n`,
  );
  const bytes = Uint8Array.from(frames.join(""), (c) => c.charCodeAt(0));
  const rates: number[] = [];
  const peerRates: number[] = [];
  const re = /^S ([SD]) +(-?\d+\.\d+) kg\r$/;
  const text = frames.join("");
  for (let run = 0; run < 40; run++) {
    const d = mtsics.decoder();
    let t0 = performance.now();
    const n = d.push(bytes).length;
    if (run >= 10) rates.push(n / ((performance.now() - t0) / 1000)); // first runs warm the JIT
    // Peer: a bare regex over the same text (no framing, no resync, float weights).
    t0 = performance.now();
    let m = 0;
    for (const line of text.split("\n")) {
      const r = re.exec(line);
      if (r) {
        Number.parseFloat(r[2]!);
        m++;
      }
    }
    if (run >= 10) peerRates.push(m / ((performance.now() - t0) / 1000));
  }
  const s = [...rates].sort((a, b) => a - b);
  const median = s[s.length >> 1]!;
  const worst = s[0]!; // for a rate, the "p99" row is the slowest run
  const peerMedian = [...peerRates].sort((a, b) => a - b)[peerRates.length >> 1]!;
  return {
    figure: "scale frame parse rate (MT-SICS SI lines, integer grams, resync)",
    unit: "frames/s",
    median,
    p99: worst,
    peer: "bare regex + parseFloat on the same lines",
    peerMedian,
    ratio: median / peerMedian,
    target: "median > 100,000 frames/s (a 9600-baud scale sends < 100)",
    pass: median > 100_000,
  };
}

const UNPLUGS = 12;

/**
 * A scale pulled out of the lane, as the store edge runs it (openLaneDevices: supervisor,
 * hot-plug watcher, driver): from the unplug to the lane's health saying "error". The peer is
 * the bare tty link on the same PTY seeing its own close, i.e. what the kernel tells us; the
 * difference is the driver's and supervisor's share. Replugged each time, and the row also
 * proves it resumes (a round that never comes back to ready fails the bench).
 */
async function scaleUnplug(): Promise<BenchRow> {
  const link = join(mkdtempSync(join(tmpdir(), "bench-scale-")), "pci-0000:00:14.0-usb-0:1:1.0-port0");
  const sim = await ScaleSimulator.start("toledo8217", { link });
  const lane = await openLaneDevices({
    lane: "01",
    scale: {
      id: "scale",
      protocol: "toledo8217",
      port: { type: "serial", path: link },
      pollMs: 50,
      timeoutMs: 600,
    },
  });
  const state = () => lane.health().find((h) => h.device === "scale")?.state;
  const until = async (ok: () => boolean, what: string) => {
    const end = performance.now() + 30_000;
    while (!ok()) {
      if (performance.now() > end) throw new Error(`scale bench: timed out waiting for ${what}`);
      await Bun.sleep(1);
    }
  };
  const ours: number[] = [];
  const peer: number[] = [];
  try {
    await until(() => state() === "ready", "the scale ready");
    for (let i = 0; i < UNPLUGS; i++) {
      const t0 = performance.now();
      await sim.unplug();
      await until(() => state() === "error", "the unplug seen");
      ours.push(performance.now() - t0);
      await sim.plug();
      await until(() => state() === "ready", "the scale back after replug");
      const bare = await openTty(link, { baud: 9600 });
      let closedAt = 0;
      bare.once("close", () => {
        closedAt = performance.now();
      });
      const t1 = performance.now();
      await sim.unplug();
      await until(() => closedAt > 0, "the bare link's close");
      peer.push(closedAt - t1);
      await sim.plug();
      await until(() => state() === "ready", "the scale back after the bare round");
    }
  } finally {
    await lane.close();
    await sim.close();
  }
  const { median, p99 } = stats(ours);
  const peerMedian = stats(peer).median;
  return {
    figure: "scale unplugged -> lane health error (supervised Toledo 8217 on a PTY), replugged each round",
    unit: "ms",
    median,
    p99,
    peer: "bare tty link on the same PTY seeing its close",
    peerMedian,
    ratio: median / Math.max(peerMedian, 0.001),
    target: "p99 < 2,000 ms, and ready again after every replug",
    pass: p99 < 2000,
  };
}

export async function benchDevices(): Promise<BenchRow[]> {
  return [await scannerLatency(), ...(await escposBuild()), scaleParseRate(), await scaleUnplug()];
}

if (import.meta.main) {
  for (const r of await benchDevices()) console.log(JSON.stringify(r));
}
