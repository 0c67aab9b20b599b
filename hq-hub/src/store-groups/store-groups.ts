// Store groups (issue 19 item 2): a named set of stores built by picking stores (found by code,
// name or region on the fleet list) or a whole region at once, kept at HQ, and used in bulk
// actions: a draft change set targeted at the group's stores, or the group's stores moved to a
// ring. A store in no group, or in several, is fine; deleting a group leaves its stores alone.
import { z } from "@hono/zod-openapi";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { storeGroupMembers, storeGroups, stores } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";

const GroupId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "group code: 1-32 letters, digits, - or _");
const StoreId = z.string().regex(/^[A-Z0-9]{1,16}$/, "store code: 1-16 capital letters or digits");

export const StoreGroupInput = z.strictObject({ id: GroupId, name: z.string().trim().min(1).max(40) });
export const StoreGroupPatch = z.strictObject({ name: z.string().trim().min(1).max(40) });
/** Stores to add (by code, or every store of a region) and to remove, in one request. */
export const StoreGroupMembersInput = z
  .strictObject({
    add: z.array(StoreId).max(5000).optional(),
    region: z.string().min(1).max(40).optional(),
    remove: z.array(StoreId).max(5000).optional(),
  })
  .refine((b) => b.add?.length || b.region || b.remove?.length, {
    message: "name stores to add or remove, or a region to add",
  });

export interface StoreGroupRow {
  id: string;
  name: string;
  stores: number;
  createdBy: string;
  createdAt: string;
}

export function createStoreGroups(deps: { db: Sqlite; now: () => Date }) {
  const orm = openDrizzle(deps.db);

  function list(): StoreGroupRow[] {
    const counts = new Map(
      orm
        .select({ id: storeGroupMembers.groupId, n: count() })
        .from(storeGroupMembers)
        .groupBy(storeGroupMembers.groupId)
        .all()
        .map((r) => [r.id, r.n]),
    );
    return orm
      .select()
      .from(storeGroups)
      .orderBy(asc(storeGroups.id))
      .all()
      .map((g) => ({ ...g, stores: counts.get(g.id) ?? 0 }));
  }

  function find(id: string) {
    const g = orm.select().from(storeGroups).where(eq(storeGroups.id, id)).get();
    if (!g) throw new NotFoundError("store group", id);
    return g;
  }

  /** A group with its stores (code, name, region, ring), by code. */
  function get(id: string) {
    const g = find(id);
    const members = orm
      .select({ id: stores.id, name: stores.name, region: stores.region, ring: stores.ring })
      .from(storeGroupMembers)
      .innerJoin(stores, eq(stores.id, storeGroupMembers.storeId))
      .where(eq(storeGroupMembers.groupId, id))
      .orderBy(asc(stores.id))
      .all();
    return { ...g, stores: members };
  }

  function create(input: z.output<typeof StoreGroupInput>, actor: string) {
    if (orm.select({ id: storeGroups.id }).from(storeGroups).where(eq(storeGroups.id, input.id)).get())
      throw new StateError(input.id, `store group ${input.id} exists already`);
    orm
      .insert(storeGroups)
      .values({ ...input, createdBy: actor, createdAt: deps.now().toISOString() })
      .run();
    return get(input.id);
  }

  function rename(id: string, patch: z.output<typeof StoreGroupPatch>) {
    find(id);
    orm.update(storeGroups).set({ name: patch.name }).where(eq(storeGroups.id, id)).run();
    return get(id);
  }

  function remove(id: string) {
    find(id);
    deps.db.transaction(() => {
      orm.delete(storeGroupMembers).where(eq(storeGroupMembers.groupId, id)).run();
      orm.delete(storeGroups).where(eq(storeGroups.id, id)).run();
    })();
    return { ok: true as const };
  }

  /** Adds and removes stores in one transaction; an unknown store code refuses the whole request. */
  function setMembers(id: string, input: z.output<typeof StoreGroupMembersInput>) {
    find(id);
    const add = new Set(input.add ?? []);
    if (add.size) {
      const known = new Set(
        orm
          .select({ id: stores.id })
          .from(stores)
          .where(inArray(stores.id, [...add]))
          .all()
          .map((s) => s.id),
      );
      const unknown = [...add].filter((s) => !known.has(s));
      if (unknown.length) throw new ValidationError("add", `unknown store ${unknown.slice(0, 5).join(", ")}`);
    }
    if (input.region) {
      const inRegion = orm
        .select({ id: stores.id })
        .from(stores)
        .where(eq(stores.region, input.region))
        .all();
      if (!inRegion.length) throw new ValidationError("region", `no store is in region ${input.region}`);
      for (const s of inRegion) add.add(s.id);
    }
    deps.db.transaction(() => {
      for (const storeId of add)
        orm.insert(storeGroupMembers).values({ groupId: id, storeId }).onConflictDoNothing().run();
      if (input.remove?.length)
        orm
          .delete(storeGroupMembers)
          .where(and(eq(storeGroupMembers.groupId, id), inArray(storeGroupMembers.storeId, input.remove)))
          .run();
    })();
    return get(id);
  }

  /** The codes of a group's stores (a change set's target, a ring move). */
  function storesOf(id: string): string[] {
    return get(id).stores.map((s) => s.id);
  }

  return { list, get, create, rename, remove, setMembers, storesOf };
}

export type StoreGroups = ReturnType<typeof createStoreGroups>;
