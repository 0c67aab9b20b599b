// A lane's devices as the checkout sees them: events in (scans, weights, printer and drawer
// state, health) and commands out (print, drawer, scale, customer display). The simulated
// implementation serves demos and tests; an adapter to @retail/firmware-bridge plugs in the
// real drivers behind the same interface. Every command is async and per lane, so a slow
// printer on one lane never holds up another lane's requests.

// The event shapes are the lane API's (protocol/src/lane-api.ts): the terminal reads the same types.
import type {
  DeviceEvent,
  DeviceHealth,
  LaneDeviceKind,
  PrintResolution,
  UncertainPrint,
  Weight,
} from "@retail/protocol";
import { EdgeError, forbidden } from "../errors.ts";

export type { DeviceEvent, DeviceHealth, PrintResolution, UncertainPrint, Weight } from "@retail/protocol";
export type DeviceKind = LaneDeviceKind;

/**
 * Why the drawer is asked to open. The checkout's own cash movements (cash tender, cash refund,
 * float, cash in/out) pass nothing; a no-sale from the terminal says whether a supervisor
 * approved it. Bridge lanes enforce firmware-bridge's drawer policy with it.
 */
export type DrawerRequest = { kind: "cash" } | { kind: "no_sale"; supervisorApproved: boolean };

/** What the printer gets: text lines already laid out, and the receipt number as a barcode. */
export interface ReceiptDoc {
  receiptNo: string;
  training: boolean;
  title: string;
  lines: { left: string; right?: string }[];
  barcode: string;
  /** A shift report (X/Z), not a sale or return: printed as its lines, nothing looked up. */
  report?: { storeName: string; time: string };
}

export interface LaneDevices {
  subscribe(listener: (e: DeviceEvent) => void): () => void;
  /** The scale's last reading (weighed items sell only at a stable, positive weight). */
  weight(): Weight | undefined;
  health(): DeviceHealth[];
  printReceipt(doc: ReceiptDoc): Promise<void>;
  /** Receipts whose printing is uncertain (they survive a restart of the edge). */
  uncertainPrints(): UncertainPrint[];
  /**
   * A person's answer for an uncertain receipt: "printed" (done) or "reprint" (queued again as a
   * marked copy). Resolves once recorded, not when the copy printed (the lane's `print` message
   * for the receipt says that).
   */
  resolvePrint(jobId: number, resolution: PrintResolution): Promise<void>;
  kickDrawer(reason?: DrawerRequest): Promise<void>;
  zeroScale(): Promise<void>;
  tareScale(): Promise<void>;
  showCustomer(top: string, bottom: string): Promise<void>;
  close(): Promise<void>;
}

/** In-process devices: tests and the demo drive them through `simulate*`. */
export class SimulatedDevices implements LaneDevices {
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private lastWeight: Weight | undefined = { grams: 0, stable: true };
  readonly printed: ReceiptDoc[] = [];
  display: [string, string] = ["", ""];
  drawerOpen = false;
  /** Milliseconds a print takes (a slow printer, for tests). */
  printDelayMs = 0;

  constructor(readonly lane: string) {}

  subscribe(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: DeviceEvent): void {
    for (const l of this.listeners) l(e);
  }

  simulateScan(code: string, aim?: string): void {
    this.emit(aim ? { type: "scan", code, aim } : { type: "scan", code });
  }

  simulateWeight(grams: number | undefined, stable: boolean): void {
    this.lastWeight = { grams, stable };
    this.emit({ type: "weight", weight: this.lastWeight });
  }

  weight(): Weight | undefined {
    return this.lastWeight;
  }

  health(): DeviceHealth[] {
    return (["scanner", "scale", "printer", "drawer", "display"] as const).map((kind) => ({
      kind,
      device: `sim-${kind}-${this.lane}`,
      state: "ready",
    }));
  }

  async printReceipt(doc: ReceiptDoc): Promise<void> {
    if (this.printDelayMs) await Bun.sleep(this.printDelayMs);
    this.printed.push(doc);
    if (this.printed.length > 50) this.printed.shift();
  }

  uncertainPrints(): UncertainPrint[] {
    return [];
  }

  async resolvePrint(jobId: number): Promise<void> {
    throw new EdgeError("not_found", "jobId", `no uncertain print job ${jobId} on this lane`);
  }

  async kickDrawer(reason: DrawerRequest = { kind: "cash" }): Promise<void> {
    // The same policy as a bridge lane (firmware-bridge mayOpenDrawer): a no-sale opens the
    // drawer only with a supervisor's approval. Found by the lane devices contract: the
    // simulated drawer opened for anything.
    if (reason.kind === "no_sale" && !reason.supervisorApproved)
      throw forbidden("supervisorId", "the drawer stays shut: a no-sale needs a supervisor's approval");
    this.drawerOpen = true;
    this.emit({ type: "drawer", open: true });
  }

  async zeroScale(): Promise<void> {
    this.simulateWeight(0, true);
  }

  async tareScale(): Promise<void> {
    this.simulateWeight(0, true);
  }

  async showCustomer(top: string, bottom: string): Promise<void> {
    this.display = [top, bottom];
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** A lane without devices (a tablet lane, or devices disabled in the config). */
export class NoDevices extends SimulatedDevices {
  override health(): DeviceHealth[] {
    return [];
  }
  override weight(): Weight | undefined {
    return undefined;
  }
}
