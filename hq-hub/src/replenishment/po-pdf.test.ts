// The supplier's PDF, read back with a real PDF reader: every line of a long order (names in
// Chinese, quantities, pack counts, values), the total, the table header on every page, and
// hostile text (a name far wider than its column, characters the font lacks) printed without
// breaking the layout or the file.
import { describe, expect, test } from "bun:test";
import { formatYuanPlain } from "@retail/protocol";
import { pdfPages } from "../testing/pdf-text.ts";
import { chinaTime, purchaseOrderPdf } from "./po-pdf.ts";
import type { OrderDocument } from "./po-xlsx.ts";

function order(lines: number): OrderDocument {
  const ls = Array.from({ length: lines }, (_, i) => ({
    sku: `S${String(i + 1).padStart(4, "0")}`,
    name: `纯牛奶 250ml 第${i + 1}号`,
    barcode: `69${String(1_000_000_000 + i)}`,
    qty: 12 * (i + 1),
    unit: "EA",
    packSize: 12,
    unitCostFen: 300 + i,
    valueFen: 12 * (i + 1) * (300 + i),
  }));
  return {
    id: "PO-TEST-1",
    status: "ordered",
    store: { id: "E1", name: "人民路店" },
    supplier: { id: "SUP-YILI", name: "伊利乳业" },
    createdAt: "2026-12-07T01:00:00.000Z",
    orderedAt: "2026-12-07T01:05:00.000Z",
    expectedAt: "2026-12-10T00:00:00.000Z",
    lines: ls,
    totalFen: ls.reduce((a, l) => a + l.valueFen, 0),
  };
}

describe("purchase order PDF", () => {
  test("a 60-line order: every line, the total, the header on each page, page numbers", async () => {
    const o = order(60);
    const bytes = await purchaseOrderPdf(o, new Date("2026-12-07T02:00:00Z"));
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(1);
    const all = pages.flat();
    expect(all.slice(0, 2).sort()).toEqual(["PO-TEST-1", "采购订单 Purchase Order"]);
    expect(all).toContain("供应商 Supplier: 伊利乳业 (SUP-YILI) 收货门店 Deliver to: 人民路店 (E1)");
    expect(all).toContain("状态 Status: 已下单 Ordered 创建 Created: 2026-12-07 09:00");
    expect(all).toContain("下单 Ordered: 2026-12-07 09:05 预计到货 Expected: 2026-12-10 08:00");
    // Each row reads across: SKU, name, barcode, qty, unit, pack, packs, unit cost, value.
    for (const l of o.lines)
      expect(all).toContain(
        [
          l.sku,
          l.name,
          l.barcode,
          l.qty,
          "EA",
          12,
          l.qty / 12,
          formatYuanPlain(l.unitCostFen!),
          formatYuanPlain(l.valueFen!),
        ].join(" "),
      );
    expect(all.filter((t) => /^S\d{4} /.test(t))).toHaveLength(60);
    expect(all).toContain(
      `合计 Total 60 行 lines ${o.lines.reduce((a, l) => a + l.qty, 0)} ${formatYuanPlain(o.totalFen!)}`,
    );
    pages.forEach((p, i) => {
      expect(p).toContain(
        "商品编码 SKU 品名 Name 条码 Barcode 数量 Qty 单位 箱规 Pack 箱数 Packs 单价(元) 金额(元)",
      );
      expect(p).toContain(`PO-TEST-1 · 第 ${i + 1} / ${pages.length} 页 · 打印 2026-12-07 10:00`);
    });
  });

  test("unpriced lines say so; an unknown total is not printed as 0", async () => {
    const o = order(2);
    o.lines[1] = { ...o.lines[1]!, unitCostFen: null, valueFen: null, qty: 5 };
    o.totalFen = null;
    const all = (await pdfPages(await purchaseOrderPdf(o, new Date()))).flat();
    // 5 is not a whole number of packs of 12: the packs cell stays empty.
    expect(all).toContain(`S0002 纯牛奶 250ml 第2号 ${o.lines[1]!.barcode} 5 EA 12 未定价 未定价`);
    expect(all).toContain("合计 Total 2 行 lines 17 未定价");
  });

  test("hostile text: a 2,000-character name, control and bidi characters, glyphs the font lacks", async () => {
    const o = order(3);
    o.lines[0] = { ...o.lines[0]!, name: "超长品名".repeat(500) };
    o.lines[1] = { ...o.lines[1]!, name: "🥛\u0000\u202e<script>)(" };
    o.supplier.name = ")\\(";
    const pages = await pdfPages(await purchaseOrderPdf(o, new Date()));
    expect(pages).toHaveLength(1);
    const all = pages[0]!;
    const long = all.find((t) => t.startsWith("S0001 "))!;
    expect(long).toMatch(/^S0001 (超长品名)+[超长品名]{0,3}… 691000000000 12 EA 12 1 3\.00 36\.00$/);
    expect(long.length).toBeLessThan(120); // cut to its column, not wrapped over pages
    expect(all.find((t) => t.startsWith("S0002 "))).toContain("<script>)(");
    expect(all.find((t) => t.startsWith("S0002 "))).not.toContain("\u202e"); // the bidi override is dropped
    expect(all.some((t) => t.startsWith("S0003 "))).toBe(true);
    expect(all.some((t) => t.startsWith("供应商 Supplier: )\\( (SUP-YILI)"))).toBe(true);
  });

  test("China time", () => {
    expect(chinaTime("2026-12-31T16:30:00.000Z")).toBe("2027-01-01 00:30");
    expect(chinaTime(null)).toBe("—");
    expect(chinaTime("garbage")).toBe("garbage");
  });
});
