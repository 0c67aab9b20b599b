// The facade the store edge uses: one call opens every device of a lane from its configuration
// and returns typed events (scan, weight, printer-status, drawer, device-health) and commands
// (print, reprint, kick drawer, zero/tare, show on the customer display).
import { EventEmitter } from "node:events";
import type { ScaleLabelLayout } from "@retail/protocol";
import { CustomerDisplay, itemAndTotal } from "../display/display.ts";
import { DeviceError } from "../errors.ts";
import type { DeviceHealth, DeviceKind, HealthState, LaneEvent, UncertainPrint } from "../events.ts";
import { openInputDevice } from "../input.ts";
import type { ByteLink } from "../link.ts";
import { type DrawerReason, mayOpenDrawer } from "../printer/drawer.ts";
import { PrinterDriver } from "../printer/driver.ts";
import { type PrintJob, PrintQueue, type PrintResolution, Spooler } from "../printer/queue.ts";
import { layoutReceipt, type Receipt } from "../printer/receipt.ts";
import { layoutReport, type PrintReport } from "../printer/report.ts";
import { SCALE_CODECS, type ScaleProtocol } from "../scale/codecs.ts";
import { ScaleDriver } from "../scale/driver.ts";
import type { WeightReading } from "../scale/weight.ts";
import { Scanner } from "../scanner/scanner.ts";
import { openTty } from "../serial/tty.ts";
import { openTcp } from "../tcp.ts";
import { openUsb } from "../usb.ts";
import { LaneDevicesConfig, type LaneDevicesConfigInput } from "./config.ts";
import { HotplugWatcher } from "./hotplug.ts";
import { Supervisor } from "./supervisor.ts";

export interface LaneDevices {
  readonly lane: string;
  /** Every event, as it happens. */
  readonly events: EventEmitter<{ event: [LaneEvent] }>;
  /** The same events as an async iterator (ends at close()). */
  [Symbol.asyncIterator](): AsyncIterator<LaneEvent>;
  health(): DeviceHealth[];
  lastWeight(): WeightReading | undefined;
  /** Queues the receipt (persistently) and resolves when the printer confirmed it. */
  printReceipt(r: Receipt): { jobId: number; printed: Promise<void> };
  reprint(r: Receipt): { jobId: number; printed: Promise<void> };
  /** Queues a shift report (X/Z) like a receipt: persistent, confirmed by the printer. */
  printReport(r: PrintReport): { jobId: number; printed: Promise<void> };
  /** Receipts sent but never confirmed (they survive a restart); each waits for resolvePrint. */
  uncertainPrints(): UncertainPrint[];
  /**
   * A person's answer for an uncertain receipt: "printed" (done) or "reprint" (`receipt` printed
   * again as a marked copy; `printed` resolves when the copy is confirmed).
   */
  resolvePrint(
    jobId: number,
    resolution: PrintResolution,
    receipt?: Receipt,
  ): { jobId: number; printed: Promise<void> };
  /** Opens the drawer if policy allows (cash tender, or supervised no-sale); throws otherwise. */
  kickDrawer(reason: DrawerReason, ctx?: { supervisorApproved?: boolean }): Promise<void>;
  zeroScale(): Promise<{ ok: boolean; reason?: string }>;
  tareScale(): Promise<{ ok: boolean; reason?: string }>;
  clearTare(): Promise<{ ok: boolean; reason?: string }>;
  show(line1: string, line2: string): Promise<void>;
  showItem(item: { name: string; amountFen: number }, dueFen: number): Promise<void>;
  close(): Promise<void>;
}

