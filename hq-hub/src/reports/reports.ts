// The sales and tender reports' SQL: sums per (store, day) or per (store, category) over the
// ingested tables, handed to the pure aggregate.ts. Sums are TOTAL(), never SUM(): SUM raises
// "integer overflow" for the whole query when one store's figures pass 2^63; per-store groups
// let exact.ts leave such a store out (named, with the reason) while the others are reported. The sales table has no index on business_day (one
// more b-tree insert per sale at ingest was not worth it): a report reads the table through.
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { ValidationError } from "../errors.ts";
import {
  type ReportBy,
  type ReturnsGroup,
  type SalesGroup,
  salesReport,
  type TenderGroup,
  tenderReport,
} from "./aggregate.ts";
import { excludedList, keepExact } from "./exact.ts";

const Day = z.iso.date({ message: "a date YYYY-MM-DD" });
export const ReportQuery = z.object({
  from: Day,
  to: Day,
  by: z.enum(["day", "store", "category"]).default("day"),
  store: z.string().min(1).optional(),
});
export const TenderQuery = z.object({ from: Day, to: Day, store: z.string().min(1).optional() });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** from <= to, or a ValidationError naming `to`. */
export function checkRange(q: { from: string; to: string }): void {
  if (q.from > q.to) throw new ValidationError("query.to", `must not be before from (${q.from})`);
}

/** Which stores a query reads: one store, a region's, or all (null). */
export interface Scope {
  store?: string;
  region?: string;
}

const UNCATEGORISED = "未分类";
const SALES_FIELDS = ["grossFen", "discountFen", "netFen", "taxFen"] as const;

