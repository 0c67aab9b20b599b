// Member profiles kept by ingest: one call per ledger event (ingest/ledger.ts), inside the
// event's own savepoint of the ingest transaction, so a profile moves exactly when the sale
// commits. Exactly once twice over: the inbox refuses a redelivered or replayed event before
// it gets here, and member_activity's primary key (store, kind, document) refuses a second
// copy anyway, in which case nothing else is touched.
import type { AnyEnvelope, Payload } from "@retail/protocol";
import { and, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  memberActivity,
  memberCategorySpend,
  memberErasures,
  memberProfiles,
  memberStoreSpend,
} from "../db/schema.ts";
import { pointsFor } from "../ingest/effects.ts";

/** What one member sale adds to the profile tables (pure). */
export interface SaleFacts {
  memberId: string;
  storeId: string;
  saleId: string;
  at: string;
  netFen: number;
  points: number;
  coupons: number;
  /** Net spend per category, in first-seen order. */
  categories: { category: string; netFen: number; lines: number }[];
}

/** Times are kept in UTC so that text order is time order whatever offset a store sent. */
const utc = (iso: string) => new Date(iso).toISOString();

export function factsOfSale(storeId: string, p: Payload<"sale.completed">): SaleFacts | undefined {
  if (p.training || !p.member) return undefined;
  const byCategory = new Map<string, { category: string; netFen: number; lines: number }>();
  for (const l of p.lines) {
    const c = byCategory.get(l.category) ?? { category: l.category, netFen: 0, lines: 0 };
    c.netFen += l.net;
    c.lines++;
    byCategory.set(l.category, c);
  }
  return {
    memberId: p.member.id,
    storeId,
    saleId: p.saleId,
    at: utc(p.completedAt),
    netFen: p.totals.net,
    points: pointsFor(p.totals.net),
    coupons: p.coupons.length,
    categories: [...byCategory.values()],
  };
}

function statements(db: Sqlite) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  return {
    activity: orm
      .insert(memberActivity)
      .values({
        storeId: p("storeId"),
        docKind: p("kind"),
        docId: p("docId"),
        memberId: p("memberId"),
        at: p("at"),
        netFen: p("netFen"),
        points: p("points"),
        coupons: p("coupons"),
      })
      .onConflictDoNothing()
      .prepare(),
    profile: orm
      .insert(memberProfiles)
      .values({
        memberId: p("memberId"),
        visits: p("visits"),
        spendFen: p("netFen"),
        returnsFen: p("returnsFen"),
        firstVisitAt: p("visitAt"),
        lastVisitAt: p("visitAt"),
        couponsUsed: p("coupons"),
      })
      .onConflictDoUpdate({
        target: memberProfiles.memberId,
        set: {
          visits: sql`${memberProfiles.visits} + excluded.visits`,
          spendFen: sql`${memberProfiles.spendFen} + excluded.spend_fen`,
          returnsFen: sql`${memberProfiles.returnsFen} + excluded.returns_fen`,
          firstVisitAt: sql`COALESCE(MIN(${memberProfiles.firstVisitAt}, excluded.first_visit_at), ${memberProfiles.firstVisitAt}, excluded.first_visit_at)`,
          lastVisitAt: sql`COALESCE(MAX(${memberProfiles.lastVisitAt}, excluded.last_visit_at), ${memberProfiles.lastVisitAt}, excluded.last_visit_at)`,
          couponsUsed: sql`${memberProfiles.couponsUsed} + excluded.coupons_used`,
        },
      })
      .prepare(),
    category: orm
      .insert(memberCategorySpend)
      .values({ memberId: p("memberId"), category: p("category"), spendFen: p("netFen"), lines: p("lines") })
      .onConflictDoUpdate({
        target: [memberCategorySpend.memberId, memberCategorySpend.category],
        set: {
          spendFen: sql`${memberCategorySpend.spendFen} + excluded.spend_fen`,
          lines: sql`${memberCategorySpend.lines} + excluded.lines`,
        },
      })
      .prepare(),
    store: orm
      .insert(memberStoreSpend)
      .values({ memberId: p("memberId"), storeId: p("storeId"), visits: p("visits"), spendFen: p("netFen") })
      .onConflictDoUpdate({
        target: [memberStoreSpend.memberId, memberStoreSpend.storeId],
        set: {
          visits: sql`${memberStoreSpend.visits} + excluded.visits`,
          spendFen: sql`${memberStoreSpend.spendFen} + excluded.spend_fen`,
        },
      })
      .prepare(),
    erased: orm
      .select({ id: memberErasures.memberId })
      .from(memberErasures)
      .where(eq(memberErasures.memberId, p("memberId")))
      .prepare(),
    memberOfSale: orm
      .select({ memberId: memberActivity.memberId })
      .from(memberActivity)
      .where(
        and(
          eq(memberActivity.storeId, p("storeId")),
          eq(memberActivity.docKind, "sale"),
          eq(memberActivity.docId, p("saleId")),
        ),
      )
      .prepare(),
  };
}

