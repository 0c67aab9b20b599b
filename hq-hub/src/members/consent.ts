// PIPL requests: consent kept with its time and wording (append-only: a withdrawal is a new
// row), a member's data exported on request, and erasure: the person goes (phone, name, the
// profile and its favourites, consents, at HQ and, through a change set, at every store),
// while sales, returns and vouchers stay as they were, under the member id alone.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Catalog } from "../catalog/catalog.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  campaignMembers,
  changesetItems,
  coupons,
  memberActivity,
  memberCategorySpend,
  memberConsents,
  memberErasures,
  memberProfiles,
  memberStoreSpend,
  members,
  sales,
} from "../db/schema.ts";
import { NotFoundError, StateError } from "../errors.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";

export const CONSENT_PURPOSES = ["membership", "marketing", "profiling"] as const;

export const ConsentInput = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  granted: z.boolean(),
  /** The words the member agreed to (or withdrew from), as shown. */
  wording: z.string().trim().min(10).max(4000),
});
export type ConsentInput = z.infer<typeof ConsentInput>;

/** What an erased member's phone becomes in kept change sets: valid for the stores' schema, no one's. */
export const ERASED_PHONE = "10000000000";

export function createConsents(deps: { db: Sqlite; now: () => Date; catalog: Catalog }) {
  const { db, now, catalog } = deps;
  const orm = openDrizzle(db);

  function memberOrThrow(id: string) {
    const m = orm.select().from(members).where(eq(members.id, id)).get();
    if (m) return m;
    const gone = orm.select().from(memberErasures).where(eq(memberErasures.memberId, id)).get();
    if (gone) throw new StateError(id, `member ${id} was erased at ${gone.erasedAt}`);
    throw new NotFoundError("member", id);
  }

  function record(actor: string, memberId: string, input: ConsentInput) {
    memberOrThrow(memberId);
    const row = orm
      .insert(memberConsents)
      .values({
        memberId,
        purpose: input.purpose,
        granted: input.granted ? 1 : 0,
        wording: input.wording,
        at: now().toISOString(),
        recordedBy: actor,
      })
      .returning()
      .get();
    return toOut(row);
  }

  const toOut = (r: typeof memberConsents.$inferSelect) => ({
    id: r.id,
    purpose: r.purpose,
    granted: r.granted === 1,
    wording: r.wording,
    at: r.at,
    recordedBy: r.recordedBy,
  });

  function list(memberId: string) {
    memberOrThrow(memberId);
    const rows = orm
      .select()
      .from(memberConsents)
      .where(eq(memberConsents.memberId, memberId))
      .orderBy(desc(memberConsents.id))
      .all()
      .map(toOut);
    const current = Object.fromEntries(
      CONSENT_PURPOSES.map((p) => [p, rows.find((r) => r.purpose === p)?.granted ?? false]),
    );
    return { current, history: rows };
  }

  /** Everything HQ holds about a member, for the member (PIPL access/portability). */
  function exportMember(memberId: string) {
    const m = memberOrThrow(memberId);
    const where = <T extends { memberId: unknown }>(t: T) => eq(t.memberId as typeof members.id, memberId);
    return {
      exportedAt: now().toISOString(),
      member: { id: m.id, phone: m.phone, name: m.name, tier: m.tier, points: m.points, status: m.status },
      profile: orm.select().from(memberProfiles).where(where(memberProfiles)).get() ?? null,
      categories: orm.select().from(memberCategorySpend).where(where(memberCategorySpend)).all(),
      stores: orm.select().from(memberStoreSpend).where(where(memberStoreSpend)).all(),
      activity: orm
        .select()
        .from(memberActivity)
        .where(where(memberActivity))
        .orderBy(asc(memberActivity.at))
        .all(),
      sales: orm
        .select({
          storeId: sales.storeId,
          saleId: sales.saleId,
          receiptNo: sales.receiptNo,
          completedAt: sales.completedAt,
          netFen: sales.netFen,
        })
        .from(sales)
        .where(eq(sales.memberId, memberId))
        .orderBy(asc(sales.completedAt))
        .all(),
      coupons: orm.select().from(coupons).where(eq(coupons.memberId, memberId)).all(),
      campaigns: orm.select().from(campaignMembers).where(where(campaignMembers)).all(),
      consents: list(memberId).history,
    };
  }

  /**
   * Erases a member: the stores are told to drop the record (a change set deleting it, released
   * to all), HQ drops the person and the profile, and the member's records in earlier change
   * sets lose the phone and name. Sales, returns, points history and coupons keep the bare id.
   */
  function erase(actor: string, memberId: string) {
    memberOrThrow(memberId);
    const at = now().toISOString();
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence({ kind: "member_erased", memberId }),
      target: { kind: "all" },
    });
    db.transaction(() => {
      catalog.putItem(cs.id, "member", memberId, "delete", null);
      // The delete item remembers the record it replaced: keep only its id there.
      const scrub = (col: typeof changesetItems.dataJson | typeof changesetItems.prevJson) =>
        sql`CASE WHEN ${col} IS NULL THEN NULL ELSE json_remove(json_set(${col}, '$.phone', ${ERASED_PHONE}), '$.name') END`;
      orm
        .update(changesetItems)
        .set({ dataJson: scrub(changesetItems.dataJson), prevJson: scrub(changesetItems.prevJson) })
        .where(and(eq(changesetItems.entity, "member"), eq(changesetItems.key, memberId)))
        .run();
      orm.delete(memberProfiles).where(eq(memberProfiles.memberId, memberId)).run();
      orm.delete(memberCategorySpend).where(eq(memberCategorySpend.memberId, memberId)).run();
      orm.delete(memberStoreSpend).where(eq(memberStoreSpend.memberId, memberId)).run();
      orm.delete(memberConsents).where(eq(memberConsents.memberId, memberId)).run();
      orm.delete(members).where(eq(members.id, memberId)).run();
      orm
        .insert(memberErasures)
        .values({ memberId, erasedAt: at, erasedBy: actor, changesetId: cs.id })
        .run();
    })();
    catalog.invalidate();
    catalog.release(actor, cs.id, "all");
    return { memberId, erasedAt: at, changesetId: cs.id };
  }

  return { record, list, exportMember, erase };
}

export type Consents = ReturnType<typeof createConsents>;
