import { describe, expect, test } from "bun:test";
import { EscPosDecoder, type PrintBlock } from "./decoder.ts";
import { columnsFor } from "./receipt.ts";
import { renderText } from "./render.ts";
import { layoutReport } from "./report.ts";
import { displayWidth } from "./text.ts";

const blocksOf = (bytes: Uint8Array): PrintBlock[] =>
  new EscPosDecoder().push(bytes).flatMap((i) => (i.kind === "block" ? [i.block] : []));

describe("shift report layout", () => {
  for (const paper of [58, 80] as const)
    test(`${paper} mm: title, reference, every line and a cut; nothing wider than the paper`, () => {
      const bytes = layoutReport(
        {
          storeName: "上海徐汇店",
          title: "X 报表 班中",
          ref: "X-0193a1b2-shift",
          time: "2026-12-07 14:05",
          lines: [
            { left: "收银员 张敏 (1001)" },
            { left: "销售 12 笔", right: "1,234.56" },
            { left: "删除商品 1 次" },
            { left: "退款 1 笔", right: "-38.49" },
          ],
        },
        paper,
      );
      const blocks = blocksOf(bytes);
      expect(blocks.at(-1)).toMatchObject({ type: "cut" });
      const text = renderText(blocks, paper);
      // Store name and title print double width (spaced out in the text rendering).
      expect(text.replace(/ /g, "")).toContain("上海徐汇店\nX报表班中");
      for (const want of ["单号 X-0193a1b2-shift", "2026-12-07 14:05", "删除商品 1 次"])
        expect(text).toContain(want);
      expect(text).toMatch(/销售 12 笔 +1,234\.56/);
      expect(text).toMatch(/退款 1 笔 +-38\.49/);
      expect(text).not.toContain("合计 TOTAL");
      for (const line of text.split("\n")) expect(displayWidth(line)).toBeLessThanOrEqual(columnsFor(paper));
    });

  test("a training report says so", () => {
    const text = renderText(
      blocksOf(
        layoutReport({ storeName: "S", title: "Z 报表", ref: "Z-1", time: "t", lines: [], training: true }),
      ),
    );
    expect(text).toContain("非销售单据 NOT A SALE");
  });
});
