// Pack levels from CSV (issue 17 item 6), the product CSV path's fourth kind: one row per pack
// level (sku, qty, name, code, purchase); the rows of a SKU replace that product's levels, and
// the product record with them goes through the same rules as the packs editor (rules.ts
// checkProduct: sizes, codes normalised like barcodes, one purchase pack, none on weighed goods;
// packs.ts: no unit barcode and no other product's pack code). Every bad row is named with its
// column; a rule about a product's levels names the row of the level at fault.
import type { Pack, Product } from "@retail/protocol";
import { ValidationError } from "../errors.ts";
import { withPacks } from "./packs.ts";
import { checkProduct } from "./rules.ts";

/** A bad row, as import.ts reports it (declared here: import.ts imports this module). */
interface RowError {
  row: number;
  column: string;
  reason: string;
}

export const PACK_COLUMNS = { required: ["sku", "qty", "name"], optional: ["code", "purchase"] };

const YES = ["true", "1", "yes", "是", "y"];
const NO = ["false", "0", "no", "否", "n", ""];

export interface PackImportDeps {
  /** The product as the master has it (null: no such SKU). */
  current(sku: string): Product | null;
  /** Throws ValidationError(`packs.i.code`) when a code is a unit barcode or another product's pack code. */
  checkCodes(p: Product): void;
}

/** Column of a rule's field ("packs.1.code" -> "code"; "packs" -> "qty"). */
function columnOf(field: string): { index?: number; column: string } {
  const m = /^packs\.(\d+)(?:\.(\w+))?/.exec(field);
  if (!m) return { column: field === "packs" ? "sku" : field };
  const col = m[2] ?? "qty";
  return {
    index: Number(m[1]),
    column: PACK_COLUMNS.optional.includes(col) || col === "qty" || col === "name" ? col : "qty",
  };
}

/** The product records the file sets (one per SKU, its levels in file order), or the bad rows. */
export function packRecords(
  header: string[],
  rows: string[][],
  deps: PackImportDeps,
): { records: { sku: string; data: Product }[]; errors: RowError[] } {
  const col = new Map(header.map((h, i) => [h, i]));
  const errors: RowError[] = [];
  const bySku = new Map<string, { rows: number[]; packs: Pack[] }>();
  for (const [i, row] of rows.entries()) {
    const rowNo = i + 1;
    const get = (c: string) => (col.has(c) ? (row[col.get(c)!] ?? "").trim() : "");
    const bad = (column: string, reason: string) => void errors.push({ row: rowNo, column, reason });
    if (row.length !== header.length) {
      bad("", `has ${row.length} fields, the header has ${header.length}`);
      continue;
    }
    const sku = get("sku");
    const qtyText = get("qty");
    if (!/^\d{1,6}$/.test(qtyText)) {
      bad("qty", `not a whole number of units: ${JSON.stringify(qtyText)}`);
      continue;
    }
    const purchase = get("purchase").toLowerCase();
    if (!YES.includes(purchase) && !NO.includes(purchase)) {
      bad("purchase", `true or false, not ${JSON.stringify(purchase)}`);
      continue;
    }
    const code = get("code");
    const pack: Pack = {
      qty: Number(qtyText),
      name: get("name"),
      ...(code ? { code } : {}),
      ...(YES.includes(purchase) ? { purchase: true } : {}),
    };
    const entry = bySku.get(sku) ?? { rows: [], packs: [] };
    entry.rows.push(rowNo);
    entry.packs.push(pack);
    bySku.set(sku, entry);
  }
  const records: { sku: string; data: Product }[] = [];
  const codeRow = new Map<string, { sku: string; row: number }>();
  for (const [sku, { rows: rowNos, packs }] of bySku) {
    const before = errors.length;
    try {
      const current = deps.current(sku);
      if (!current) throw new ValidationError("sku", `unknown SKU ${JSON.stringify(sku)}`);
      if (packs.length > 5) throw new ValidationError(`packs.5`, `at most 5 pack levels per product`);
      const data = checkProduct(withPacks(current, sku, packs));
      deps.checkCodes(data);
      // Two products of this file claiming one code: the later row is at fault.
      data.packs?.forEach((k, i) => {
        if (k.code === undefined) return;
        const other = codeRow.get(k.code);
        if (other && other.sku !== sku)
          throw new ValidationError(
            `packs.${i}.code`,
            `${k.code} is already SKU ${other.sku}'s pack code on row ${other.row}`,
          );
        codeRow.set(k.code, { sku, row: rowNos[i]! });
      });
      if (errors.length === before) records.push({ sku, data });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const { index, column } = columnOf(e.field);
      errors.push({ row: rowNos[index ?? 0] ?? rowNos[0]!, column, reason: e.message });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { records, errors };
}
