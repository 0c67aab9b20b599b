// What a bridge lane's devices report, as the lane sees it: scans as they come, weights and
// printer status only when they change (the scale answers several times a second), the drawer,
// uncertain and resolved prints, and every device's health; a printer or scale that drops off
// the wire is shown offline / without a reading, whatever it said last.
import type { LaneEvent, PrinterStatus } from "@retail/firmware-bridge";
import { drawerId } from "./bridge-config.ts";
import type { DeviceEvent, DeviceHealth, UncertainPrint, Weight } from "./port.ts";

export class BridgeEvents {
  private lastWeight: Weight | undefined;
  private printer: PrinterStatus | undefined;
  private printerHealthy = false;

  constructor(private readonly emit: (e: DeviceEvent) => void) {}

  on(e: LaneEvent): void {
    switch (e.type) {
      case "scan":
        this.emit(
          e.aim ? { type: "scan", code: e.scan.code, aim: e.aim } : { type: "scan", code: e.scan.code },
        );
        return;
      case "weight": {
        const w: Weight = {
          grams: e.reading.grams,
          stable: e.reading.status === "stable",
          status: e.reading.status,
        };
        const last = this.lastWeight;
        this.lastWeight = w;
        // The scale answers several times a second: only changes go to the lane.
        if (!last || last.grams !== w.grams || last.status !== w.status)
          this.emit({ type: "weight", weight: w });
        return;
      }
      case "printer-status": {
        const s = e.status;
        const last = this.printer;
        this.printer = s;
        const changed =
          !last ||
          !this.printerHealthy ||
          last.online !== s.online ||
          last.paperOut !== s.paperOut ||
          last.coverOpen !== s.coverOpen ||
          last.paperNearEnd !== s.paperNearEnd;
        this.printerHealthy = true;
        if (changed)
          this.emit({
            type: "printer",
            online: s.online,
            paperOut: s.paperOut,
            coverOpen: s.coverOpen,
            paperNearEnd: s.paperNearEnd,
          });
        return;
      }
      case "drawer":
        this.emit({ type: "drawer", open: e.open });
        return;
      case "print-uncertain":
        this.emit({ type: "print-uncertain", print: toUncertain(e.print, e.print.reason) });
        return;
      case "print-resolved":
        this.emit({ type: "print-resolved", jobId: e.jobId, receiptNo: e.ref, resolution: e.resolution });
        return;
      case "device-health": {
        const h = e.health;
        const health: DeviceHealth = { kind: e.kind, device: e.device, state: h.state };
        if (h.state === "error") health.reason = h.reason;
        this.emit({ type: "health", health });
        if (e.kind === "printer") {
          this.emit({ type: "health", health: { ...health, kind: "drawer", device: drawerId(e.device) } });
          // A printer that dropped off the wire is offline for the lane, whatever it said last.
          if (h.state === "error" && !/paper|cover/.test(h.reason)) {
            this.printerHealthy = false;
            const s = this.printer;
            this.emit({
              type: "printer",
              online: false,
              paperOut: s?.paperOut ?? false,
              coverOpen: s?.coverOpen ?? false,
              paperNearEnd: s?.paperNearEnd ?? false,
            });
          }
        }
        if (e.kind === "scale" && h.state === "error" && this.lastWeight) {
          // No reading any more: the lane stops showing (and selling at) the last one.
          this.lastWeight = undefined;
          this.emit({ type: "weight", weight: { grams: undefined, stable: false } });
        }
        return;
      }
    }
  }
}

export function toUncertain(
  p: { jobId: number; ref: string; createdAt: number },
  reason: string,
): UncertainPrint {
  return { jobId: p.jobId, receiptNo: p.ref, reason, queuedAt: new Date(p.createdAt).toISOString() };
}
