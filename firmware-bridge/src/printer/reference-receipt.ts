// The reference receipt the byte-exact test and the demo print: Chinese names, a weighed item,
// line discounts, two tenders, change, the receipt number and a member sign-up QR code.
import { formatReceiptNo } from "@retail/protocol";
import type { Bitmap } from "./escpos.ts";
import type { Receipt } from "./receipt.ts";

/** A 64x16 logo: a frame with a filled square, enough to see GS v 0 work. */
export function referenceLogo(): Bitmap {
  const width = 64;
  const height = 16;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const edge = y === 0 || y === height - 1 || x === 0 || x === width - 1;
      const block = x >= 4 && x < 16 && y >= 3 && y < 13;
      pixels[y * width + x] = edge || block ? 1 : 0;
    }
  return { width, height, pixels };
}

export function referenceReceipt(overrides: Partial<Receipt> = {}): Receipt {
  return {
    storeName: "鲜丰超市 徐汇店",
    storeAddress: "上海市徐汇区漕溪北路 88 号",
    receiptNo: formatReceiptNo({ storeId: "SH001", lane: 2, day: "20250301", number: 42 }),
    time: "2025-03-01 14:05",
    lane: "02",
    cashier: "王芳",
    lines: [
      { name: "农夫山泉 饮用天然水 550ml", qty: "2", unitPriceFen: 200, amountFen: 400 },
      {
        name: "红富士苹果 (称重)",
        qty: "0.456kg",
        unitPriceFen: 1280,
        amountFen: 584,
        discounts: [{ label: "会员价 -10%", amountFen: 58 }],
      },
      { name: "Coca-Cola 可口可乐 330ml x6", qty: "1", unitPriceFen: 1590, amountFen: 1590 },
    ],
    subtotalFen: 2574,
    discountFen: 58,
    totalFen: 2516,
    tenders: [
      { label: "现金 Cash", amountFen: 3000 },
      { label: "会员积分 Points", amountFen: 16 },
    ],
    changeFen: 500,
    member: "138****5678",
    qrUrl: "https://m.example.cn/join?s=SH001&r=42",
    qrCaption: "扫码注册会员 开具电子发票",
    footer: ["谢谢惠顾 欢迎再次光临", "Thank you"],
    logo: referenceLogo(),
    ...overrides,
  };
}
