// Suppliers: create, edit (name, lead time, minimum order, pack size), deactivate and
// reactivate. A minimum order is a whole number of packs. Deactivated suppliers are kept (the
// receivings and orders that name them still refer to them) and listed only when asked.
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";

const Fields = {
  name: z.string().trim().min(1).max(80),
  /** Days from order to delivery. */
  leadTimeDays: z.int().min(0).max(365),
  /** Smallest order, in units; a whole number of packs. */
  minOrderQty: z.int().min(1).max(1_000_000),
  /** Units per pack (case). */
  packSize: z.int().min(1).max(10_000),
};

export const SupplierInput = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  ...Fields,
});
export type SupplierInput = z.infer<typeof SupplierInput>;

export const SupplierPatch = z
  .strictObject({
    name: Fields.name.optional(),
    leadTimeDays: Fields.leadTimeDays.optional(),
    minOrderQty: Fields.minOrderQty.optional(),
    packSize: Fields.packSize.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: "nothing to change" });
export type SupplierPatch = z.infer<typeof SupplierPatch>;

export interface Supplier {
  id: string;
  name: string;
  leadTimeDays: number;
  minOrderQty: number;
  packSize: number;
  active: boolean;
  createdAt: string;
  updatedAt: string | null;
  deactivatedBy: string | null;
  deactivatedAt: string | null;
}

function checkPacks(s: { minOrderQty: number; packSize: number }) {
  if (s.minOrderQty % s.packSize !== 0)
    throw new ValidationError(
      "minOrderQty",
      `minimum order ${s.minOrderQty} is not a whole number of packs of ${s.packSize}`,
    );
}

const toSupplier = (r: Record<string, unknown>): Supplier => ({
  id: r.id as string,
  name: r.name as string,
  leadTimeDays: r.lead_time_days as number,
  minOrderQty: r.min_order_qty as number,
  packSize: r.pack_size as number,
  active: r.active === 1,
  createdAt: r.created_at as string,
  updatedAt: (r.updated_at as string | null) ?? null,
  deactivatedBy: (r.deactivated_by as string | null) ?? null,
  deactivatedAt: (r.deactivated_at as string | null) ?? null,
});

export function createSuppliers(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;

  function find(id: string): Supplier | undefined {
    const r = db.prepare("SELECT * FROM suppliers WHERE id = ?").get(id) as
      | Record<string, unknown>
      | undefined;
    return r ? toSupplier(r) : undefined;
  }
  function get(id: string): Supplier {
    const s = find(id);
    if (!s) throw new NotFoundError("supplier", id);
    return s;
  }

  /** Create, or replace the fields of an existing supplier (its active state is kept). */
  function upsert(input: unknown): Supplier {
    const r = SupplierInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    checkPacks(r.data);
    const at = now().toISOString();
    db.prepare(
      `INSERT INTO suppliers (id, name, lead_time_days, min_order_qty, pack_size, created_at) VALUES (?,?,?,?,?,?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, lead_time_days = excluded.lead_time_days,
       min_order_qty = excluded.min_order_qty, pack_size = excluded.pack_size, updated_at = ?`,
    ).run(r.data.id, r.data.name, r.data.leadTimeDays, r.data.minOrderQty, r.data.packSize, at, at);
    return get(r.data.id);
  }

  /** Changes some fields; the result must still be valid as a whole (whole packs). */
  function update(id: string, patch: unknown): Supplier {
    const r = SupplierPatch.safeParse(patch);
    if (!r.success) throw fromZod(r.error);
    const cur = get(id);
    const next = { ...cur, ...r.data };
    checkPacks(next);
    db.prepare(
      "UPDATE suppliers SET name = ?, lead_time_days = ?, min_order_qty = ?, pack_size = ?, updated_at = ? WHERE id = ?",
    ).run(next.name, next.leadTimeDays, next.minOrderQty, next.packSize, now().toISOString(), id);
    return get(id);
  }

  function setActive(id: string, active: boolean, actor: string): Supplier {
    const cur = get(id);
    if (cur.active === active)
      throw new StateError(id, `supplier ${id} is already ${active ? "active" : "deactivated"}`);
    const at = now().toISOString();
    db.prepare(
      "UPDATE suppliers SET active = ?, updated_at = ?, deactivated_by = ?, deactivated_at = ? WHERE id = ?",
    ).run(active ? 1 : 0, at, active ? null : actor, active ? null : at, id);
    return get(id);
  }

  function list(status: "active" | "inactive" | "all" = "active"): Supplier[] {
    const rows = db
      .prepare(
        "SELECT * FROM suppliers WHERE (? = 'all' OR active = (CASE ? WHEN 'active' THEN 1 ELSE 0 END)) ORDER BY id",
      )
      .all(status, status) as Record<string, unknown>[];
    return rows.map(toSupplier);
  }

  return {
    get,
    upsert,
    update,
    deactivate: (id: string, actor: string) => setActive(id, false, actor),
    reactivate: (id: string, actor: string) => setActive(id, true, actor),
    list,
  };
}

export type Suppliers = ReturnType<typeof createSuppliers>;
