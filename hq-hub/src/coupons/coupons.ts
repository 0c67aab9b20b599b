// HQ's coupons: issuing (one, many, or one per member) bound to a coupon-gated promotion,
// sent to every store as a change set released at once (coupons are data, not configuration:
// no pilot stage); the list with each coupon's uses; "spent" sent down after ingest recorded a
// one-time coupon's first use (syncSpent, like the member balances); the conflicts of a
// one-time coupon used twice.
import { randomBytes } from "node:crypto";
import { type Coupon, CouponV1, IsoTime, type Promotion } from "@retail/protocol";
import { and, asc, count, desc, eq, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Catalog } from "../catalog/catalog.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { couponConflicts, couponRedemptions, coupons, members } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import { aboutSentence } from "../rollout/changeset-about.ts";

const Code = z.string().regex(/^[A-Za-z0-9-]{3,40}$/, "3-40 letters, digits or '-'");
export const MAX_ISSUE = 10_000;

export const IssueInput = z.strictObject({
  promotionId: z.string().min(1).max(40),
  /** One coupon per member (each only for that member). */
  memberIds: z.array(z.string().min(1).max(40)).min(1).max(MAX_ISSUE).optional(),
  /** That many coupons for anyone (ignored with memberIds or codes). */
  count: z.int().min(1).max(MAX_ISSUE).optional(),
  /** Codes to use instead of generated ones (as many as memberIds when both are given). */
  codes: z.array(Code).min(1).max(MAX_ISSUE).optional(),
  /** Generated codes start with this (default: the promotion's couponCode). */
  prefix: z
    .string()
    .regex(/^[A-Z0-9]{1,12}$/, "1-12 capital letters or digits")
    .optional(),
  validUntil: IsoTime.optional(),
  /** A campaign code anyone may use any number of times: one code, no member. */
  multiUse: z.boolean().optional(),
});
export type IssueInput = z.infer<typeof IssueInput>;