export async function openLaneDevices(input: LaneDevicesConfigInput): Promise<LaneDevices> {
  const config = LaneDevicesConfig.parse(input);
  const events = new EventEmitter<{ event: [LaneEvent] }>();
  const emit = (e: LaneEvent) => events.emit("event", e);
  const healths = new Map<string, DeviceHealth>();
  const supervisors: Supervisor[] = [];
  const hotplug = new HotplugWatcher(250);
  const closers: (() => Promise<void> | void)[] = [];

  const track = (device: string, kind: DeviceKind, emitter: EventEmitter<{ health: [HealthState] }>) => {
    healths.set(device, { device, kind, state: "error", reason: "not connected yet" });
    emitter.on("health", (h) => {
      healths.set(device, { device, kind, ...h });
      emit({ type: "device-health", device, kind, health: h, at: performance.now() });
    });
  };
  const supervise = (
    device: string,
    open: () => Promise<ByteLink>,
    driver: Supervisor["driver"],
    path?: string,
  ) => {
    const sup = new Supervisor(device, open, driver, { minRetryMs: 100, maxRetryMs: 2000 });
    supervisors.push(sup);
    if (path) hotplug.watchPath(path, (present) => present && void sup.tryNow());
    else void hotplug.watchUsb(() => void sup.tryNow());
    sup.start();
  };

  // Scanners
  for (const sc of config.scanners) {
    const scanner = new Scanner({
      id: sc.id,
      wire: sc.wire,
      layout: sc.layout,
      suffix: sc.suffix,
      interKeyTimeoutMs: sc.interKeyTimeoutMs,
      dedupWindowMs: sc.dedupWindowMs,
      scan: config.scaleLayouts ? { scaleLayouts: config.scaleLayouts as ScaleLabelLayout[] } : {},
    });
    track(sc.id, "scanner", scanner);
    scanner.on("scan", (e) => emit({ type: "scan", ...e }));
    const port = sc.port;
    const open =
      port.type === "input"
        ? () => openInputDevice(port.path)
        : port.type === "serial"
          ? () => openTty(port.path, { baud: port.baud ?? 9600 })
          : () => openUsb(port.id, "hid", port.serial);
    supervise(sc.id, open, scanner, port.type === "usb" ? undefined : port.path);
    closers.push(() => scanner.close());
  }

  // Scale
  let scale: ScaleDriver | undefined;
  if (config.scale) {
    const c = config.scale;
    const codec = SCALE_CODECS[c.protocol as ScaleProtocol];
    scale = new ScaleDriver({
      id: c.id,
      codec,
      pollMs: c.pollMs,
      timeoutMs: c.timeoutMs,
      continuous: c.continuous,
    });
    track(c.id, "scale", scale);
    scale.on("weight", (reading) => emit({ type: "weight", device: c.id, reading, at: performance.now() }));
    supervise(
      c.id,
      () => openTty(c.port.path, { baud: c.port.baud ?? codec.defaultBaud }),
      scale,
      c.port.path,
    );
    closers.push(() => scale?.close());
  }

  // Printer + drawer
  let printer: PrinterDriver | undefined;
  let spooler: Spooler | undefined;
  let queue: PrintQueue | undefined;
  const printerConfig = config.printer;
  if (printerConfig) {
    const c = printerConfig;
    printer = new PrinterDriver({ id: c.id });
    track(c.id, "printer", printer);
    printer.on("status", (status) =>
      emit({ type: "printer-status", device: c.id, status, at: performance.now() }),
    );
    printer.on("drawer", (open) => emit({ type: "drawer", device: c.id, open, at: performance.now() }));
    const port = c.port;
    const open =
      port.type === "tcp"
        ? () => openTcp(port.host, port.port)
        : port.type === "serial"
          ? () => openTty(port.path, { baud: port.baud ?? 9600 })
          : () => openUsb(port.id, "printer", port.serial);
    supervise(c.id, open, printer, port.type === "serial" ? port.path : undefined);
    queue = new PrintQueue(c.queueDir);
    spooler = new Spooler(queue, printer);
    spooler.on("uncertain", (j, reason) =>
      emit({ type: "print-uncertain", device: c.id, print: uncertainOf(j, reason), at: performance.now() }),
    );
    spooler.on("resolved", (j) =>
      emit({
        type: "print-resolved",
        device: c.id,
        jobId: j.id,
        ref: j.ref,
        resolution: j.resolution ?? "printed",
        ...(j.reprintJobId !== null ? { reprintJobId: j.reprintJobId } : {}),
        at: performance.now(),
      }),
    );
    closers.push(async () => {
      await spooler?.stop();
      await printer?.close();
      queue?.close();
    });
  }

  // Customer display
  let display: CustomerDisplay | undefined;
  if (config.display) {
    const c = config.display;
    display = new CustomerDisplay(c.id);
    track(c.id, "display", display);
    supervise(c.id, () => openTty(c.port.path, { baud: c.port.baud ?? 9600 }), display, c.port.path);
    closers.push(() => display?.close());
  }

  let closed = false;
  const wakers = new Set<() => void>();
  const need = <T>(x: T | undefined, kind: string): T => {
    if (!x) throw new DeviceError(config.lane, kind, `lane ${config.lane} has no ${kind} configured`);
    return x;
  };
  const submit = (r: Receipt, kind: "receipt" | "reprint") => {
    const s = need(spooler, "printer");
    const bytes = layoutReceipt(r, printerConfig!.paper);
    const jobId = kind === "reprint" ? s.reprint(r.receiptNo, bytes) : s.submit(r.receiptNo, bytes);
    return { jobId, printed: s.whenPrinted(jobId).then(() => undefined) };
  };

  return {
    lane: config.lane,
    events,
    [Symbol.asyncIterator]() {
      const buffer: LaneEvent[] = [];
      let wake: (() => void) | undefined;
      const on = (e: LaneEvent) => {
        buffer.push(e);
        wake?.();
      };
      events.on("event", on);
      wakers.add(() => wake?.());
      return {
        async next(): Promise<IteratorResult<LaneEvent>> {
          while (!buffer.length && !closed) await new Promise<void>((r) => (wake = r));
          const value = buffer.shift();
          if (value) return { value, done: false };
          events.off("event", on);
          return { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<LaneEvent>> {
          events.off("event", on);
          return { value: undefined, done: true };
        },
      };
    },
    health: () => [...healths.values()],
    lastWeight: () => scale?.last,
    printReceipt: (r) => submit(r, "receipt"),
    reprint: (r) => submit({ ...r, reprint: true }, "reprint"),
    printReport(r) {
      const s = need(spooler, "printer");
      const jobId = s.submit(r.ref, layoutReport(r, printerConfig!.paper), "report");
      return { jobId, printed: s.whenPrinted(jobId).then(() => undefined) };
    },
    uncertainPrints: () => spooler?.uncertain().map((j) => uncertainOf(j, j.lastError ?? "")) ?? [],
    resolvePrint(jobId, resolution, r) {
      const s = need(spooler, "printer");
      const bytes =
        r && resolution === "reprint"
          ? layoutReceipt({ ...r, reprint: true }, printerConfig!.paper)
          : undefined;
      const job = s.resolve(jobId, resolution, bytes);
      return {
        jobId: job.reprintJobId ?? job.id,
        printed: s.whenPrinted(jobId).then(() => undefined),
      };
    },
    async kickDrawer(reason, ctx = {}) {
      const verdict = mayOpenDrawer(reason, ctx);
      if (!verdict.allowed) throw new DeviceError(printerConfig?.id ?? config.lane, "drawer", verdict.why);
      const d = printerConfig!.drawer;
      await need(printer, "printer").kickDrawer(d.pin, d.onMs, d.offMs);
    },
    zeroScale: () => need(scale, "scale").command("zero"),
    tareScale: () => need(scale, "scale").command("tare"),
    clearTare: () => need(scale, "scale").command("clear_tare"),
    show: (a, b) => need(display, "display").show(a, b),
    showItem: (item, due) => need(display, "display").show(...itemAndTotal(item, due)),
    async close() {
      if (closed) return;
      closed = true;
      for (const w of wakers) w();
      hotplug.close();
      for (const s of supervisors) await s.stop();
      for (const c of closers) await c();
    },
  };
}

function uncertainOf(j: PrintJob, reason: string): UncertainPrint {
  return { jobId: j.id, ref: j.ref, kind: j.kind, reason, createdAt: j.createdAt };
}