type Statements = ReturnType<typeof statements>;
/** Prepared once per connection (ingest runs on its own connection in the Worker). */
const prepared = new WeakMap<Sqlite, Statements>();

function statementsOf(db: Sqlite): Statements {
  let q = prepared.get(db);
  if (!q) {
    q = statements(db);
    prepared.set(db, q);
  }
  return q;
}

/** Applies a member sale to the profile tables; false when this sale was counted already. */
export function applySaleFacts(db: Sqlite, f: SaleFacts): boolean {
  const q = statementsOf(db);
  // An erased member's late sale (a store that was offline) must not build a new profile.
  if (q.erased.get({ memberId: f.memberId })) return false;
  const r = q.activity.run({
    storeId: f.storeId,
    kind: "sale",
    docId: f.saleId,
    memberId: f.memberId,
    at: f.at,
    netFen: f.netFen,
    points: f.points,
    coupons: f.coupons,
  });
  if (r.changes === 0) return false;
  q.profile.run({
    memberId: f.memberId,
    visits: 1,
    netFen: f.netFen,
    returnsFen: 0,
    visitAt: f.at,
    coupons: f.coupons,
  });
  for (const c of f.categories)
    q.category.run({ memberId: f.memberId, category: c.category, netFen: c.netFen, lines: c.lines });
  q.store.run({ memberId: f.memberId, storeId: f.storeId, visits: 1, netFen: f.netFen });
  return true;
}

function applyReturn(db: Sqlite, storeId: string, p: Payload<"sale.returned">, points?: number): boolean {
  if (p.training || !p.original) return false;
  const q = statementsOf(db);
  // The member is the original sale's (as HQ counted it), wherever the goods come back.
  const m = q.memberOfSale.get({ storeId: p.original.storeId, saleId: p.original.saleId });
  if (!m || q.erased.get({ memberId: m.memberId })) return false;
  const refund = p.totals.refund;
  const r = q.activity.run({
    storeId,
    kind: "return",
    docId: p.returnId,
    memberId: m.memberId,
    at: utc(p.returnedAt),
    netFen: -refund,
    points: points ?? -pointsFor(refund),
    coupons: 0,
  });
  if (r.changes === 0) return false;
  // A return is not a visit: last visit stays the last purchase (null here keeps it).
  q.profile.run({
    memberId: m.memberId,
    visits: 0,
    netFen: -refund,
    returnsFen: refund,
    visitAt: null,
    coupons: 0,
  });
  q.store.run({ memberId: m.memberId, storeId, visits: 0, netFen: -refund });
  return true;
}

/**
 * The hook ingest calls for every valid ledger event, inside the event's transaction: member
 * sales and returns move the profile; anything else is ignored. True when a profile moved.
 * `points`: what the sale earned (or the return took back) under the chain's points rule, when
 * it differs from one per yuan of net (members/points.ts); the history then agrees with the balance.
 */
export function recordMemberActivity(db: Sqlite, env: AnyEnvelope, points?: number): boolean {
  if (env.type === "sale.completed") {
    const f = factsOfSale(env.storeId, env.payload);
    return f ? applySaleFacts(db, points === undefined ? f : { ...f, points }) : false;
  }
  if (env.type === "sale.returned") return applyReturn(db, env.storeId, env.payload, points);
  return false;
}
