// Supplier invoices from CSV, one row per invoice line; rows with the same supplier_id and
// invoice_no are one invoice (their header columns must agree). Amounts are yuan as printed
// ("12.34", at most two decimals), read digit by digit into fen, never through a float. Every
// bad cell is named by row (1 = first data row) and column; the caller refuses the whole file
// when any row is bad.
import { MoneyError, parseMoney } from "@retail/protocol";
import { parseCsv } from "../catalog/import.ts";
import { ValidationError } from "../errors.ts";
import { SupplierInvoiceInput } from "./invoice.ts";

const REQUIRED = [
  "supplier_id",
  "invoice_no",
  "purchase_order_id",
  "invoice_date",
  "sku",
  "qty",
  "unit_price",
  "tax_rate",
] as const;
const OPTIONAL = ["tax", "total"] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** The input field a column fills, header or line. */
const HEADER: Partial<Record<Column, string>> = {
  supplier_id: "supplierId",
  invoice_no: "invoiceNo",
  purchase_order_id: "purchaseOrderId",
  invoice_date: "invoiceDate",
  total: "totalFen",
};
const LINE: Partial<Record<Column, string>> = {
  sku: "sku",
  qty: "qty",
  unit_price: "unitPriceFen",
  tax_rate: "taxRate",
  tax: "taxFen",
};

export interface CsvError {
  row: number;
  column: string;
  reason: string;
}

export interface CsvInvoice {
  /** The first data row of the invoice, and each line's row. */
  row: number;
  lineRows: number[];
  input: SupplierInvoiceInput;
}

/** The column a field of an invoice input comes from, and the row it is on. */
export function columnOf(
  field: string,
  inv: { row: number; lineRows: number[] },
): { row: number; column: string } {
  const [head, index, sub] = field.split(".");
  if (head === "lines" && index !== undefined) {
    const row = inv.lineRows[Number(index)] ?? inv.row;
    const column = Object.entries(LINE).find(([, f]) => f === sub)?.[0] ?? "sku";
    return { row, column };
  }
  return { row: inv.row, column: Object.entries(HEADER).find(([, f]) => f === head)?.[0] ?? head ?? "" };
}

function yuan(text: string, column: string): number {
  const fen = parseMoney(text, column);
  if (fen < 0) throw new MoneyError(column, text, "must not be negative");
  return fen;
}

export function parseInvoiceCsv(csv: string): { invoices: CsvInvoice[]; errors: CsvError[] } {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new ValidationError("csv", "the file is empty");
  const names = header.map((h) => h.trim().toLowerCase());
  for (const c of REQUIRED)
    if (!names.includes(c))
      throw new ValidationError("csv", `missing column ${c} (need ${REQUIRED.join(",")})`);
  const errors: CsvError[] = [];
  const groups = new Map<
    string,
    { row: number; lineRows: number[]; head: Record<string, unknown>; lines: Record<string, unknown>[] }
  >();
  rows.forEach((cells, i) => {
    const row = i + 1;
    if (cells.every((c) => c.trim() === "")) return;
    const cell = (c: Column) => (cells[names.indexOf(c)] ?? "").trim();
    const head: Record<string, unknown> = {};
    const line: Record<string, unknown> = {};
    let bad = false;
    for (const c of [...REQUIRED, ...OPTIONAL] as Column[]) {
      if (!names.includes(c)) continue;
      const v = cell(c);
      let value: unknown = v;
      if (c === "unit_price" || c === "tax" || c === "total") {
        if (v === "" && c !== "unit_price") continue;
        try {
          value = yuan(v, c);
        } catch (e) {
          errors.push({
            row,
            column: c,
            reason: e instanceof MoneyError ? e.message.replace(`${c}: `, "") : String(e),
          });
          bad = true;
          continue;
        }
      } else if (c === "qty" || c === "tax_rate") value = /^\d+$/.test(v) ? Number(v) : v;
      if (HEADER[c]) head[HEADER[c]] = value;
      else if (LINE[c]) line[LINE[c]] = value;
    }
    if (bad) return;
    const key = `${head.supplierId}\u0000${head.invoiceNo}`;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { row, lineRows: [row], head, lines: [line] });
      return;
    }
    for (const [field, v] of Object.entries(head))
      if (g.head[field] !== v) {
        const column = Object.entries(HEADER).find(([, f]) => f === field)?.[0] ?? field;
        errors.push({
          row,
          column,
          reason: `${String(v)} differs from row ${g.row} (${String(g.head[field])}) of the same invoice`,
        });
        bad = true;
      }
    if (bad) return;
    g.lineRows.push(row);
    g.lines.push(line);
  });
  const invoices: CsvInvoice[] = [];
  for (const g of groups.values()) {
    const r = SupplierInvoiceInput.safeParse({ ...g.head, lines: g.lines });
    if (r.success) invoices.push({ row: g.row, lineRows: g.lineRows, input: r.data });
    else
      for (const issue of r.error.issues.slice(0, 5)) {
        const at = columnOf(issue.path.map(String).join("."), g);
        errors.push({ ...at, reason: issue.message });
      }
  }
  errors.sort((a, b) => a.row - b.row);
  return { invoices, errors };
}
