// The edge's sale -> firmware-bridge Receipt mapping, and what that receipt looks like once laid
// out as ESC/POS and decoded again (58 mm: 32 columns, Chinese counted double width).
import { describe, expect, test } from "bun:test";
import { EscPosDecoder, layoutReceipt, type PrintBlock, renderText } from "@retail/firmware-bridge";
import { ORDER_DISCOUNT_ID, ROUNDING_ID, type SaleCompleted } from "@retail/protocol";
import { qtyText, type ReceiptContext, saleToReceipt, storeTime, zheText } from "./receipt.ts";

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

  test("整单折扣 and 抹零 are their own lines, not under each item; the total adds up", () => {
    // 944 after promotions; 10% off (94: 58 + 36 by net) -> 850, 抹零 to the yuan (50: 31 + 19) -> 800.
    const adjusted: SaleCompleted = {
      ...sale,
      lines: [
        {
          ...sale.lines[0]!,
          discounts: [
            { promotionId: ORDER_DISCOUNT_ID, amount: 58 },
            { promotionId: ROUNDING_ID, amount: 31 },
          ],
          net: 495,
        },
        {
          ...sale.lines[1]!,
          discounts: [
            ...sale.lines[1]!.discounts,
            { promotionId: ORDER_DISCOUNT_ID, amount: 36 },
            { promotionId: ROUNDING_ID, amount: 19 },
          ],
          net: 305,
        },
      ],
      totals: { gross: 984, discount: 40 + 94 + 50, net: 800, tax: 70 },
      adjustment: { discount: { basisPoints: 1000 }, rounding: "yuan", approvedBy: "9001" },
    };
    const r = saleToReceipt(adjusted, ctx);
    expect(r.discountFen).toBe(40);
    expect(r.adjustments).toEqual([
      { label: "整单折扣 9折", amountFen: 94 },
      { label: "抹零", amountFen: 50 },
    ]);
    expect(r.lines[0]!.discounts).toBeUndefined();
    expect(r.lines[1]!.discounts).toEqual([{ label: "满减 P-MJ-100", amountFen: 40 }]);
    const text = rendered(layoutReceipt(r, 58), 58);
    expect(text).toMatch(/优惠 Discount\s+-￥0\.40/);
    expect(text).toMatch(/整单折扣 9折\s+-￥0\.94/);
    expect(text).toMatch(/抹零\s+-￥0\.50/);
    expect(text).toMatch(/合计 TOTAL\s+￥8\.00/);
    expect(text.indexOf("整单折扣")).toBeLessThan(text.indexOf("合计 TOTAL"));
    expect(zheText(1250)).toBe("8.75折");
    expect(zheText(500)).toBe("9.5折");
    expect(zheText(10000)).toBe("免单");
  });
});
