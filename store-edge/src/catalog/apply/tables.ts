// The catalog tables as drizzle sees them under one name suffix ("" live, "_next" being built,
// "_old" replaced), and the prepared upsert/delete of change items into one such set. The
// version guard lets an older (scheduled) change set never overwrite a newer record.
import type { CatalogEntity, ChangeItem } from "@retail/protocol";
import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  barcodesTable,
  cashiersTable,
  couponsTable,
  membersTable,
  pointsRulesTable,
  pricesTable,
  productsTable,
  promotionsTable,
} from "../../db/schema.ts";
import type { Drizzle } from "../../db.ts";
import { itemKey } from "../changeset.ts";

export const ENTITIES: CatalogEntity[] = [
  "product",
  "barcode",
  "price",
  "promotion",
  "member",
  "cashier",
  "coupon",
  "points_rule",
];
export const TABLE: Record<CatalogEntity, string> = {
  product: "products",
  barcode: "barcodes",
  price: "prices",
  promotion: "promotions",
  member: "members",
  cashier: "cashiers",
  coupon: "coupons",
  points_rule: "points_rules",
};

/** The catalog tables under one name suffix: "" (live), "_next" (being built), "_old". */
export function tablesOf(suffix: string) {
  return {
    product: productsTable(`products${suffix}`),
    barcode: barcodesTable(`barcodes${suffix}`),
    price: pricesTable(`prices${suffix}`),
    promotion: promotionsTable(`promotions${suffix}`),
    member: membersTable(`members${suffix}`, `members${suffix}_phone`),
    cashier: cashiersTable(`cashiers${suffix}`),
    coupon: couponsTable(`coupons${suffix}`),
    points_rule: pointsRulesTable(`points_rules${suffix}`),
  };
}
export type Tables = ReturnType<typeof tablesOf>;

/** The key column of an entity's table. */
export function keyCol(t: Tables, e: CatalogEntity): SQLiteColumn {
  switch (e) {
    case "product":
    case "price":
      return t[e].sku;
    case "barcode":
    case "coupon":
      return t[e].code;
    default:
      return t[e].id;
  }
}

/** Prepared upsert and delete statements for one set of catalog tables. */
export class CatalogWriter {
  readonly upsert = {} as Record<CatalogEntity, (key: string, version: number, data: unknown) => void>;
  readonly del = {} as Record<CatalogEntity, (key: string, maxVersion: number) => void>;

  constructor(db: Drizzle, t: Tables) {
    const p = sql.placeholder;
    for (const e of ENTITIES) {
      const table = t[e] as SQLiteTable & { version: SQLiteColumn };
      const key = keyCol(t, e);
      const extra = e === "barcode" ? "sku" : e === "member" ? "phone" : undefined;
      const hasData = e !== "barcode";
      // The catalog tables' property names are their column names.
      const values: Record<string, unknown> = { [key.name]: p("key") };
      values.version = p("version");
      if (extra) values[extra] = p(extra);
      if (hasData) values.data = p("data");
      const set: Record<string, unknown> = { version: sql`excluded.version` };
      if (extra) set[extra] = sql.raw(`excluded.${extra}`);
      if (hasData) set.data = sql`excluded.data`;
      const stmt = db
        .insert(table)
        // biome-ignore lint/suspicious/noExplicitAny: one builder for seven tables of one shape
        .values(values as any)
        // The version guard lets a scheduled (older) change set never overwrite a newer record.
        .onConflictDoUpdate({ target: key, set, setWhere: sql`excluded.version >= ${table.version}` })
        .prepare();
      this.upsert[e] = (k, version, data) => {
        const d = data as Record<string, unknown>;
        const args: Record<string, unknown> = { key: k, version };
        if (extra) args[extra] = d[extra];
        if (hasData) args.data = JSON.stringify(data);
        stmt.run(args);
      };
      const delStmt = db
        .delete(table)
        .where(and(eq(key, p("key")), lte(table.version, p("maxVersion"))))
        .prepare();
      this.del[e] = (k, maxVersion) => delStmt.run({ key: k, maxVersion });
    }
  }

  apply(items: readonly ChangeItem[], version: number): void {
    for (const item of items) this.applyOne(item, version);
  }

  applyOne(item: ChangeItem, version: number): void {
    if (item.op === "upsert") this.upsert[item.entity](itemKey(item), version, item.data);
    else this.del[item.entity](item.key, version);
  }
}

/** The rows of one entity's table in key order, `size` rows a page (keyset paging). */
export function* pagesOf(
  db: Drizzle,
  t: Tables,
  e: CatalogEntity,
  size: number,
): Generator<Record<string, string>[]> {
  const key = keyCol(t, e);
  // Keys are non-empty text, so "" is below every key.
  const page = db
    .select()
    .from(t[e] as SQLiteTable)
    .where(gt(key, sql.placeholder("after")))
    .orderBy(asc(key))
    .limit(size)
    .prepare();
  let after = "";
  for (;;) {
    const rows = page.all({ after }) as Record<string, string>[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    after = rows.at(-1)![key.name]!;
  }
}

/** An entity's record as the live table holds it now, as a change item (delete if gone). */
export function currentItem(db: Drizzle, live: Tables, entity: CatalogEntity, key: string): ChangeItem {
  if (entity === "barcode") {
    const t = live.barcode;
    const row = db.select({ code: t.code, sku: t.sku }).from(t).where(eq(t.code, key)).get();
    return row ? { op: "upsert", entity, data: row } : { op: "delete", entity, key };
  }
  const t = live[entity] as Tables["product"];
  const row = db
    .select({ data: t.data })
    .from(t)
    .where(eq(keyCol(live, entity), key))
    .get();
  return row
    ? ({ op: "upsert", entity, data: JSON.parse(row.data) } as ChangeItem)
    : { op: "delete", entity, key };
}
