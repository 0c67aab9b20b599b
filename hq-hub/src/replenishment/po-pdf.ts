// A purchase order as a PDF for the supplier, from the same document as the XLSX (po-export.ts):
// a header block (order, status, store, supplier, dates), one row per line with name, barcode,
// quantity, pack and value, the total, signature lines, and page numbers. A4 landscape; the
// table header repeats on every page. Amounts are yuan written from integer fen.
import { formatYuanPlain } from "@retail/protocol";
import { type Pdf, pdfFile } from "../export/pdf.ts";
import type { OrderDocument } from "./po-xlsx.ts";

const STATUS: Record<string, string> = {
  draft: "草稿 Draft",
  ordered: "已下单 Ordered",
  in_transit: "在途 In transit",
  received: "已收货 Received",
  closed: "已关闭 Closed",
  cancelled: "已取消 Cancelled",
};

/** ISO instant -> "2026-12-07 09:00" in China time (UTC+8, no daylight saving). */
export function chinaTime(iso: string | null): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

const yuan = (f: number | null) => (f === null ? "未定价" : formatYuanPlain(f));

type Col = { title: string; width: number; align: "left" | "right" };
const COLS: Col[] = [
  { title: "商品编码 SKU", width: 80, align: "left" },
  { title: "品名 Name", width: 220, align: "left" },
  { title: "条码 Barcode", width: 100, align: "left" },
  { title: "数量 Qty", width: 60, align: "right" },
  { title: "单位", width: 40, align: "left" },
  { title: "箱规 Pack", width: 50, align: "right" },
  { title: "箱数 Packs", width: 60, align: "right" },
  { title: "单价(元)", width: 75, align: "right" },
  { title: "金额(元)", width: 85, align: "right" },
];
const ROW = 18;

/** `text` cut (with "…") to fit `width` at the current font size: a cell never wraps (pdfkit
 * wraps CJK text anywhere, even with lineBreak off, when it is wider than the column). */
export function fit(doc: Pdf, text: string, width: number): string {
  // Control characters and bidi overrides would reorder or hide what the supplier reads.
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "");
  if (doc.widthOfString(clean) <= width) return clean;
  const chars = [...clean];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${chars.slice(0, mid).join("")}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join("")}…`;
}

function row(doc: Pdf, y: number, cells: string[], size: number) {
  let x = doc.page.margins.left;
  doc.fontSize(size);
  cells.forEach((text, i) => {
    const c = COLS[i]!;
    doc.text(fit(doc, text, c.width - 6), x + 2, y + 4, {
      width: c.width - 4,
      align: c.align,
      lineBreak: false,
    });
    x += c.width;
  });
}

function tableHeader(doc: Pdf, y: number): number {
  const left = doc.page.margins.left;
  const width = COLS.reduce((a, c) => a + c.width, 0);
  doc.rect(left, y, width, ROW).fillColor("#eeeeee").fill().fillColor("#000000");
  row(
    doc,
    y,
    COLS.map((c) => c.title),
    9,
  );
  return y + ROW;
}

/** The supplier's PDF: every line of the order, with the total. */
export function purchaseOrderPdf(o: OrderDocument, printedAt: Date): Promise<Uint8Array> {
  return pdfFile(
    { title: `采购订单 ${o.id}`, createdAt: printedAt },
    (doc) => {
      const left = doc.page.margins.left;
      const width = COLS.reduce((a, c) => a + c.width, 0);
      doc.fontSize(18).text("采购订单 Purchase Order", left, doc.page.margins.top);
      doc.fontSize(12).text(o.id, left, doc.page.margins.top + 4, { width, align: "right" });
      const facts: [string, string][] = [
        ["供应商 Supplier", `${o.supplier.name} (${o.supplier.id})`],
        ["收货门店 Deliver to", `${o.store.name} (${o.store.id})`],
        ["状态 Status", STATUS[o.status] ?? o.status],
        ["创建 Created", chinaTime(o.createdAt)],
        ["下单 Ordered", chinaTime(o.orderedAt)],
        ["预计到货 Expected", chinaTime(o.expectedAt)],
      ];
      let y = doc.page.margins.top + 32;
      doc.fontSize(10);
      facts.forEach(([k, v], i) => {
        const x = left + (i % 2) * (width / 2);
        doc.text(fit(doc, `${k}: ${v}`, width / 2 - 12), x, y, { width: width / 2 - 8, lineBreak: false });
        if (i % 2 === 1) y += 16;
      });
      y = tableHeader(doc, y + 10);
      const bottom = () => doc.page.height - doc.page.margins.bottom - 20;
      for (const l of o.lines) {
        if (y + ROW > bottom()) {
          doc.addPage();
          y = tableHeader(doc, doc.page.margins.top);
        }
        row(
          doc,
          y,
          [
            l.sku,
            l.name,
            l.barcode ?? "",
            String(l.qty),
            l.unit,
            String(l.packSize),
            l.packSize > 0 && l.qty % l.packSize === 0 ? String(l.qty / l.packSize) : "",
            yuan(l.unitCostFen),
            yuan(l.valueFen),
          ],
          9,
        );
        doc
          .moveTo(left, y + ROW)
          .lineTo(left + width, y + ROW)
          .lineWidth(0.3)
          .strokeColor("#bbbbbb")
          .stroke();
        y += ROW;
      }
      if (y + ROW * 4 > bottom()) {
        doc.addPage();
        y = doc.page.margins.top;
      }
      row(
        doc,
        y,
        [
          "合计 Total",
          `${o.lines.length} 行 lines`,
          "",
          String(o.lines.reduce((a, l) => a + l.qty, 0)),
          "",
          "",
          "",
          "",
          yuan(o.totalFen),
        ],
        10,
      );
      y += ROW * 3;
      doc.fontSize(10).text("供应商确认 Supplier: ____________________", left, y, { lineBreak: false });
      doc.text("采购 Buyer: ____________________", left + width / 2, y, { lineBreak: false });
      const range = doc.bufferedPageRange();
      for (let i = 0; i < range.count; i++) {
        doc.switchToPage(range.start + i);
        doc.fontSize(8).text(
          `${o.id} · 第 ${i + 1} / ${range.count} 页 · 打印 ${chinaTime(printedAt.toISOString())}`,
          left,
          doc.page.height - doc.page.margins.bottom - 10,
          // height: the footer sits in the bottom margin, which must not start a new page.
          { width, height: 20, align: "center", lineBreak: false },
        );
      }
    },
    { layout: "landscape" },
  );
}
