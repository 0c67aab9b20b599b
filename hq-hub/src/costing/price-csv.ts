// A supplier price list from CSV (header: sku,cost_fen,tax_rate,effective_from), each row
// validated by the same schema as the JSON API. All or nothing: any bad row refuses the file,
// and every bad row is named (row number, column, reason).
import { parseCsv } from "../catalog/import.ts";
import { ValidationError } from "../errors.ts";
import { SupplierPriceLine } from "./prices.ts";

const COLUMNS = {
  sku: "sku",
  cost_fen: "costFen",
  tax_rate: "taxRate",
  effective_from: "effectiveFrom",
} as const;

export interface PriceCsvError {
  row: number;
  column: string;
  reason: string;
}

export function parsePriceCsv(csv: string): { prices: SupplierPriceLine[]; errors: PriceCsvError[] } {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new ValidationError("csv", "the file is empty");
  const names = header.map((h) => h.trim().toLowerCase());
  for (const c of Object.keys(COLUMNS))
    if (!names.includes(c))
      throw new ValidationError("csv", `missing column ${c} (need ${Object.keys(COLUMNS).join(",")})`);
  const prices: SupplierPriceLine[] = [];
  const errors: PriceCsvError[] = [];
  rows.forEach((cells, i) => {
    const raw: Record<string, unknown> = {};
    names.forEach((n, j) => {
      const key = COLUMNS[n as keyof typeof COLUMNS];
      if (!key) return;
      const v = (cells[j] ?? "").trim();
      raw[key] = key === "costFen" || key === "taxRate" ? (/^-?\d+$/.test(v) ? Number(v) : v) : v;
    });
    const r = SupplierPriceLine.safeParse(raw);
    if (r.success) prices.push(r.data);
    else {
      const issue = r.error.issues[0]!;
      const key = String(issue.path[0] ?? "");
      const column = Object.entries(COLUMNS).find(([, k]) => k === key)?.[0] ?? key;
      errors.push({ row: i + 1, column, reason: issue.message });
    }
  });
  return { prices, errors };
}
