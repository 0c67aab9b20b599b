// Voucher export: the Kingdee / Yonyou / CSV / XLSX files byte by byte where it matters, the
// XLSX container read back, GBK round-tripped, and the service over real vouchers of two
// companies (numbering per company and month, nothing of the other company, recorded).
import { afterEach, describe, expect, test } from "bun:test";
import { createAccounts } from "../accounts/accounts.ts";
import { migrate, openDatabase } from "../db/open.ts";
import { postDocumentVoucher } from "../finance/documents.ts";
import { tempDir } from "../test-kit.ts";
import { createVoucherExport } from "./export.ts";
import { csv, type ExportVoucher, KINGDEE_COLUMNS, kingdeeRows, plainRows, yonyouText } from "./formats.ts";
import { encodeGbk } from "./gbk.ts";
import { columnName, crc32, xlsx } from "./xlsx.ts";

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** The entries of a stored (uncompressed) ZIP, CRC-checked. */
export function unzipStored(zip: Uint8Array): Map<string, string> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, string>();
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const method = view.getUint16(at + 8, true);
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLen = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLen));
    const data = zip.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    expect(method).toBe(0);
    expect(crc32(data)).toBe(crc);
    out.set(name, new TextDecoder().decode(data));
    at += 30 + nameLen + extra + size;
  }
  expect(view.getUint32(at, true)).toBe(0x02014b50); // the central directory follows
  return out;
}

const voucher = (over: Partial<ExportVoucher> = {}): ExportVoucher => ({
  id: 42,
  number: 7,
  companyId: "default",
  storeId: "S1",
  businessDay: "2026-11-20",
  sourceDay: "2026-11-20",
  sourceKind: "invoice",
  sourceId: "INV-1",
  memo: "供应商发票 INV-1, 苹果",
  lines: [
    { account: "2202.02", accountName: "应付账款—暂估应付款", debitFen: 10000, creditFen: 0 },
    { account: "2221.01.02", accountName: "应交税费—应交增值税(进项税额)", debitFen: 1300, creditFen: 0 },
    { account: "2202.01", accountName: "应付账款—供应商", debitFen: 0, creditFen: 11300 },
  ],
  ...over,
});

describe("export formats", () => {
  test("CRC-32 and column names are the standard ones", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(["A", "Z", "AA", "AB", "ZZ", "AAA"]);
  });

  test("Kingdee: the 16 template columns, one row per entry, exact yuan amounts", () => {
    const rows = kingdeeRows([voucher()], "admin");
    expect(rows[0]).toEqual([...KINGDEE_COLUMNS]);
    expect(rows[0]).toHaveLength(16);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual([
      "2026-11-20",
      "记",
      { number: "7" },
      { number: "0" },
      "供应商发票 INV-1, 苹果",
      "2202.02",
      "应付账款—暂估应付款",
      { number: "100.00" },
      { number: "0.00" },
      "RMB",
      { number: "1" },
      null,
      null,
      "admin",
      null,
      null,
    ]);
    expect(rows[3]![8]).toEqual({ number: "113.00" });
  });

  test("Yonyou: eight comma-separated fields per entry, commas in the summary made full-width, CRLF", () => {
    expect(yonyouText([voucher({ memo: "a,b\r\nc" + "长".repeat(80) })])).toStartWith(
      `2026-11-20,记,V42,0,a，b c${"长".repeat(55)},2202.02,100.00,0.00\r\n`,
    );
    const text = yonyouText([voucher()]);
    expect(text.split("\r\n")).toEqual([
      "2026-11-20,记,V42,0,供应商发票 INV-1， 苹果,2202.02,100.00,0.00",
      "2026-11-20,记,V42,0,供应商发票 INV-1， 苹果,2221.01.02,13.00,0.00",
      "2026-11-20,记,V42,0,供应商发票 INV-1， 苹果,2202.01,0.00,113.00",
      "",
    ]);
    const gbk = encodeGbk(text);
    expect(gbk.unmapped).toBe(0);
    expect(new TextDecoder("gbk").decode(gbk.bytes)).toBe(text);
    expect(encodeGbk("库存商品😀").unmapped).toBe(1);
  });

  test("plain CSV: every field, RFC 4180 quoting, formulas defused, BOM for Excel", () => {
    const text = csv(plainRows([voucher({ memo: '=HYPERLINK("x"), "q"' })]));
    expect(text.startsWith("\ufeffvoucher_id,voucher_no,company_id,store_id,business_day,")).toBe(true);
    const first = text.split("\r\n")[1]!;
    expect(first).toBe(
      `42,7,default,S1,2026-11-20,2026-11-20,invoice,INV-1,"'=HYPERLINK(""x""), ""q""",1,2202.02,应付账款—暂估应付款,100.00,0.00,10000,0`,
    );
  });

  test("XLSX: a valid stored ZIP with the five parts, text escaped, numbers as decimal text", () => {
    const file = xlsx("凭证", kingdeeRows([voucher({ memo: "<b>&</b>\u0001" })], "admin"));
    const parts = unzipStored(file);
    expect([...parts.keys()].sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    const sheet = parts.get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain('<c r="A1" t="inlineStr"><is><t xml:space="preserve">日期</t></is></c>');
    expect(sheet).toContain('<c r="H2"><v>100.00</v></c>');
    expect(sheet).toContain('<c r="I4"><v>113.00</v></c>');
    expect(sheet).toContain("&lt;b&gt;&amp;&lt;/b&gt;");
    expect(sheet).not.toContain("\u0001");
    expect(() => xlsx("x", [[{ number: "1e5" }]])).toThrow(/not a decimal/);
  });
});

