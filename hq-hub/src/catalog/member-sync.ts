// The periodic member balance sync: members whose points or status changed at HQ (marked dirty
// by ingest) go down to every store as a change set of kind "members", released to all at once
// (balances are data, not configuration: no pilot stage). It takes its own position in each
// store's release log like any release, so it can never make a store skip a piloted change set
// promoted after it; the change set list hides it unless asked for (GET /changesets?kind=all).
import { eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { changesets, members } from "../db/schema.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";
import type { Catalog } from "./catalog.ts";

export function createMemberSync(db: Sqlite, catalog: Catalog) {
  const orm = openDrizzle(db);
  const selectDirty = orm
    .select({
      id: members.id,
      phone: members.phone,
      name: members.name,
      tier: members.tier,
      points: members.points,
      status: members.status,
    })
    .from(members)
    .where(eq(members.dirty, 1))
    .prepare();
  const anyDirty = orm
    .select({ id: members.id })
    .from(members)
    .where(eq(members.dirty, 1))
    .limit(1)
    .prepare();

  /** Sends the dirty member balances down; undefined when none changed. */
  return function syncMembers(actor: string): { changesetId: number; members: number } | undefined {
    if (!anyDirty.get()) return undefined;
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence({ kind: "member_balances", members: null }),
      target: { kind: "all" },
    });
    let dirty: ReturnType<typeof selectDirty.all> = [];
    db.transaction(() => {
      // Read inside the (IMMEDIATE) transaction: the ingest Worker commits point changes on its
      // own connection, and a balance read before it took the lock would be written back over
      // its increment (and marked clean).
      dirty = selectDirty.all();
      for (const m of dirty) {
        const rec = {
          id: m.id,
          phone: m.phone,
          ...(m.name ? { name: m.name } : {}),
          tier: m.tier,
          points: m.points,
          status: m.status,
        };
        catalog.putItem(cs.id, "member", m.id, "upsert", rec);
      }
      orm
        .update(changesets)
        .set({
          description: aboutSentence({ kind: "member_balances", members: dirty.length }),
          kind: "members",
        })
        .where(eq(changesets.id, cs.id))
        .run();
    })();
    catalog.invalidate();
    catalog.release(actor, cs.id, "all");
    return { changesetId: cs.id, members: dirty.length };
  };
}
