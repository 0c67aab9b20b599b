// Suppliers: create, edit (name, tax id, payment terms, lead time, minimum order, pack size),
// deactivate and reactivate. A minimum order is a whole number of packs; a tax id is a valid
// 统一社会信用代码 (check digit verified, tax-id.ts). Deactivated suppliers are kept (the
// receivings and orders that name them still refer to them) and listed only when asked.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { suppliers } from "../db/schema.ts";
import { fromZod, NotFoundError, StateError, ValidationError } from "../errors.ts";
import { taxIdProblem } from "./tax-id.ts";

const Fields = {
  name: z.string().trim().min(1).max(80),
  /** Days from order to delivery. */
  leadTimeDays: z.int().min(0).max(365),
  /** Smallest order, in units; a whole number of packs. */
  minOrderQty: z.int().min(1).max(1_000_000),
  /** Units per pack (case). */
  packSize: z.int().min(1).max(10_000),
  /** 统一社会信用代码; null clears it. Upper-cased before the check. */
  taxId: z
    .string()
    .trim()
    .max(32)
    .transform((v) => v.toUpperCase())
    .superRefine((v, ctx) => {
      const problem = taxIdProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .nullable(),
  /** Days from invoice to payment (月结30天 = 30). */
  paymentTermsDays: z.int().min(0).max(365),
};

export const SupplierInput = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  name: Fields.name,
  leadTimeDays: Fields.leadTimeDays,
  minOrderQty: Fields.minOrderQty,
  packSize: Fields.packSize,
  /** Left as they are on an existing supplier when not given (none, 30 days on a new one). */
  taxId: Fields.taxId.optional(),
  paymentTermsDays: Fields.paymentTermsDays.optional(),
});
export type SupplierInput = z.infer<typeof SupplierInput>;

export const SupplierPatch = z
  .strictObject({
    name: Fields.name.optional(),
    leadTimeDays: Fields.leadTimeDays.optional(),
    minOrderQty: Fields.minOrderQty.optional(),
    packSize: Fields.packSize.optional(),
    taxId: Fields.taxId.optional(),
    paymentTermsDays: Fields.paymentTermsDays.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: "nothing to change" });
export type SupplierPatch = z.infer<typeof SupplierPatch>;

export interface Supplier {
  id: string;
  name: string;
  leadTimeDays: number;
  minOrderQty: number;
  packSize: number;
  taxId: string | null;
  paymentTermsDays: number;
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

const toSupplier = (r: typeof suppliers.$inferSelect): Supplier => ({ ...r, active: r.active === 1 });

export function createSuppliers(deps: { db: Sqlite; now: () => Date }) {
  const { now } = deps;
  const orm = openDrizzle(deps.db);

  function find(id: string): Supplier | undefined {
    const r = orm.select().from(suppliers).where(eq(suppliers.id, id)).get();
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
    const { id, ...fields } = r.data;
    orm
      .insert(suppliers)
      .values({ id, ...fields, createdAt: at })
      .onConflictDoUpdate({ target: suppliers.id, set: { ...fields, updatedAt: at } })
      .run();
    return get(r.data.id);
  }

  /** Changes some fields; the result must still be valid as a whole (whole packs). */
  function update(id: string, patch: unknown): Supplier {
    const r = SupplierPatch.safeParse(patch);
    if (!r.success) throw fromZod(r.error);
    const cur = get(id);
    const next = { ...cur, ...r.data };
    checkPacks(next);
    const { name, leadTimeDays, minOrderQty, packSize, taxId, paymentTermsDays } = next;
    orm
      .update(suppliers)
      .set({
        name,
        leadTimeDays,
        minOrderQty,
        packSize,
        taxId,
        paymentTermsDays,
        updatedAt: now().toISOString(),
      })
      .where(eq(suppliers.id, id))
      .run();
    return get(id);
  }

  function setActive(id: string, active: boolean, actor: string): Supplier {
    const cur = get(id);
    if (cur.active === active)
      throw new StateError(id, `supplier ${id} is already ${active ? "active" : "deactivated"}`);
    const at = now().toISOString();
    orm
      .update(suppliers)
      .set({
        active: active ? 1 : 0,
        updatedAt: at,
        deactivatedBy: active ? null : actor,
        deactivatedAt: active ? null : at,
      })
      .where(eq(suppliers.id, id))
      .run();
    return get(id);
  }

  function list(status: "active" | "inactive" | "all" = "active"): Supplier[] {
    const where = status === "all" ? undefined : eq(suppliers.active, status === "active" ? 1 : 0);
    return orm.select().from(suppliers).where(where).orderBy(asc(suppliers.id)).all().map(toSupplier);
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