describe("export service", () => {
  test("a company's vouchers only, numbered per month, recorded; range and company errors", () => {
    const dir = tempDir();
    dirs.push(dir);
    const now = () => new Date("2026-12-01T02:00:00.000Z");
    const db = openDatabase({ dataDir: dir.path });
    migrate(db, now);
    for (const id of ["S1", "S2"])
      db.prepare(
        "INSERT INTO stores (id, name, region, ring, created_at) VALUES (?, ?, 'east', 'general', 'x')",
      ).run(id, id);
    const accounts = createAccounts({ db, now });
    accounts.putCompany("north", { name: "北方公司" });
    accounts.assignStore("north", "S2");
    const post = (storeId: string, day: string, id: string, fen: number) =>
      postDocumentVoucher(
        db,
        {
          storeId,
          businessDay: day,
          source: { kind: "t", id },
          memo: id,
          lines: [
            { account: "6401", debitFen: fen, creditFen: 0 },
            { account: "1405", debitFen: 0, creditFen: fen },
          ],
        },
        { now },
      );
    post("S1", "2026-11-01", "a", 100);
    post("S2", "2026-11-01", "b", 200);
    post("S1", "2026-11-10", "c", 300);
    post("S1", "2026-12-02", "d", 400);
    const ex = createVoucherExport({ db, now });
    // Numbers count the month from its first voucher, also when the export starts later.
    const part = ex.read({ from: "2026-11-05", to: "2026-12-31", company: "default" });
    expect(part.map((v) => [v.memo, v.number])).toEqual([
      ["c", 2],
      ["d", 1],
    ]);
    expect(
      ex.read({ from: "2026-11-01", to: "2026-11-30", company: "north" }).map((v) => [v.memo, v.number]),
    ).toEqual([["b", 1]]);
    const f = ex.exportVouchers(
      { from: "2026-11-01", to: "2026-11-30", company: "default", format: "kingdee" },
      "admin",
    );
    expect(f.filename).toBe("vouchers-default-2026-11-01-2026-11-30-kingdee.xlsx");
    expect(f.vouchers).toBe(2);
    expect(f.debitFen).toBe(400);
    const sheet = unzipStored(f.bytes).get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain("库存商品");
    expect(ex.history("default")[0]).toMatchObject({
      format: "kingdee",
      vouchers: 2,
      lines: 4,
      debitFen: 400,
      exportedBy: "admin",
    });
    expect(() => ex.read({ from: "2026-11-30", to: "2026-11-01", company: "default" })).toThrow(/query.to/);
    expect(() => ex.read({ from: "2025-01-01", to: "2026-11-01", company: "default" })).toThrow(
      /at most 370 days/,
    );
    expect(() => ex.read({ from: "2026-11-01", to: "2026-11-02", company: "nope" })).toThrow(
      /company "nope" not found/,
    );
  });
});
