// Reorder parameters per store and SKU: listed with what applies (the row's, else the
// supplier's, else the defaults), set in bulk on every store (region, store group or ids) x SKU (category
// or supplier) a selector names, or from CSV (all rows or none; bad rows named).
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { fromZod, NotFoundError, ValidationError } from "../errors.ts";
import type { Suppliers } from "../suppliers/suppliers.ts";
import { type ParamOverrides, resolveParams } from "./auto-plan.ts";
import type { AutoStore } from "./auto-store.ts";
import type { OrderStore } from "./order-store.ts";
import { PARAM_BOUNDS, parseParamsCsv, STORE_ID } from "./params-csv.ts";

const bound = (k: keyof typeof PARAM_BOUNDS) => z.int().min(PARAM_BOUNDS[k][0]).max(PARAM_BOUNDS[k][1]);
export const ParamSet = z
  .strictObject({
    serviceLevelBp: bound("serviceLevelBp").optional(),
    leadTimeDays: bound("leadTimeDays").optional(),
    reviewDays: bound("reviewDays").optional(),
    packSize: bound("packSize").optional(),
    minOrderQty: bound("minOrderQty").optional(),
  })
  .refine((s) => Object.keys(s).length > 0, { message: "nothing to set" })
  .refine(
    (s) => s.packSize === undefined || s.minOrderQty === undefined || s.minOrderQty % s.packSize === 0,
    {
      message: "the minimum is not a whole number of packs",
      path: ["minOrderQty"],
    },
  );
export const ParamsBulkInput = z.strictObject({
  selector: z.strictObject({
    category: z
      .string()
      .regex(/^[0-9A-Za-z/_-]{1,64}$/)
      .optional(),
    supplierId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .optional(),
    /** Every store of a region. */
    region: z.string().min(1).max(32).optional(),
    /** Every store of a store group (store-groups/). */
    groupId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .optional(),
    storeIds: z.array(z.string().regex(STORE_ID)).min(1).max(1000).optional(),
  }),
  set: ParamSet,
});

/** Bulk edits touching more store x SKU pairs than this are refused (narrow the selector). */
export const MAX_BULK_PAIRS = 200_000;

/** A row's set columns (nulls fall back). */
export function overridesOf(
  row: Partial<Record<keyof ParamOverrides, number | null>> | undefined,
): ParamOverrides {
  const out: ParamOverrides = {};
  for (const k of ["serviceLevelBp", "leadTimeDays", "reviewDays", "packSize", "minOrderQty"] as const) {
    const v = row?.[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

export function createReorderParams(deps: {
  db: Sqlite;
  now: () => Date;
  suppliers: Suppliers;
  store: AutoStore;
  orders: OrderStore;
}) {
  const { db, now, suppliers, store, orders } = deps;

  function listParams(storeId: string) {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    const rows = new Map(store.paramsOf(storeId).map((r) => [r.sku, r]));
    return store.plannedSkus(storeId).map((sku) => {
      const supplierId = orders.supplierOf(sku) ?? null;
      const sup = supplierId ? suppliers.get(supplierId) : undefined;
      const r = rows.get(sku);
      const overrides: ParamOverrides = {};
      for (const k of ["serviceLevelBp", "leadTimeDays", "reviewDays", "packSize", "minOrderQty"] as const) {
        const v = r?.[k];
        if (v !== null && v !== undefined) overrides[k] = v;
      }
      const product = store.product(sku);
      return {
        sku,
        name: orders.productName(sku) ?? null,
        category: product?.category ?? null,
        supplierId,
        overrides,
        effective: sup ? resolveParams(sup, overrides, product?.purchasePack) : null,
        updatedBy: r?.updatedBy ?? null,
        updatedAt: r?.updatedAt ?? null,
      };
    });
  }

  /** Sets parameters on every store x SKU the selector names (stores by region, group or ids, SKUs by category or supplier). */
  function bulkSet(input: unknown, actor: string): { stores: number; skus: number; updated: number } {
    const r = ParamsBulkInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const { selector, set } = r.data;
    if (selector.supplierId) suppliers.get(selector.supplierId);
    if (selector.groupId && !store.groupExists(selector.groupId))
      throw new NotFoundError("store group", selector.groupId);
    const storeIds = store.storeIds(selector);
    if (selector.storeIds)
      for (const [i, id] of selector.storeIds.entries())
        if (!storeIds.includes(id))
          throw new ValidationError(`selector.storeIds.${i}`, `unknown store ${id}`);
    // An empty group is said, not answered with "0 updated".
    if (selector.groupId && storeIds.length === 0)
      throw new ValidationError("selector.groupId", `store group ${selector.groupId} has no stores`);
    const skus = store.skusWhere(selector);
    if (storeIds.length * skus.length > MAX_BULK_PAIRS)
      throw new ValidationError(
        "selector",
        `${storeIds.length} stores x ${skus.length} SKUs is above ${MAX_BULK_PAIRS} pairs; narrow the selector`,
      );
    const at = now().toISOString();
    db.transaction(() => {
      for (const s of storeIds) for (const sku of skus) store.upsertParams(s, sku, set, actor, at);
    })();
    return { stores: storeIds.length, skus: skus.length, updated: storeIds.length * skus.length };
  }

  /** Parameters from CSV: all rows or none; every bad row named with its column. */
  function importCsv(text: string, actor: string) {
    const { rows, errors } = parseParamsCsv(text);
    const known = new Set(store.storeIds({}));
    for (const r of rows) {
      if (!known.has(r.storeId))
        errors.push({ row: r.row, column: "store", reason: `unknown store ${r.storeId}` });
      if (orders.productName(r.sku) === undefined)
        errors.push({ row: r.row, column: "sku", reason: `unknown SKU ${r.sku}` });
    }
    errors.sort((a, b) => a.row - b.row);
    if (errors.length) return { applied: 0, errors };
    const at = now().toISOString();
    db.transaction(() => {
      for (const r of rows) store.upsertParams(r.storeId, r.sku, r.set, actor, at);
    })();
    return { applied: rows.length, errors };
  }

  return { listParams, bulkSet, importCsv };
}
