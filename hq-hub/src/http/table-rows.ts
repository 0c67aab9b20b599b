// A table's row as the API has always shown it: every column under its SQL name (snake_case),
// what `SELECT *` gave, selected through drizzle's builder from the schema (db/schema.ts).
import { getTableColumns } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

export function columnsAsStored(table: SQLiteTable): Record<string, SQLiteColumn> {
  return Object.fromEntries(Object.values(getTableColumns(table)).map((c) => [c.name, c as SQLiteColumn]));
}
