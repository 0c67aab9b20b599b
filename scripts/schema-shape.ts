// The shape of a SQLite schema as behaviour sees it: per table its columns (type, NOT NULL,
// default, primary key), AUTOINCREMENT, unique constraints, named indexes (columns or
// expressions, partial WHERE), foreign keys and CHECKs. Spelling is normalised away (case,
// quotes, spaces, `UNIQUE` inline or as a named unique index), so a database built by the
// hand-written migration chain and one built from drizzle-kit's SQL compare equal when they
// behave the same. Not compared: triggers and WITHOUT ROWID (drizzle-kit cannot declare them;
// they stay in SQL, see docs/development.md "Database schema and migrations").
import type Database from "libsql";

type Sqlite = InstanceType<typeof Database>;

export interface TableShape {
  columns: string[];
  autoincrement: boolean;
  uniques: string[];
  indexes: string[];
  foreignKeys: string[];
  checks: string[];
}

const norm = (s: string) =>
  s
    .replace(/[`"[\]]/g, "")
    .replace(/\s+/g, "")
    .toLowerCase();

/** The text of the parenthesised group starting at `open` (an index of "("). */
function group(sql: string, open: number): string {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === "(") depth++;
    else if (sql[i] === ")" && --depth === 0) return sql.slice(open + 1, i);
  }
  return sql.slice(open + 1);
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "");
}

export function schemaShape(db: Sqlite, skip: (table: string) => boolean = () => false) {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; sql: string }[];
  const out: Record<string, TableShape> = {};
  for (const t of tables) {
    if (skip(t.name)) continue;
    const sql = stripComments(t.sql);
    const cols = db.prepare(`PRAGMA table_info("${t.name}")`).all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const columns = cols.map((c) => {
      const dflt = c.dflt_value === null ? "" : ` default ${norm(c.dflt_value).replace(/^\((.*)\)$/, "$1")}`;
      // A single INTEGER PRIMARY KEY is NOT NULL by nature (rowid) whether or not it says so.
      const pkRowid = c.pk === 1 && cols.filter((x) => x.pk > 0).length === 1;
      const notNull = c.notnull === 1 || (pkRowid && c.type.toUpperCase() === "INTEGER") || c.pk > 0;
      return `${c.name} ${c.type.toUpperCase()}${notNull ? " not null" : ""}${dflt}${c.pk ? ` pk${c.pk}` : ""}`;
    });
    const uniques: string[] = [];
    const indexes: string[] = [];
    const list = db.prepare(`PRAGMA index_list("${t.name}")`).all() as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[];
    for (const ix of list) {
      if (ix.origin === "pk") continue;
      const keyCols = (db.prepare(`PRAGMA index_info("${ix.name}")`).all() as { name: string | null }[]).map(
        (c) => c.name ?? "<expr>",
      );
      const autoUnique = `${t.name}_${keyCols.join("_")}_unique`;
      if (ix.origin === "u" || (ix.unique === 1 && ix.partial === 0 && ix.name === autoUnique)) {
        uniques.push(`unique(${keyCols.join(",")})`);
        continue;
      }
      const row = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
        .get(ix.name) as { sql: string } | undefined;
      const ixSql = stripComments(row?.sql ?? "");
      const on = ixSql.search(/\bON\b/i);
      const open = ixSql.indexOf("(", on);
      const body = group(ixSql, open);
      const where = ixSql.slice(open + body.length + 2).replace(/^\s*WHERE\s+/i, "");
      indexes.push(
        `${ix.name}${ix.unique ? " unique" : ""} (${norm(body)})${where.trim() ? ` where ${norm(where)}` : ""}`,
      );
    }
    const foreignKeys = (
      db.prepare(`PRAGMA foreign_key_list("${t.name}")`).all() as {
        table: string;
        from: string;
        to: string | null;
        on_update: string;
        on_delete: string;
      }[]
    ).map((f) => `${f.from} -> ${f.table}(${f.to ?? ""}) on update ${f.on_update} on delete ${f.on_delete}`);
    const checks: string[] = [];
    for (const m of sql.matchAll(/\bCHECK\s*\(/gi)) checks.push(norm(group(sql, m.index + m[0].length - 1)));
    out[t.name] = {
      columns,
      autoincrement: /AUTOINCREMENT/i.test(sql),
      uniques: uniques.sort(),
      indexes: indexes.sort(),
      foreignKeys: foreignKeys.sort(),
      checks: checks.sort(),
    };
  }
  return out;
}

/** Lines naming what differs between two shapes (empty when they are the same). */
export function shapeDiff(
  expected: Record<string, TableShape>,
  actual: Record<string, TableShape>,
  expectedName: string,
  actualName: string,
): string[] {
  const diffs: string[] = [];
  for (const name of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const a = expected[name];
    const b = actual[name];
    if (!a) {
      diffs.push(`table ${name}: only in ${actualName}`);
      continue;
    }
    if (!b) {
      diffs.push(`table ${name}: only in ${expectedName}`);
      continue;
    }
    for (const key of Object.keys(a) as (keyof TableShape)[]) {
      const x = JSON.stringify(a[key]);
      const y = JSON.stringify(b[key]);
      if (x !== y) diffs.push(`table ${name} ${key}:\n  ${expectedName}: ${x}\n  ${actualName}: ${y}`);
    }
  }
  return diffs;
}
