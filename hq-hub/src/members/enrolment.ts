// Members signed up at a till (member.enrolled): HQ creates the member under the store's id with
// its consents (as shown, with their time, recorded by the store's cashier), exactly once with
// the event (ingest's savepoint; member_enrolments' key refuses a second copy), and marks it
// dirty so the member sync sends it to every store. A phone HQ already has (signed up at two
// stores while one was offline) creates nothing: the enrolment is recorded as a duplicate naming
// the existing member, whose record the sync sends again so the store finds it by phone.
import type { Payload } from "@retail/protocol";
import { eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { memberConsents, memberEnrolments, memberErasures, members, memberTierRules } from "../db/schema.ts";

export type EnrolmentOutcome = "created" | "duplicate_phone" | "erased" | "replayed";

export function recordEnrolment(
  db: Sqlite,
  storeId: string,
  eventId: string,
  p: Payload<"member.enrolled">,
): EnrolmentOutcome {
  const orm = openDrizzle(db);
  if (orm.select().from(memberEnrolments).where(eq(memberEnrolments.memberId, p.memberId)).get())
    return "replayed";
  const row = (outcome: EnrolmentOutcome, existingMemberId: string | null) =>
    orm
      .insert(memberEnrolments)
      .values({
        memberId: p.memberId,
        storeId,
        eventId,
        laneId: p.laneId,
        cashierId: p.cashierId,
        enrolledAt: new Date(p.enrolledAt).toISOString(),
        outcome,
        existingMemberId,
      })
      .run();
  // Erased before the sign-up reached HQ (an offline store): the person stays gone.
  if (orm.select().from(memberErasures).where(eq(memberErasures.memberId, p.memberId)).get()) {
    row("erased", null);
    return "erased";
  }
  const byPhone = orm.select({ id: members.id }).from(members).where(eq(members.phone, p.phone)).get();
  const byId = orm.select({ id: members.id }).from(members).where(eq(members.id, p.memberId)).get();
  if (byPhone || byId) {
    const existing = (byPhone ?? byId)!.id;
    row("duplicate_phone", existing);
    orm.update(members).set({ dirty: 1 }).where(eq(members.id, existing)).run();
    return "duplicate_phone";
  }
  // The lowest tier of the chain's rules (rank 0), or "regular" before any rule is set.
  const tier =
    orm
      .select({ tier: memberTierRules.tier })
      .from(memberTierRules)
      .orderBy(memberTierRules.rank)
      .limit(1)
      .get()?.tier ?? "regular";
  orm
    .insert(members)
    .values({
      id: p.memberId,
      phone: p.phone,
      name: p.name ?? null,
      tier,
      points: 0,
      status: "active",
      dirty: 1,
    })
    .run();
  for (const c of p.consents)
    orm
      .insert(memberConsents)
      .values({
        memberId: p.memberId,
        purpose: c.purpose,
        granted: c.granted ? 1 : 0,
        wording: c.wording,
        at: new Date(c.at).toISOString(),
        recordedBy: `store ${storeId} cashier ${p.cashierId}`,
      })
      .run();
  row("created", null);
  return "created";
}

/**
 * A sale naming a member HQ has no record of (a forged or mistyped id, or a sign-up HQ recorded as
 * a duplicate phone): the price finding that raises it for a person; the sale itself is kept and
 * moves no one's points. An erased member's late sale is no finding (erasure keeps sales).
 */
export function unknownMemberFinding(
  db: Sqlite,
  memberId: string,
): { field: string; expected: string; actual: string } | undefined {
  const orm = openDrizzle(db);
  if (orm.select({ id: members.id }).from(members).where(eq(members.id, memberId)).get()) return undefined;
  if (orm.select().from(memberErasures).where(eq(memberErasures.memberId, memberId)).get()) return undefined;
  const dup = orm.select().from(memberEnrolments).where(eq(memberEnrolments.memberId, memberId)).get();
  return {
    field: "member.id",
    expected: dup?.existingMemberId
      ? `member ${dup.existingMemberId} (the phone's member)`
      : "a member HQ knows",
    actual: memberId,
  };
}
