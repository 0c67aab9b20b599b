import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { EscPosDecoder, type PrintBlock } from "./decoder.ts";
import { EscPos } from "./escpos.ts";
import { columnsFor, layoutReceipt } from "./receipt.ts";
import { referenceReceipt } from "./reference-receipt.ts";
import { renderPng, renderText } from "./render.ts";
import { displayWidth, encodeGbk, leftRight, padStartToWidth, wrapToWidth } from "./text.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const blocksOf = (bytes: Uint8Array): PrintBlock[] =>
  new EscPosDecoder().push(bytes).flatMap((i) => (i.kind === "block" ? [i.block] : []));

describe("text and GBK", () => {
  test("¥ prints as the fullwidth ￥ (A3A4); Chinese is two bytes and two columns", () => {
    expect(hex(encodeGbk("¥"))).toBe("a3a4");
    expect(hex(encodeGbk("￥12.50"))).toBe("a3a431322e3530");
    expect(hex(encodeGbk("培训"))).toBe("c5e0d1b5");
    expect(displayWidth("培训 TRAINING")).toBe(13);
    expect(displayWidth("¥1")).toBe(3);
  });
});

describe("text written straight into the job buffer", () => {
  const texts = [
    "",
    "Coca-Cola 可口可乐 330ml x6",
    "红富士苹果 (称重) 特级 新疆阿克苏 冰糖心 大果 5kg 装 礼盒",
    "¥12.50 ￥3",
    "emoji 😀 and 𠀀 outside the BMP",
    "a".repeat(60),
  ];
  test("GBK per cached character equals iconv on the whole string (¥ as ￥)", () => {
    for (const t of texts)
      expect(hex(encodeGbk(t))).toBe(hex(iconv.encode(t.replace(/\u00a5/g, "\uffe5"), "gbk")));
  });
  test("lineLR and lineWrapped give the bytes of leftRight / wrapToWidth lines", () => {
    for (const cols of [16, 24, 32, 48])
      for (const a of texts)
        for (const b of ["", "¥1.00", "金额", "-¥12,345.67", "x".repeat(cols + 3)]) {
          const want = new EscPos().line(leftRight(a, padStartToWidth(b, 10), cols)).bytes();
          expect(hex(new EscPos(8).lineLR(a, b, cols, 10).bytes())).toBe(hex(want));
          const wrapped = new EscPos();
          for (const l of wrapToWidth(a, cols)) wrapped.line(l);
          expect(hex(new EscPos(8).lineWrapped(a, cols).bytes())).toBe(hex(wrapped.bytes()));
        }
  });
});

describe("ESC/POS commands (Epson ESC/POS reference)", () => {
  test("init + Chinese mode, align, bold, size, cut, drawer kick", () => {
    expect(hex(new EscPos().init().bytes())).toBe("1b401c26");
    expect(hex(new EscPos().align("center").bold(true).bytes())).toBe("1b61011b4501");
    expect(hex(new EscPos().size(2, 2).bytes())).toBe("1d21111c210c");
    expect(hex(new EscPos().cut().bytes())).toBe("1d564203");
    // ESC p 0 t1 t2: 100 ms on = 50 x 2 ms, 500 ms off = 250 x 2 ms.
    expect(hex(new EscPos().drawerKick(2, 100, 500).bytes())).toBe("1b700032fa");
    expect(hex(new EscPos().drawerKick(5, 50, 100).bytes())).toBe("1b70011932");
  });
  test("CODE128 set B, QR store/print, raster", () => {
    expect(hex(new EscPos().code128("AB1").bytes())).toBe("1d48021d683c1d77021d6b49057b424142310a");
    const qr = new EscPos().qr("hi").bytes();
    expect(hex(qr)).toContain("1d286b0500315030" + "6869"); // fn 180, pL = 2 + 3
    expect(hex(qr).endsWith("1d286b0300315130")).toBe(true);
    const img = { width: 9, height: 1, pixels: Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 1, 1) };
    expect(hex(new EscPos().raster(img).bytes())).toBe("1d7630000200010081" + "80");
  });
});

describe("reference receipt", () => {
  for (const paper of [80, 58] as const) {
    test(`${paper} mm: bytes equal the reviewed fixture`, () => {
      const bytes = layoutReceipt(referenceReceipt(), paper);
      const file = join(import.meta.dir, "fixtures", `reference-receipt-${paper}mm.hex`);
      const actual = `${hex(bytes).replace(/(.{64})/g, "$1\n")}\n`;
      if (process.env.UPDATE_FIXTURES) writeFileSync(file, actual);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });

    test(`${paper} mm: decodes to the receipt, every line fits ${columnsFor(paper)} columns`, () => {
      const blocks = blocksOf(layoutReceipt(referenceReceipt(), paper));
      const texts = blocks.flatMap((b) => (b.type === "text" ? [b] : []));
      for (const t of texts) expect(displayWidth(t.text) * t.width).toBeLessThanOrEqual(columnsFor(paper));
      const text = renderText(blocks, paper);
      expect(text).toContain("农夫山泉");
      expect(text).toMatch(/合计 TOTAL +￥25\.16/);
      expect(text).toMatch(/找零 Change +￥5\.00/);
      expect(text).toMatch(/会员价 -10% +-￥0\.58/);
      expect(text).toContain("2025-03-01 14:05");
      expect(blocks).toContainEqual({
        type: "barcode",
        symbology: "CODE128",
        data: "RC-SH001-02-20250301-0042",
      });
      expect(blocks).toContainEqual({ type: "qr", data: "https://m.example.cn/join?s=SH001&r=42" });
      expect(blocks.find((b) => b.type === "raster")).toMatchObject({ bitmap: { width: 64, height: 16 } });
      expect(blocks.at(-1)).toEqual({ type: "cut", partial: true });
      const total = texts.find((t) => t.text.startsWith("合计"))!;
      expect(total).toMatchObject({ bold: true, height: 2 });
      const name = texts.find((t) => t.text.startsWith("鲜丰"))!;
      expect(name).toMatchObject({ width: 2, height: 2, align: "center" });
    });
  }

  test("training receipts say 培训 TRAINING at the top and the bottom; reprints say so", () => {
    const text = renderText(blocksOf(layoutReceipt(referenceReceipt({ training: true }))));
    const lines = text.split("\n").filter((l) => l.includes("培") || l.includes("TRAINING"));
    expect(lines.length).toBe(2);
    expect(text.indexOf("T R A I N I N G")).toBeLessThan(text.indexOf("鲜"));
    expect(renderText(blocksOf(layoutReceipt(referenceReceipt({ reprint: true }))))).toContain(
      "重印 REPRINT",
    );
  });

  test("PNG of the receipt: 576 dots wide, CJK glyphs drawn", async () => {
    const png = await renderPng(blocksOf(layoutReceipt(referenceReceipt())), 80);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(576);
    // A line of only Chinese text must put ink on the paper: a missing font draws nothing
    // (or tofu boxes of identical size); compare two different glyph strings.
    const a = await renderPng(
      [{ type: "text", text: "培训", bold: false, width: 1, height: 1, align: "left" }],
      58,
    );
    const b = await renderPng(
      [{ type: "text", text: "谢谢", bold: false, width: 1, height: 1, align: "left" }],
      58,
    );
    expect(a.equals(b)).toBe(false);
  });
});
