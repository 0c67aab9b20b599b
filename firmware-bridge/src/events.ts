// What a lane's devices tell the store edge. One union, so that a lane loop can switch on `type`.
import type { ParsedScan } from "@retail/protocol";
import type { WeightReading } from "./scale/weight.ts";

export type DeviceKind = "scanner" | "scale" | "printer" | "display";

/**
 * connected: the transport is open but the device has not answered yet;
 * ready: it answered (a scale frame, a printer status, ...); error: why it cannot be used.
 */
export type HealthState = { state: "connected" } | { state: "ready" } | { state: "error"; reason: string };

export type DeviceHealth = HealthState & { device: string; kind: DeviceKind };

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  /** The drawer-kick connector's pin 3 level as DLE EOT 1 reports it (true = drawer open). */
  drawerOpen: boolean;
}

export type LaneEvent =
  | { type: "scan"; device: string; scan: ParsedScan; aim?: string; at: number }
  | { type: "weight"; device: string; reading: WeightReading; at: number }
  | { type: "printer-status"; device: string; status: PrinterStatus; at: number }
  | { type: "drawer"; device: string; open: boolean; at: number }
  | { type: "device-health"; device: string; kind: DeviceKind; health: HealthState; at: number }
  /** A job sent in full but never confirmed (link dropped before GS r): not printed again by itself. */
  | { type: "print-uncertain"; device: string; print: UncertainPrint; at: number }
  /** A person resolved an uncertain job: it printed, or a marked copy was queued. */
  | {
      type: "print-resolved";
      device: string;
      jobId: number;
      ref: string;
      resolution: "printed" | "reprint";
      reprintJobId?: number;
      at: number;
    };

/** A receipt that may or may not be on the paper, waiting for a person to say which. */
export interface UncertainPrint {
  jobId: number;
  /** The receipt number. */
  ref: string;
  kind: "receipt" | "reprint" | "report";
  reason: string;
  /** Date.now() when the job was queued. */
  createdAt: number;
}
