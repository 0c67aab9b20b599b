// A purchase order as an XLSX workbook for the supplier, written by hand (no dependency): a
// ZIP of a few SpreadsheetML parts, stored uncompressed (an order is a few kilobytes). Text
// cells are inline strings (Chinese names as they are); amounts are yuan written from integer
// fen as exact decimal text, quantities whole numbers.
import { formatYuanPlain } from "@retail/protocol";

export interface OrderDocument {
  id: string;
  status: string;
  store: { id: string; name: string };
  supplier: { id: string; name: string };
  createdAt: string;
  orderedAt: string | null;
  expectedAt: string | null;
  lines: {
    sku: string;
    name: string;
    barcode: string | null;
    qty: number;
    unit: string;
    packSize: number;
    unitCostFen: number | null;
    valueFen: number | null;
  }[];
  totalFen: number | null;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP archive of the files, stored (method 0). */
export function zipStored(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint32(14, crc, true);
    local.setUint32(18, f.data.length, true);
    local.setUint32(22, f.data.length, true);
    local.setUint16(26, name.length, true);
    chunks.push(new Uint8Array(local.buffer), name, f.data);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, f.data.length, true);
    c.setUint32(24, f.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + f.data.length;
  }
  const centralSize = central.reduce((a, b) => a + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((a, b) => a + b.length, 0));
  let p = 0;
  for (const a of all) {
    out.set(a, p);
    p += a.length;
  }
  return out;
}

// XML 1.0 forbids most control characters; a name carrying one loses it rather than the file.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

type Cell = string | { n: string } | null;

function column(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function sheet(rows: Cell[][]): string {
  const body = rows
    .map((cells, r) => {
      const cs = cells
        .map((c, i) => {
          const ref = `${column(i)}${r + 1}`;
          if (c === null) return "";
          if (typeof c === "string") return `<c r="${ref}" t="inlineStr"><is><t>${xml(c)}</t></is></c>`;
          return `<c r="${ref}"><v>${c.n}</v></c>`;
        })
        .join("");
      return `<row r="${r + 1}">${cs}</row>`;
    })
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="1" max="1" width="16" customWidth="1"/><col min="2" max="2" width="30" customWidth="1"/><col min="3" max="3" width="16" customWidth="1"/></cols><sheetData>${body}</sheetData></worksheet>`;
}

/** The workbook: a header block (order, store, supplier, dates) and one row per line, 中文 first. */
export function purchaseOrderXlsx(o: OrderDocument): Uint8Array {
  const num = (n: number) => ({ n: String(n) });
  const yuan = (f: number | null) => (f === null ? "未定价 unpriced" : { n: formatYuanPlain(f) });
  const rows: Cell[][] = [
    ["采购订单 Purchase order", o.id],
    ["状态 Status", o.status],
    ["门店 Store", `${o.store.id} ${o.store.name}`],
    ["供应商 Supplier", `${o.supplier.id} ${o.supplier.name}`],
    ["创建 Created", o.createdAt],
    ["下单 Ordered", o.orderedAt ?? ""],
    ["预计到货 Expected", o.expectedAt ?? ""],
    [],
    [
      "商品编码 SKU",
      "品名 Name",
      "条码 Barcode",
      "数量 Qty",
      "单位 Unit",
      "箱规 Pack",
      "箱数 Packs",
      "单价(元) Unit cost",
      "金额(元) Value",
    ],
    ...o.lines.map((l): Cell[] => [
      l.sku,
      l.name,
      l.barcode ?? "",
      num(l.qty),
      l.unit,
      num(l.packSize),
      l.packSize > 0 && l.qty % l.packSize === 0 ? num(l.qty / l.packSize) : "",
      yuan(l.unitCostFen),
      yuan(l.valueFen),
    ]),
    [],
    [
      "合计 Total",
      null,
      null,
      num(o.lines.reduce((a, l) => a + l.qty, 0)),
      null,
      null,
      null,
      null,
      yuan(o.totalFen),
    ],
  ];
  const enc = new TextEncoder();
  const part = (name: string, text: string) => ({ name, data: enc.encode(text) });
  const sheetName = xml(o.id.slice(0, 31));
  return zipStored([
    part(
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
    part(
      "_rels/.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part(
      "xl/workbook.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    part(
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    part("xl/worksheets/sheet1.xml", sheet(rows)),
  ]);
}