export const CouponQuery = z.object({
  promotionId: z.string().max(40).optional(),
  memberId: z.string().max(40).optional(),
  status: z.enum(["issued", "redeemed", "void"]).optional(),
  code: z.string().max(40).optional(),
  /** The start of a code, or a member id (the list's search box). */
  q: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type CouponQuery = z.infer<typeof CouponQuery>;

export const ConflictQuery = z.object({
  status: z.enum(["open", "resolved", "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ConflictQuery = z.infer<typeof ConflictQuery>;

/** Generated code: prefix, '-', 8 characters without look-alikes (0/O, 1/I). */
function newCode(prefix: string): string {
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  const b = randomBytes(8);
  let s = "";
  for (const x of b) s += alphabet[x % alphabet.length];
  return `${prefix}-${s}`;
}

/** The coupons an issue request asks for (pure, after the promotion and members were checked). */
export function planIssue(
  input: IssueInput,
  promotion: Promotion,
  gen: (prefix: string) => string,
): Coupon[] {
  const { codes, memberIds, multiUse } = input;
  if (multiUse && ((codes?.length ?? 1) !== 1 || memberIds || (input.count ?? 1) !== 1))
    throw new ValidationError("multiUse", "a multi-use coupon is one code for anyone: no members, one code");
  if (codes && memberIds && codes.length !== memberIds.length)
    throw new ValidationError("codes", `${codes.length} codes for ${memberIds.length} members`);
  if (codes && input.count !== undefined && input.count !== codes.length)
    throw new ValidationError("count", `count ${input.count} but ${codes.length} codes`);
  const n = codes?.length ?? memberIds?.length ?? input.count ?? 1;
  const prefix = input.prefix ?? promotion.couponCode!.replace(/[^A-Za-z0-9]/g, "").slice(0, 12);
  const made = new Set<string>();
  const out: Coupon[] = [];
  for (let i = 0; i < n; i++) {
    let code = codes?.[i];
    if (code === undefined)
      do code = gen(prefix);
      while (made.has(code));
    if (made.has(code)) throw new ValidationError(`codes.${i}`, `code ${code} is given twice`);
    made.add(code);
    const member = memberIds?.[i];
    out.push(
      CouponV1.parse({
        code,
        promotionId: promotion.id,
        ...(member ? { memberId: member } : {}),
        ...(input.validUntil ? { validUntil: input.validUntil } : {}),
        status: "issued",
        ...(multiUse ? { multiUse: true } : {}),
      }),
    );
  }
  return out;
}

export function createCoupons(deps: { db: Sqlite; now: () => Date; catalog: Catalog }) {
  const { db, now, catalog } = deps;
  const orm = openDrizzle(db);

  function promotionOf(id: string): Promotion {
    const p = catalog.readMaster("promotion", id) as Promotion | null;
    if (!p) throw new ValidationError("promotionId", `unknown promotion ${id}`);
    if (!p.couponCode)
      throw new ValidationError(
        "promotionId",
        `promotion ${id} applies without a coupon: give it a couponCode before issuing coupons for it`,
      );
    if (p.endsAt && Date.parse(p.endsAt) <= now().getTime())
      throw new ValidationError("promotionId", `promotion ${id} ended at ${p.endsAt}`);
    return p;
  }

  function issue(actor: string, input: IssueInput) {
    const promotion = promotionOf(input.promotionId);
    if (input.validUntil && Date.parse(input.validUntil) <= now().getTime())
      throw new ValidationError("validUntil", "the coupons would be expired already");
    const memberExists = orm
      .select({ id: members.id })
      .from(members)
      .where(eq(members.id, sql.placeholder("id")))
      .prepare();
    input.memberIds?.forEach((m, i) => {
      if (!memberExists.get({ id: m })) throw new ValidationError(`memberIds.${i}`, `unknown member ${m}`);
    });
    const codeIs = orm
      .select({ code: coupons.code })
      .from(coupons)
      .where(eq(coupons.code, sql.placeholder("code")))
      .prepare();
    const codeExists = { get: (code: string) => codeIs.get({ code }) };
    const gen = (prefix: string) => {
      for (;;) {
        const c = newCode(prefix);
        if (!codeExists.get(c)) return c;
      }
    };
    const planned = planIssue(input, promotion, gen);
    planned.forEach((c, i) => {
      if (input.codes && codeExists.get(c.code))
        throw new ValidationError(`codes.${i}`, `coupon ${c.code} exists already`);
    });
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence({
        kind: "coupons_issued",
        promotionId: promotion.id,
        count: planned.length,
      }),
      target: { kind: "all" },
    });
    db.transaction(() => {
      for (const c of planned) catalog.putItem(cs.id, "coupon", c.code, "upsert", c);
      catalog.audit(cs.id, "edit", actor, {
        kind: "coupons_issued",
        count: planned.length,
        promotionId: promotion.id,
      });
    })();
    catalog.invalidate();
    const released = catalog.release(actor, cs.id, "all");
    return { changesetId: cs.id, version: released.version, promotionId: promotion.id, coupons: planned };
  }

  /**
   * Sends "redeemed" down for the one-time coupons whose first use ingest recorded since the
   * last call: one change set released to every store. Undefined when there is nothing to send.
   */
  function syncSpent(actor: string): { changesetId: number; coupons: number } | undefined {
    const codes = orm
      .selectDistinct({ code: couponRedemptions.code })
      .from(couponRedemptions)
      .where(eq(couponRedemptions.pushed, 0))
      .limit(5000)
      .all()
      .map((r) => r.code);
    if (codes.length === 0) return undefined;
    const records = codes
      .map((code) => catalog.readMaster("coupon", code) as Coupon | null)
      .filter((c): c is Coupon => c !== null && c.status === "issued");
    const pushed = orm
      .update(couponRedemptions)
      .set({ pushed: 1 })
      .where(and(eq(couponRedemptions.code, sql.placeholder("code")), eq(couponRedemptions.pushed, 0)))
      .prepare();
    const markPushed = { run: (code: string) => pushed.run({ code }) };
    if (records.length === 0) {
      db.transaction(() => {
        for (const code of codes) markPushed.run(code);
      })();
      return undefined;
    }
    const cs = catalog.createChangeset(actor, {
      description: aboutSentence({ kind: "coupons_spent", count: records.length }),
      target: { kind: "all" },
    });
    db.transaction(() => {
      for (const c of records)
        catalog.putItem(cs.id, "coupon", c.code, "upsert", { ...c, status: "redeemed" });
      for (const code of codes) markPushed.run(code);
    })();
    catalog.invalidate();
    catalog.release(actor, cs.id, "all");
    return { changesetId: cs.id, coupons: records.length };
  }

  function list(query: CouponQuery) {
    const words = query.q?.trim().replace(/[\\%_]/g, "");
    const where = and(
      query.promotionId ? eq(coupons.promotionId, query.promotionId) : undefined,
      query.memberId ? eq(coupons.memberId, query.memberId) : undefined,
      query.status ? eq(coupons.status, query.status) : undefined,
      query.code ? eq(coupons.code, query.code) : undefined,
      words ? or(like(coupons.code, `${words}%`), eq(coupons.memberId, words)) : undefined,
    );
    const total = orm.select({ n: count() }).from(coupons).where(where).get()?.n ?? 0;
    const rows = orm
      .select({
        code: coupons.code,
        promotion_id: coupons.promotionId,
        member_id: coupons.memberId,
        valid_until: coupons.validUntil,
        status: coupons.status,
        multi_use: coupons.multiUse,
        uses: orm.$count(couponRedemptions, eq(couponRedemptions.code, coupons.code)),
        // The first use by time, then by arrival (the implicit rowid, not a declared column).
        first_use: sql<string | null>`(${orm
          .select({
            use: sql`json_object('storeId', ${couponRedemptions.storeId}, 'saleId', ${couponRedemptions.saleId}, 'at', ${couponRedemptions.redeemedAt})`,
          })
          .from(couponRedemptions)
          .where(eq(couponRedemptions.code, coupons.code))
          .orderBy(asc(couponRedemptions.redeemedAt), sql`${couponRedemptions}.rowid`)
          .limit(1)})`,
      })
      .from(coupons)
      .where(where)
      .orderBy(asc(coupons.code))
      .limit(query.limit)
      .offset(query.offset)
      .all();
    return {
      total,
      coupons: rows.map((r) => ({
        code: r.code as string,
        promotionId: r.promotion_id as string,
        memberId: (r.member_id as string | null) ?? null,
        validUntil: (r.valid_until as string | null) ?? null,
        status: r.status as "issued" | "redeemed" | "void",
        multiUse: r.multi_use === 1,
        uses: r.uses as number,
        firstUse: r.first_use
          ? (JSON.parse(r.first_use as string) as { storeId: string; saleId: string; at: string })
          : null,
      })),
    };
  }

  function conflicts(query: ConflictQuery) {
    const rows = orm
      .select()
      .from(couponConflicts)
      .where(query.status === "all" ? undefined : eq(couponConflicts.status, query.status))
      .orderBy(desc(couponConflicts.id))
      .limit(query.limit)
      .all();
    return {
      conflicts: rows.map((r) => ({
        id: r.id,
        code: r.code,
        first: { storeId: r.firstStoreId, saleId: r.firstSaleId, at: r.firstRedeemedAt },
        second: { storeId: r.storeId, saleId: r.saleId, at: r.redeemedAt },
        detectedAt: r.detectedAt,
        status: r.status,
        resolvedBy: r.resolvedBy,
        resolvedAt: r.resolvedAt,
        note: r.note,
      })),
    };
  }

  /** Closes a conflict once someone dealt with it (the customer charged, written off...). */
  function resolveConflict(id: number, actor: string, note: string) {
    const r = orm
      .select({ status: couponConflicts.status })
      .from(couponConflicts)
      .where(eq(couponConflicts.id, id))
      .get();
    if (!r) throw new NotFoundError("coupon conflict", String(id));
    if (r.status !== "open") throw new StateError(String(id), `coupon conflict ${id} is ${r.status}`);
    orm
      .update(couponConflicts)
      .set({ status: "resolved", resolvedBy: actor, resolvedAt: now().toISOString(), note })
      .where(eq(couponConflicts.id, id))
      .run();
    return conflicts({ status: "all", limit: 1000 }).conflicts.find((c) => c.id === id)!;
  }

  /**
   * Voids the coupons among `codes` still issued and never used (a cancelled campaign's): one
   * change set released to every store. The count voided (0: nothing sent).
   */
  function voidUnused(actor: string, codes: string[], reason: string): number {
    const used = orm
      .select({ code: couponRedemptions.code })
      .from(couponRedemptions)
      .where(eq(couponRedemptions.code, sql.placeholder("code")))
      .limit(1)
      .prepare();
    const records = codes
      .map((code) => catalog.readMaster("coupon", code) as Coupon | null)
      .filter((c): c is Coupon => c !== null && c.status === "issued" && !used.get({ code: c.code }));
    for (let i = 0; i < records.length; i += MAX_ISSUE) {
      const page = records.slice(i, i + MAX_ISSUE);
      const cs = catalog.createChangeset(actor, {
        description: aboutSentence({ kind: "coupons_voided", count: page.length, reason }),
        target: { kind: "all" },
      });
      db.transaction(() => {
        for (const c of page) catalog.putItem(cs.id, "coupon", c.code, "upsert", { ...c, status: "void" });
        catalog.audit(cs.id, "edit", actor, { kind: "coupons_voided", count: page.length, reason });
      })();
      catalog.invalidate();
      catalog.release(actor, cs.id, "all");
    }
    return records.length;
  }

  return { issue, syncSpent, list, conflicts, resolveConflict, voidUnused };
}

export type Coupons = ReturnType<typeof createCoupons>;
