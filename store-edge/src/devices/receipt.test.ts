// The edge's sale -> firmware-bridge Receipt mapping, and what that receipt looks like once laid
// out as ESC/POS and decoded again (58 mm: 32 columns, Chinese counted double width).
import { describe, expect, test } from "bun:test";
import { EscPosDecoder, layoutReceipt, type PrintBlock, renderText } from "@retail/firmware-bridge";
import type { SaleCompleted } from "@retail/protocol";
import { qtyText, type ReceiptContext, saleToReceipt, storeTime } from "./receipt.ts";

const sale: SaleCompleted = {
  saleId: "0193a0b0-0000-7000-8000-000000000001",
  receiptNo: "RC-S001-01-20261125-0042",
  laneId: "1",
  cashierId: "1001",
  shiftId: "0193a0b0-0000-7000-8000-000000000002",
  businessDay: "2026-11-25",
  training: false,
  catalogVersion: 3,
  member: { id: "M001", tier: "gold" },
  coupons: [],
  lines: [
    {
      lineId: "l1",
      sku: "SKU000001",
      name: "红富士苹果",
      category: "1001",
      qty: 456,
      weighed: true,
      unitPrice: 1280,
      taxRate: 9,
      priceVersion: 3,
      gross: 584,
      discounts: [],
      net: 584,
      tax: 48,
    },
    {
      lineId: "l2",
      sku: "SKU000002",
      name: "农夫山泉 饮用天然水 550ml",
      category: "1002",
      qty: 2,
      weighed: false,
      unitPrice: 200,
      taxRate: 13,
      priceVersion: 3,
      gross: 400,
      discounts: [{ promotionId: "P-MJ-100", amount: 40 }],
      net: 360,
      tax: 41,
    },
  ],
  totals: { gross: 984, discount: 40, net: 944, tax: 89 },
  applied: ["P-MJ-100"],
  tenders: [
    { kind: "card", amount: 500, reference: "A1B2C3" },
    { kind: "cash", amount: 444, received: 500, change: 56 },
  ],
  completedAt: "2026-11-25T02:05:00.000Z",
};

const ctx: ReceiptContext = {
  storeName: "上海徐汇店",
  cashierName: (id) => (id === "1001" ? "王芳" : undefined),
  promotionKind: (id) => (id === "P-MJ-100" ? "threshold" : undefined),
  qrUrl: "https://einvoice.example.com/r/{receiptNo}",
  footer: ["谢谢惠顾"],
};

function rendered(bytes: Uint8Array, paper: 58 | 80): string {
  const blocks: PrintBlock[] = [];
  for (const item of new EscPosDecoder().push(bytes)) if (item.kind === "block") blocks.push(item.block);
  return renderText(blocks, paper);
}

describe("sale -> Receipt", () => {
  test("store-local time, weighed quantity, labels, tenders and change", () => {
    expect(storeTime(sale.completedAt)).toBe("2026-11-25 10:05");
    expect(qtyText(456, true)).toBe("0.456kg");
    expect(qtyText(12034, true)).toBe("12.034kg");
    expect(qtyText(3, false)).toBe("3");
    const r = saleToReceipt(sale, ctx);
    expect(r).toMatchObject({
      storeName: "上海徐汇店",
      receiptNo: sale.receiptNo,
      time: "2026-11-25 10:05",
      lane: "1",
      cashier: "王芳(1001)",
      subtotalFen: 984,
      discountFen: 40,
      totalFen: 944,
      changeFen: 56,
      member: "M001",
      training: false,
      qrUrl: "https://einvoice.example.com/r/RC-S001-01-20261125-0042",
      footer: ["谢谢惠顾"],
    });
    expect(r.lines[0]).toEqual({ name: "红富士苹果", qty: "0.456kg", unitPriceFen: 1280, amountFen: 584 });
    expect(r.lines[1]!.discounts).toEqual([{ label: "满减 P-MJ-100", amountFen: 40 }]);
    // With a name from HQ the receipt prints the name instead of kind + id.
    const named = saleToReceipt(sale, {
      ...ctx,
      promotionName: (id) => (id === "P-MJ-100" ? "满100减20" : undefined),
    });
    expect(named.lines[1]!.discounts).toEqual([{ label: "满100减20", amountFen: 40 }]);
    // Cash shows what was handed over; the change line follows.
    expect(r.tenders).toEqual([
      { label: "银行卡 Card", amountFen: 500 },
      { label: "现金 Cash", amountFen: 500 },
    ]);
  });

  test("laid out on 58 mm paper and decoded back: every line fits, ￥ amounts, CODE128, QR", () => {
    const text = rendered(layoutReceipt(saleToReceipt({ ...sale, training: true }, ctx), 58), 58);
    expect(text).toContain("单号 RC-S001-01-20261125-0042");
    expect(text).toContain("0.456kg x ￥12.80");
    expect(text).toMatch(/满减 P-MJ-100\s+-￥0\.40/);
    expect(text).toMatch(/合计 TOTAL\s+￥9\.44/);
    expect(text).toMatch(/找零 Change\s+￥0\.56/);
    expect(text).toContain("[CODE128 RC-S001-01-20261125-0042]");
    expect(text).toContain("[QR https://einvoice.example.com/r/RC-S001-01-20261125-0042]");
    expect(text).toContain("非销售单据 NOT A SALE");
    const width = (s: string) => [...s].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
    for (const line of text.split("\n"))
      if (!line.startsWith("[")) expect(width(line)).toBeLessThanOrEqual(32);
  });
});
