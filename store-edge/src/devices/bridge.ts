// The edge's device port (`LaneDevices`, port.ts) on top of firmware-bridge's
// `openLaneDevices(config)`: the lane's real scanners, scale, printer, drawer and customer
// display, or the firmware-bridge simulators that speak the same bytes (bridge-sim.ts).
//
// Events in (bridge-events.ts): scans go to the same `subscribe` listeners the simulated port
// feeds (the checkout's scan handling), weights carry the scale's status (a weighed item sells
// only at a stable, positive weight), printer status and drawer state are pushed when they
// change, and every device's health (connected / ready / error with its reason) reaches the lane
// WebSocket and the store status. Configuration: bridge-config.ts. Commands out: receipts are mapped to firmware-bridge's `Receipt` (receipt.ts)
// and go through its persistent print queue; the drawer opens only under its policy (cash, or a
// no-sale a supervisor approved). Every command is per lane and bounded by a timeout, so a slow
// or dead device answers its own lane with an error and never holds up another lane.
import type { LaneDevices as BridgeLane, Receipt } from "@retail/firmware-bridge";
import type { SaleCompleted, SaleReturned } from "@retail/protocol";
import { EdgeError, forbidden } from "../errors.ts";
import { drawerId, loadBridge, type PlannedDevice } from "./bridge-config.ts";
import { BridgeEvents, toUncertain } from "./bridge-events.ts";
import type {
  DeviceEvent,
  DeviceHealth,
  DrawerRequest,
  LaneDevices,
  PrintResolution,
  ReceiptDoc,
  UncertainPrint,
  Weight,
} from "./port.ts";
import { type ReceiptContext, returnToReceipt, saleToReceipt } from "./receipt.ts";

export { loadBridge, type PlannedDevice, parseBridgeConfig, plannedDevices } from "./bridge-config.ts";

