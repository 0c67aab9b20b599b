// A CSV file as a table under a named header, pure: the header checked against the columns a
// file kind knows and needs (each problem a row-0 error naming the column), the row count
// bounded, and a cell read by column name, trimmed. Shared by the CSV imports that name every
// bad row (reorder parameters, sales history).
import { parseCsv, type RowError } from "./import.ts";

export function csvTable(
  text: string,
  spec: { columns: readonly string[]; required: readonly string[]; maxRows: number },
): { rows: string[][]; errors: RowError[]; width: number; col: (r: string[], name: string) => string } {
  const table = parseCsv(text);
  const errors: RowError[] = [];
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? "" : (r[i] ?? "").trim();
  };
  for (const c of spec.required)
    if (!header.includes(c)) errors.push({ row: 0, column: c, reason: `the header has no ${c} column` });
  for (const h of header)
    if (!spec.columns.includes(h))
      errors.push({ row: 0, column: h, reason: `unknown column (expected ${spec.columns.join(", ")})` });
  if (!errors.length && table.length - 1 > spec.maxRows)
    errors.push({ row: 0, column: "", reason: `${table.length - 1} rows, at most ${spec.maxRows}` });
  return { rows: errors.length ? [] : table.slice(1), errors, width: header.length, col };
}