export function createReports(db: Sqlite) {
  const scopeSql = (alias: string) =>
    `(?1 IS NULL OR ${alias}.store_id = ?1) AND (?2 IS NULL OR ${alias}.store_id IN (SELECT id FROM stores WHERE region = ?2))`;
  const salesByStoreDay = db.prepare(
    `SELECT s.store_id AS storeId, s.business_day AS day, COUNT(*) AS saleCount, TOTAL(s.gross_fen) AS grossFen,
       TOTAL(s.discount_fen) AS discountFen, TOTAL(s.net_fen) AS netFen, TOTAL(s.tax_fen) AS taxFen
     FROM sales s WHERE s.business_day BETWEEN ?3 AND ?4 AND ${scopeSql("s")} GROUP BY s.store_id, s.business_day`,
  );
  const returnsByStoreDay = db.prepare(
    `SELECT r.store_id AS storeId, r.business_day AS day, COUNT(*) AS returnCount, TOTAL(r.refund_fen) AS refundFen
     FROM returns r WHERE r.business_day BETWEEN ?3 AND ?4 AND ${scopeSql("r")} GROUP BY r.store_id, r.business_day`,
  );
  // The product's top-level category (the first code of its path in master data): the level HQ
  // reads sales at; leaf codes are too fine for a chain-wide report.
  const topCategory =
    "(SELECT json_extract(p.data_json, '$.category[0]') FROM products p WHERE p.sku = l.sku)";
  const salesByCategory = db.prepare(
    `SELECT COALESCE(${topCategory}, '') AS category, s.store_id AS storeId, '' AS day,
       COUNT(DISTINCT l.sale_id) AS saleCount, TOTAL(l.gross_fen) AS grossFen,
       TOTAL(l.discount_fen) AS discountFen, TOTAL(l.net_fen) AS netFen, TOTAL(l.tax_fen) AS taxFen
     FROM sale_lines l JOIN sales s ON s.store_id = l.store_id AND s.sale_id = l.sale_id
     WHERE s.business_day BETWEEN ?3 AND ?4 AND ${scopeSql("s")} GROUP BY s.store_id, 1`,
  );
  const returnsByCategory = db.prepare(
    `SELECT COALESCE(${topCategory}, '') AS category, r.store_id AS storeId, '' AS day,
       COUNT(DISTINCT l.return_id) AS returnCount, TOTAL(l.refund_fen) AS refundFen
     FROM return_lines l JOIN returns r ON r.store_id = l.store_id AND r.return_id = l.return_id
     WHERE r.business_day BETWEEN ?3 AND ?4 AND ${scopeSql("r")} GROUP BY r.store_id, 1`,
  );
  const storeNames = db.prepare("SELECT id, name FROM stores");
  const categoryNames = db.prepare("SELECT code, name FROM category_names");
  const tenders = db.prepare(
    `SELECT t.store_id AS storeId, t.kind AS kind, t.doc_kind AS docKind, COUNT(*) AS count, TOTAL(t.amount_fen) AS amountFen
     FROM tenders t
     LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id
     LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id
     WHERE COALESCE(s.business_day, r.business_day) BETWEEN ?3 AND ?4 AND ${scopeSql("t")}
     GROUP BY t.store_id, t.kind, t.doc_kind`,
  );
  const setCategoryName = db.prepare(
    "INSERT INTO category_names (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
  );

  const params = (q: { from: string; to: string }, scope: Scope) => [
    scope.store ?? null,
    scope.region ?? null,
    q.from,
    q.to,
  ];

  function sales(q: ReportQuery, scope: Scope) {
    checkRange(q);
    const p = params(q, scope);
    // One read transaction: sales and returns of one moment.
    return db.transaction(() => {
      const byCategory = q.by === "category";
      const excluded = new Map<string, string>();
      // Per (store, day) first, so a store is excluded whatever `by` is; then the category rows.
      const ds = keepExact(salesByStoreDay.all(...p) as SalesGroup[], SALES_FIELDS, "sales", excluded);
      const dr = keepExact(returnsByStoreDay.all(...p) as ReturnsGroup[], ["refundFen"], "returns", excluded);
      const exact = <G extends { storeId: string }>(groups: G[]) =>
        groups.filter((g) => !excluded.has(g.storeId));
      const s = exact(
        byCategory
          ? keepExact(salesByCategory.all(...p) as SalesGroup[], SALES_FIELDS, "sales by category", excluded)
          : ds,
      );
      const r = exact(
        byCategory
          ? keepExact(
              returnsByCategory.all(...p) as ReturnsGroup[],
              ["refundFen"],
              "returns by category",
              excluded,
            )
          : dr,
      );
      let label: (key: string) => string = (k) => k;
      let distinct: { saleCount: number; returnCount: number } | undefined;
      if (q.by === "store") {
        const names = new Map(
          (storeNames.all() as { id: string; name: string }[]).map((x) => [x.id, x.name]),
        );
        label = (k) => names.get(k) ?? k;
      } else if (byCategory) {
        const names = new Map(
          (categoryNames.all() as { code: string; name: string }[]).map((x) => [x.code, x.name]),
        );
        label = (k) => (k === "" ? UNCATEGORISED : (names.get(k) ?? k));
        // A sale with lines in two categories is one sale in the totals.
        distinct = {
          saleCount: exact(ds).reduce((n, g) => n + g.saleCount, 0),
          returnCount: exact(dr).reduce((n, g) => n + g.returnCount, 0),
        };
      }
      const out = salesReport({
        by: q.by as ReportBy,
        sales: s,
        returns: r,
        label,
        ...(distinct ? { distinct } : {}),
      });
      return { from: q.from, to: q.to, by: q.by, ...out, excluded: excludedList(excluded) };
    })();
  }

  function tenderTotals(q: { from: string; to: string }, scope: Scope) {
    checkRange(q);
    const excluded = new Map<string, string>();
    const groups = keepExact(
      tenders.all(...params(q, scope)) as (TenderGroup & { storeId: string })[],
      ["amountFen"],
      "tenders",
      excluded,
    );
    return { ...tenderReport(groups), excluded: excludedList(excluded) };
  }

  function nameCategory(code: string, name: string) {
    setCategoryName.run(code, name);
    return { code, name };
  }

  return { sales, tenders: tenderTotals, nameCategory };
}

export type Reports = ReturnType<typeof createReports>;
