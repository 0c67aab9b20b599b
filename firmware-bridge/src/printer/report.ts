// A shift report (X mid-shift, Z at the close) as the receipt printer prints it: store, title,
// reference, time, lane and cashier, then label/value lines the store edge has already worded
// and formatted. No totals block and no payment lines: it is not a sale.
import { EscPos } from "./escpos.ts";
import type { PaperWidth } from "./receipt.ts";
import { columnsFor } from "./receipt.ts";

export interface PrintReport {
  storeName: string;
  /** "X 报表 班中", "Z 报表 交班". */
  title: string;
  /** The report's reference ("X-<shift id>"), printed as 单号 like a receipt number. */
  ref: string;
  /** Local time as printed, e.g. "2025-03-01 14:05". */
  time: string;
  lines: { left: string; right?: string }[];
  training?: boolean;
}

export function layoutReport(r: PrintReport, paper: PaperWidth = 80): Uint8Array {
  const cols = columnsFor(paper);
  const rule = "-".repeat(cols);
  const p = new EscPos().init();
  if (r.training)
    p.align("center").bold(true).line("培训 TRAINING").line("*** 非销售单据 NOT A SALE ***").bold(false);
  p.align("center").bold(true).size(2, 2);
  p.lineWrapped(r.storeName, Math.floor(cols / 2));
  p.lineWrapped(r.title, Math.floor(cols / 2));
  p.size(1, 1).bold(false).align("left");
  p.lineLR(`单号 ${r.ref}`, "", cols);
  p.line(r.time);
  p.line(rule);
  for (const l of r.lines) {
    if (l.right === undefined) p.lineWrapped(l.left, cols);
    else p.lineLR(l.left, l.right, cols);
  }
  p.line(rule);
  return p.feed(2).cut().bytes();
}
