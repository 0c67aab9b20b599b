// A supplier price list from CSV (header: sku,cost_fen,tax_rate,effective_from; or cost_yuan
// instead of cost_fen, read digit by digit: "12.34" is 1234 fen, never through a float), each
// row validated by the same schema as the JSON API. All or nothing: any bad row refuses the
// file, and every bad row is named (row number, column, reason).
import { parseCsv } from "../catalog/import.ts";
import { ValidationError } from "../errors.ts";
import { SupplierPriceLine } from "./prices.ts";

const COLUMNS = {
  sku: "sku",
  cost_fen: "costFen",
  cost_yuan: "costFen",
  tax_rate: "taxRate",
  effective_from: "effectiveFrom",
} as const;
const REQUIRED = ["sku", "tax_rate", "effective_from"];
const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

export interface PriceCsvError {
  row: number;
  column: string;
  reason: string;
}

export function parsePriceCsv(csv: string): { prices: SupplierPriceLine[]; errors: PriceCsvError[] } {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new ValidationError("csv", "the file is empty");
  const names = header.map((h) => h.trim().toLowerCase());
  const need = "sku,cost_fen (or cost_yuan),tax_rate,effective_from";
  for (const c of REQUIRED)
    if (!names.includes(c)) throw new ValidationError("csv", `missing column ${c} (need ${need})`);
  const costColumns = names.filter((n) => n === "cost_fen" || n === "cost_yuan");
  if (costColumns.length !== 1)
    throw new ValidationError("csv", `need exactly one of cost_fen or cost_yuan (need ${need})`);
  const costColumn = costColumns[0]!;
  const prices: SupplierPriceLine[] = [];
  const errors: PriceCsvError[] = [];
  rows.forEach((cells, i) => {
    const raw: Record<string, unknown> = {};
    names.forEach((n, j) => {
      const key = COLUMNS[n as keyof typeof COLUMNS];
      if (!key) return;
      const v = (cells[j] ?? "").trim();
      raw[key] = key === "costFen" || key === "taxRate" ? (/^-?\d+$/.test(v) ? Number(v) : v) : v;
      if (n === "cost_yuan") {
        const m = YUAN.exec(v);
        raw[key] = m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : undefined;
      }
    });
    if (raw.costFen === undefined) {
      errors.push({ row: i + 1, column: costColumn, reason: "not a yuan amount like 12.34" });
      return;
    }
    const r = SupplierPriceLine.safeParse(raw);
    if (r.success) prices.push(r.data);
    else {
      const issue = r.error.issues[0]!;
      const key = String(issue.path[0] ?? "");
      const column =
        key === "costFen" ? costColumn : (Object.entries(COLUMNS).find(([, k]) => k === key)?.[0] ?? key);
      errors.push({ row: i + 1, column, reason: issue.message });
    }
  });
  return { prices, errors };
}
