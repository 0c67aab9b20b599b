// The lane as the screen sees it: the edge's view of the cart (pushed over the lane WebSocket,
// fetched once on load), device state, the store status for the status bar, and the last sale.
// Nothing here is the truth: the edge holds the cart, so a reload rebuilds all of it.
import {
  ApiError,
  type DeviceHealth,
  EdgeApi,
  type EdgeStatus,
  type LaneMessage,
  LaneSocket,
  type LaneView,
  type PrintResolution,
  type UncertainPrint,
  type Weight,
} from "./api.ts";
import { type PlainError, plain, plainFromMessage } from "./errors.ts";

export interface PrinterState {
  online: boolean;
  paperOut: boolean;
  coverOpen: boolean;
}

export class Terminal {
  readonly api: EdgeApi;
  view = $state<LaneView | undefined>(undefined);
  socketOpen = $state(false);
  status = $state<EdgeStatus | undefined>(undefined);
  statusError = $state<PlainError | undefined>(undefined);
  devices = $state<DeviceHealth[]>([]);
  weight = $state<Weight | null>(null);
  printer = $state<PrinterState>({ online: true, paperOut: false, coverOpen: false });
  /** Receipts that may or may not be on the paper: a banner each until the cashier answers. */
  uncertainPrints = $state<UncertainPrint[]>([]);
  /** Why the last answer to an uncertain receipt failed (shown in its banner). */
  uncertainError = $state<PlainError | undefined>(undefined);
  lastSale = $state<{ receiptNo: string; change: number; training: boolean; at: number } | undefined>(
    undefined,
  );
  lastPrint = $state<{ receiptNo: string; ok: boolean; error?: string } | undefined>(undefined);
  /** An error that arrived over the socket (a device scan that failed): shown at the scan field. */
  scanError = $state<PlainError | undefined>(undefined);
  /** Bumps on every cart message, for the scan-to-paint measurement. */
  cartSeq = $state(0);
  /** performance.now() when the first lane view arrived and when it was painted (first load). */
  firstViewAt: number | undefined;
  firstPaintAt: number | undefined;
  private socket: LaneSocket | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private listeners = new Set<(m: LaneMessage) => void>();

  constructor(
    readonly lane: string,
    base = "",
  ) {
    this.api = new EdgeApi(base);
  }

  start(): void {
    this.socket = new LaneSocket(
      LaneSocket.urlFor(this.lane),
      (m) => this.onMessage(m),
      (open) => {
        this.socketOpen = open;
        // After a reconnect the edge sends the current cart first; devices are fetched again.
        if (open) void this.refreshDevices();
      },
    );
    void this.refresh();
    void this.refreshStatus();
    this.poll = setInterval(() => void this.refreshStatus(), 2000);
  }

  stop(): void {
    this.socket?.close();
    clearInterval(this.poll);
  }

  onLaneMessage(fn: (m: LaneMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async refresh(): Promise<void> {
    try {
      this.setView(await this.api.view(this.lane));
    } catch (e) {
      this.scanError = plain(e);
    }
  }

  async refreshDevices(): Promise<void> {
    try {
      const d = await this.api.devices(this.lane);
      this.devices = d.devices;
      this.weight = d.weight;
      if (d.uncertainPrints) this.uncertainPrints = d.uncertainPrints;
    } catch {
      // the status bar shows the lane as down
    }
  }

  async refreshStatus(): Promise<void> {
    try {
      this.status = await this.api.status();
      this.statusError = undefined;
    } catch (e) {
      this.statusError = plain(e);
    }
  }

  /** Takes a view from any edge answer (the socket brings the same view too). */
  take(v: LaneView | undefined): void {
    if (v) this.setView(v);
  }

  private setView(v: LaneView): void {
    this.view = v;
    if (this.firstViewAt === undefined) {
      this.firstViewAt = performance.now();
      requestAnimationFrame(() => {
        this.firstPaintAt = performance.now();
      });
    }
  }

  private onMessage(m: LaneMessage): void {
    switch (m.type) {
      case "cart":
        this.setView(m.view);
        this.cartSeq++;
        break;
      case "device": {
        const e = m.event;
        if (e.type === "weight") this.weight = e.weight;
        else if (e.type === "printer")
          this.printer = { online: e.online, paperOut: e.paperOut, coverOpen: e.coverOpen };
        else if (e.type === "health") {
          const others = this.devices.filter(
            (d) => !(d.kind === e.health.kind && d.device === e.health.device),
          );
          this.devices = [...others, e.health];
        } else if (e.type === "print-uncertain") {
          const p = e.print;
          this.uncertainPrints = [...this.uncertainPrints.filter((u) => u.jobId !== p.jobId), p];
          this.uncertainError = undefined;
        } else if (e.type === "print-resolved")
          this.uncertainPrints = this.uncertainPrints.filter((u) => u.jobId !== e.jobId);
        else if (e.type === "scan") this.scanError = undefined;
        break;
      }
      case "error":
        this.scanError = plainFromMessage(m);
        break;
      case "sale":
        this.lastSale = { receiptNo: m.receiptNo, change: m.change, training: m.training, at: Date.now() };
        break;
      case "print":
        this.lastPrint = m.error === undefined ? { receiptNo: m.receiptNo, ok: m.ok } : { ...m };
        break;
    }
    for (const l of this.listeners) l(m);
  }

  /**
   * A scanned code sent over the lane WebSocket (the edge takes scans there too): resolves on
   * the cart or error message that answers it. Saves the HTTP request per scan, which is most of
   * the scan-to-paint time in the browser. False when the socket is not open (use HTTP).
   */
  scanViaSocket(code: string, timeoutMs = 5000): Promise<"cart" | "error" | "timeout"> | false {
    if (!this.socketOpen) return false;
    return new Promise((resolve) => {
      let off = () => {};
      const timer = setTimeout(() => {
        off();
        resolve("timeout");
      }, timeoutMs);
      off = this.onLaneMessage((m) => {
        if (m.type !== "cart" && m.type !== "error") return;
        clearTimeout(timer);
        off();
        resolve(m.type);
      });
      if (!this.socket?.sendScan(code)) {
        clearTimeout(timer);
        off();
        resolve("timeout");
      }
    });
  }

  /**
   * The cashier's answer for an uncertain receipt: "printed" (it is on the paper) or "reprint"
   * (print a marked copy). The banner goes when the edge confirms; a failure stays in it.
   */
  async resolvePrint(jobId: number, resolution: PrintResolution): Promise<void> {
    try {
      await this.api.resolvePrint(this.lane, jobId, resolution);
      this.uncertainError = undefined;
      this.uncertainPrints = this.uncertainPrints.filter((u) => u.jobId !== jobId);
    } catch (e) {
      this.uncertainError = plain(e);
      // Resolved elsewhere (another thin client on the lane) or gone: take the edge's list.
      void this.refreshDevices();
    }
  }

  /** Devices that need a banner: unplugged or failing. */
  get deviceProblems(): DeviceHealth[] {
    return this.devices.filter((d) => d.state === "error" || d.state === "absent");
  }
}

export function laneFromUrl(): string {
  const q = new URLSearchParams(location.search).get("lane");
  return q && /^[0-9]{1,2}$/.test(q) ? q : "1";
}

export { ApiError };
