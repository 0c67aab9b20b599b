// The one XLSX writer: several sheets, column widths, the purchase order written through it;
// every file checked by Info-ZIP's `unzip -t` (CRC and structure) and its parts read back.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { purchaseOrderXlsx } from "../replenishment/po-xlsx.ts";
import { workbook, xlsx } from "./xlsx.ts";

function unzip(bytes: Uint8Array): { ok: boolean; part: (name: string) => string; list: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "xlsx-"));
  const path = join(dir, "f.xlsx");
  writeFileSync(path, bytes);
  const ok = Bun.spawnSync(["unzip", "-t", path]).exitCode === 0;
  const list = Bun.spawnSync(["unzip", "-Z1", path]).stdout.toString().trim().split("\n");
  const parts = new Map(
    list.map((n) => [n, Bun.spawnSync(["unzip", "-p", path, n.replace(/[[\]]/g, "\\$&")]).stdout.toString()]),
  );
  rmSync(dir, { recursive: true, force: true });
  return { ok, list, part: (n) => parts.get(n) ?? "" };
}

describe("workbook", () => {
  test("two sheets with widths: each part present, named, related", () => {
    const f = unzip(
      workbook([
        {
          name: "按门店",
          rows: [
            ["门店", "销售额"],
            ["S1", { number: "12.34" }],
          ],
          widths: [20, 12],
        },
        { name: "按区域", rows: [["区域"], ["east"]] },
      ]),
    );
    expect(f.ok).toBe(true);
    expect(f.list).toContain("xl/worksheets/sheet2.xml");
    expect(f.part("xl/workbook.xml")).toContain(
      '<sheet name="按门店" sheetId="1" r:id="rId1"/><sheet name="按区域" sheetId="2" r:id="rId2"/>',
    );
    expect(f.part("xl/_rels/workbook.xml.rels")).toContain('Target="worksheets/sheet2.xml"');
    expect(f.part("xl/_rels/workbook.xml.rels")).toContain('Id="rId3"');
    expect(f.part("[Content_Types].xml")).toContain("/xl/worksheets/sheet2.xml");
    expect(f.part("xl/worksheets/sheet1.xml")).toContain('<col min="1" max="1" width="20" customWidth="1"/>');
    expect(f.part("xl/worksheets/sheet1.xml")).toContain('<c r="B2"><v>12.34</v></c>');
    expect(f.part("xl/worksheets/sheet2.xml")).not.toContain("<cols>");
  });

  test("hostile: no sheet, two tabs of one name, an absurd width, a float where a decimal goes", () => {
    expect(() => workbook([])).toThrow(/needs a sheet/);
    expect(() =>
      workbook([
        { name: "Sales", rows: [] },
        { name: "sales", rows: [] },
      ]),
    ).toThrow(/named alike/);
    expect(() => xlsx("x", [["a"]], [0])).toThrow(/width/);
    expect(() => xlsx("x", [[{ number: "NaN" }]])).toThrow(/not a decimal/);
  });

  test("a tab name is cut to Excel's 31 characters and escaped", () => {
    const f = unzip(xlsx(`<${"长".repeat(40)}`, [["a"]]));
    expect(f.ok).toBe(true);
    expect(f.part("xl/workbook.xml")).toContain(`name="&lt;${"长".repeat(27)}"`);
  });
});

test("the supplier's purchase order is written by the same writer: valid, widths, exact yuan", () => {
  const f = unzip(
    purchaseOrderXlsx({
      id: "PO-1",
      status: "sent",
      store: { id: "E1", name: "徐汇店" },
      supplier: { id: "SUP1", name: "伊利" },
      createdAt: "2026-12-01T08:00:00.000Z",
      orderedAt: null,
      expectedAt: null,
      lines: [
        {
          sku: "M1",
          name: "纯牛奶 & 酸奶",
          barcode: null,
          qty: 24,
          unit: "EA",
          packSize: 12,
          unitCostFen: 305,
          valueFen: 7320,
        },
      ],
      totalFen: 7320,
    }),
  );
  expect(f.ok).toBe(true);
  const sheet = f.part("xl/worksheets/sheet1.xml");
  expect(sheet).toContain('<col min="2" max="2" width="30" customWidth="1"/>');
  expect(sheet).toContain("纯牛奶 &amp; 酸奶");
  expect(sheet).toContain("<v>2</v>"); // packs
  expect(sheet).toContain("<v>3.05</v>");
  expect(sheet).toContain("<v>73.20</v>");
  expect(f.list).toContain("xl/styles.xml");
});