/** Where the adapter finds what it prints and shows. */
export interface BridgeContext {
  receipts?: {
    context(): ReceiptContext;
    sale(receiptNo: string): SaleCompleted | undefined;
    returned(receiptNo: string): SaleReturned | undefined;
  };
  /** The customer's view of the lane: the current item and the amount due. */
  customer?: () => { item?: { name: string; amountFen: number }; dueFen: number } | undefined;
  /** A device command (drawer, scale, display) that takes longer fails with 503. Default 5 s. */
  commandTimeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, field: string, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EdgeError("unavailable", field, `${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Device failures become 503 naming the device kind; the edge's own errors pass through. */
function asEdgeError(e: unknown, field: string): EdgeError {
  if (e instanceof EdgeError) return e;
  return new EdgeError("unavailable", field, (e as Error).message);
}

export class BridgeDevices implements LaneDevices {
  protected readonly listeners = new Set<(e: DeviceEvent) => void>();
  /** Resolves once firmware-bridge opened the lane (its devices then connect on their own). */
  readonly ready: Promise<BridgeLane>;
  protected lane: BridgeLane | undefined;
  #openError: string | undefined;
  #closed = false;
  readonly #events = new BridgeEvents((e) => this.emit(e));
  #nextShow: [string, string] | undefined;
  #showing = false;
  readonly timeoutMs: number;

  constructor(
    readonly laneId: string,
    open: () => Promise<BridgeLane>,
    protected readonly ctx: BridgeContext = {},
    protected planned: PlannedDevice[] = [],
  ) {
    this.timeoutMs = ctx.commandTimeoutMs ?? 5000;
    this.ready = open().then(
      async (lane) => {
        if (this.#closed) {
          await lane.close();
          throw new EdgeError("unavailable", "devices", "lane closed");
        }
        this.lane = lane;
        lane.events.on("event", (e) => this.#events.on(e));
        return lane;
      },
      (e: Error) => {
        this.#openError = e.message;
        throw asEdgeError(e, "devices");
      },
    );
    this.ready.catch(() => {});
  }

  subscribe(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(e: DeviceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }

  weight(): Weight | undefined {
    const lane = this.lane;
    if (!lane) return undefined;
    // A scale in error sells nothing on its last reading.
    if (lane.health().some((h) => h.kind === "scale" && h.state === "error")) return undefined;
    const r = lane.lastWeight();
    return r ? { grams: r.grams, stable: r.status === "stable", status: r.status } : undefined;
  }

  health(): DeviceHealth[] {
    const lane = this.lane;
    if (!lane)
      return this.planned.map((p) => ({
        ...p,
        state: "error" as const,
        reason: this.#openError ?? "opening",
      }));
    const out: DeviceHealth[] = [];
    for (const h of lane.health()) {
      const d: DeviceHealth = { kind: h.kind, device: h.device, state: h.state };
      if (h.state === "error") d.reason = h.reason;
      out.push(d);
      if (h.kind === "printer") out.push({ ...d, kind: "drawer", device: drawerId(h.device) });
    }
    return out;
  }

  /** The receipt firmware-bridge lays out for this document (sale or return by its number). */
  receiptFor(doc: ReceiptDoc): Receipt {
    const src = this.ctx.receipts;
    if (!src) throw new EdgeError("unavailable", "printer", "no receipt data source for this lane");
    const ctx = src.context();
    const sale = src.sale(doc.receiptNo);
    if (sale) return saleToReceipt(sale, ctx);
    const returned = src.returned(doc.receiptNo);
    if (returned) {
      const original = returned.original ? src.sale(returned.original.receiptNo) : undefined;
      return returnToReceipt(returned, ctx, original);
    }
    throw new EdgeError("not_found", "receiptNo", `no sale or return ${doc.receiptNo} to print`);
  }

  /**
   * Queues the receipt in the printer's persistent queue and resolves once the printer confirmed
   * it. With the paper out it waits (the lane sees the printer status) and prints once, when the
   * paper is back. A reprint (the checkout marks its title 重印) is printed as a marked copy.
   */
  async printReceipt(doc: ReceiptDoc): Promise<void> {
    const lane = await this.ready;
    if (doc.report) {
      // A shift report: its own layout (firmware-bridge layoutReport), no sale to look up.
      const storeName = this.ctx.receipts?.context().storeName ?? doc.report.storeName;
      let job: { printed: Promise<void> };
      try {
        job = lane.printReport({
          storeName,
          title: doc.title,
          ref: doc.receiptNo,
          time: doc.report.time,
          lines: doc.lines,
          training: doc.training,
        });
      } catch (e) {
        throw asEdgeError(e, "printer");
      }
      await job.printed;
      return;
    }
    const receipt = this.receiptFor(doc);
    const reprint = /重印|COPY/.test(doc.title);
    let job: { printed: Promise<void> };
    try {
      job = reprint ? lane.reprint(receipt) : lane.printReceipt(receipt);
    } catch (e) {
      throw asEdgeError(e, "printer");
    }
    await job.printed;
  }

  uncertainPrints(): UncertainPrint[] {
    return this.lane?.uncertainPrints().map((p) => toUncertain(p, p.reason)) ?? [];
  }

  /**
   * "printed": the receipt is on the paper, the job is done. "reprint": the sale or return is
   * laid out again as a marked copy (重印 REPRINT) and queued; the receipt's `print` message
   * comes when the copy printed.
   */
  async resolvePrint(jobId: number, resolution: PrintResolution): Promise<void> {
    const lane = await withTimeout(this.ready, this.timeoutMs, "printer", "the lane devices").catch((e) => {
      throw asEdgeError(e, "printer");
    });
    const job = lane.uncertainPrints().find((p) => p.jobId === jobId);
    if (!job)
      throw new EdgeError("not_found", "jobId", `no uncertain print job ${jobId} on lane ${this.laneId}`);
    // A shift report is not laid out again from a record: print it anew from the shift menu.
    if (resolution === "reprint" && /^[XZ]-/.test(job.ref))
      throw new EdgeError(
        "conflict",
        "jobId",
        `${job.ref} is a shift report: print it again from the shift menu`,
      );
    const receipt =
      resolution === "reprint"
        ? this.receiptFor({ receiptNo: job.ref, training: false, title: "", lines: [], barcode: job.ref })
        : undefined;
    try {
      lane.resolvePrint(jobId, resolution, receipt).printed.catch(() => {});
    } catch (e) {
      throw new EdgeError("conflict", "jobId", (e as Error).message);
    }
  }

  async #command<T>(field: string, what: string, run: (lane: BridgeLane) => Promise<T>): Promise<T> {
    try {
      const lane = await withTimeout(this.ready, this.timeoutMs, field, `${what}: lane devices`);
      return await withTimeout(run(lane), this.timeoutMs, field, what);
    } catch (e) {
      throw asEdgeError(e, field);
    }
  }

  async kickDrawer(reason: DrawerRequest = { kind: "cash" }): Promise<void> {
    const why =
      reason.kind === "cash" ? ({ kind: "tender", tender: "cash" } as const) : ({ kind: "no_sale" } as const);
    const supervisorApproved = reason.kind === "no_sale" && reason.supervisorApproved;
    const verdict = loadBridge().mayOpenDrawer(why, { supervisorApproved });
    if (!verdict.allowed) throw forbidden("supervisorId", `the drawer stays shut: ${verdict.why}`);
    await this.#command("drawer", "the drawer kick", (lane) => lane.kickDrawer(why, { supervisorApproved }));
  }

  async #scale(what: "zero" | "tare"): Promise<void> {
    const r = await this.#command("scale", `scale ${what}`, (lane) =>
      what === "zero" ? lane.zeroScale() : lane.tareScale(),
    );
    if (!r.ok)
      throw new EdgeError("conflict", "scale", `the scale refused ${what}: ${r.reason ?? "no reason"}`);
  }

  zeroScale(): Promise<void> {
    return this.#scale("zero");
  }

  tareScale(): Promise<void> {
    return this.#scale("tare");
  }

  /**
   * Shows the current item and the amount due. Called on every cart change: only the latest
   * screen is sent, one write at a time, so a slow display never queues up stale screens.
   */
  async showCustomer(top: string, bottom: string): Promise<void> {
    this.#nextShow = [top, bottom];
    if (this.#showing) return;
    this.#showing = true;
    try {
      const lane = await withTimeout(this.ready, this.timeoutMs, "display", "the lane devices");
      if (!lane.health().some((h) => h.kind === "display")) return;
      while (this.#nextShow) {
        const [t, b] = this.#nextShow;
        this.#nextShow = undefined;
        const view = this.ctx.customer?.();
        const write = view?.item ? lane.showItem(view.item, view.dueFen) : lane.show(t, b);
        await withTimeout(write, this.timeoutMs, "display", "the customer display");
      }
    } catch (e) {
      this.#nextShow = undefined;
      throw asEdgeError(e, "display");
    } finally {
      this.#showing = false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.listeners.clear();
    const lane = await this.ready.catch(() => undefined);
    await lane?.close();
  }
}
