// A purchase order as an XLSX workbook for the supplier, through the hub's one XLSX writer
// (export/xlsx.ts). Text cells are inline strings (Chinese names as they are); amounts are yuan
// written from integer fen as exact decimal text, quantities whole numbers.
import { formatYuanPlain } from "@retail/protocol";
import { type Cell, xlsx } from "../export/xlsx.ts";

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

const num = (n: number): Cell => ({ number: String(n) });

/** The workbook: a header block (order, store, supplier, dates) and one row per line, 中文 first. */
export function purchaseOrderXlsx(o: OrderDocument): Uint8Array {
  const yuan = (f: number | null): Cell => (f === null ? "未定价 unpriced" : { number: formatYuanPlain(f) });
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
  return xlsx(o.id, rows, [16, 30, 16]);
}
