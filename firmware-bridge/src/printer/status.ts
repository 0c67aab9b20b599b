// DLE EOT status bytes (ESC/POS reference, "DLE EOT n: Transmit real-time status"). Every status
// byte has bit 1 and bit 4 set and bits 0 and 7 clear, which is how we tell it from noise.
import type { PrinterStatus } from "../events.ts";

export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** n=1 printer status: bit 2 drawer kick-out connector pin 3 high; bit 3 offline. */
export function parsePrinterStatus(b: number): { drawerPin3High: boolean; offline: boolean } {
  return { drawerPin3High: !!(b & 0x04), offline: !!(b & 0x08) };
}
/** n=2 offline cause: bit 2 cover open; bit 3 paper fed by button; bit 5 stopped by paper end; bit 6 error. */
export function parseOfflineCause(b: number): { coverOpen: boolean; paperEndStop: boolean; error: boolean } {
  return { coverOpen: !!(b & 0x04), paperEndStop: !!(b & 0x20), error: !!(b & 0x40) };
}
/** n=4 roll paper sensor: bits 2-3 near end; bits 5-6 paper end. */
export function parsePaperSensor(b: number): { nearEnd: boolean; paperOut: boolean } {
  return { nearEnd: (b & 0x0c) !== 0, paperOut: (b & 0x60) !== 0 };
}

export function combineStatus(s1: number, s2: number, s4: number): PrinterStatus {
  const p = parsePrinterStatus(s1);
  const o = parseOfflineCause(s2);
  const paper = parsePaperSensor(s4);
  return {
    online: !p.offline,
    coverOpen: o.coverOpen,
    paperNearEnd: paper.nearEnd,
    paperOut: paper.paperOut || o.paperEndStop,
    drawerOpen: p.drawerPin3High,
  };
}

/** Why the printer cannot print now, or undefined when it can. */
export function notReadyReason(s: PrinterStatus): string | undefined {
  if (s.coverOpen) return "cover open";
  if (s.paperOut) return "paper out";
  if (!s.online) return "offline";
  return undefined;
}

/** The status bytes a printer in this state sends (for simulators). */
export function encodeStatus(s: PrinterStatus): { s1: number; s2: number; s4: number } {
  const offline = s.coverOpen || s.paperOut || !s.online;
  return {
    s1: 0x12 | (s.drawerOpen ? 0x04 : 0) | (offline ? 0x08 : 0),
    s2: 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0),
    s4: 0x12 | (s.paperNearEnd || s.paperOut ? 0x0c : 0) | (s.paperOut ? 0x60 : 0),
  };
}
