// USB HID POS barcode scanners (HID usage page 0x8C, "HID Point of Sale Usage Tables" 1.02,
// Scanned Data Report, usage 0x12), as Honeywell, Zebra and Datalogic send it in "HID POS" mode.
// Input report 0x02, 64 bytes with the report id:
//   [0] report id 0x02  [1] data length in this report  [2..4] AIM symbology id ("]E0")
//   [5..60] up to 56 data bytes  [61..62] vendor-specific  [63] bit 0: decode data continued
// A long code (QR, GS1 DataBar) spans several reports; the last has the continued bit clear.

export const HID_POS_USAGE_PAGE = 0x8c;
export const SCANNED_DATA_REPORT_ID = 0x02;
const DATA_MAX = 56;
export const HID_POS_REPORT_SIZE = 64;

export interface HidPosScan {
  code: string;
  aim?: string;
}

export class HidPosDecoder {
  #parts: number[] = [];
  #aim: string | undefined;
  /** Reports that were not Scanned Data Reports or were malformed. */
  ignored = 0;

  push(report: Uint8Array): HidPosScan | undefined {
    if (report.length < 6 || report[0] !== SCANNED_DATA_REPORT_ID) {
      this.ignored++;
      return undefined;
    }
    const len = report[1]!;
    if (len > DATA_MAX || 5 + len > report.length) {
      this.ignored++;
      this.#parts = [];
      return undefined;
    }
    const aim = String.fromCharCode(report[2]!, report[3]!, report[4]!);
    if (this.#parts.length === 0) this.#aim = aim.startsWith("]") ? aim : undefined;
    this.#parts.push(...report.subarray(5, 5 + len));
    const continued = report.length >= HID_POS_REPORT_SIZE && (report[HID_POS_REPORT_SIZE - 1]! & 1) === 1;
    if (continued) return undefined;
    const code = new TextDecoder("latin1").decode(Uint8Array.from(this.#parts));
    this.#parts = [];
    return this.#aim ? { code, aim: this.#aim } : { code };
  }
}

/** Code -> reports, for simulators. */
export function encodeHidPosReports(code: string, aim = "]E0"): Uint8Array[] {
  const bytes = Uint8Array.from(code, (c) => c.charCodeAt(0) & 0xff);
  const out: Uint8Array[] = [];
  for (let off = 0; off === 0 || off < bytes.length; off += DATA_MAX) {
    const chunk = bytes.subarray(off, off + DATA_MAX);
    const r = new Uint8Array(HID_POS_REPORT_SIZE);
    r[0] = SCANNED_DATA_REPORT_ID;
    r[1] = chunk.length;
    r.set(
      Uint8Array.from(aim.padEnd(3, "\0"), (c) => c.charCodeAt(0)),
      2,
    );
    r.set(chunk, 5);
    r[HID_POS_REPORT_SIZE - 1] = off + DATA_MAX < bytes.length ? 1 : 0;
    out.push(r);
  }
  return out;
}
