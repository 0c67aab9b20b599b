// The member desk at the till: find a member by phone or by the member code of their QR/card
// (`MEMBER:<id>`), and sign up a new one (phone, name, consents as shown with their time). A
// sign-up is one local transaction: the member (member_signups, found here at once, offline too)
// and its member.enrolled outbox event for HQ, which creates the member once and sends it to
// every store. The customer becomes the lane's member for the sale in progress.
import { type LaneView, type Member, memberIdOfCode, uuidv7 } from "@retail/protocol";
import { eq } from "drizzle-orm";
import { memberSignups } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { setMember } from "../sale/cart.ts";

export interface SignUpInput {
  phone: string;
  name?: string | undefined;
  /** The words shown for membership (agreed: required) and marketing, as the screen showed them. */
  membershipWording: string;
  marketing?: { granted: boolean; wording: string } | undefined;
}

/** A member id made at the store: `<store>-M<time base36><random>`, unique without HQ. */
export function newMemberId(storeId: string, ms: number): string {
  const tail = uuidv7(ms).replace(/-/g, "").slice(-6).toUpperCase();
  return `${storeId}-M${ms.toString(36).toUpperCase()}${tail}`;
}

export class MemberDesk {
  constructor(
    private readonly d: {
      db: EdgeDb;
      lanes: Lanes;
      outbox: Outbox;
      storeId: () => string;
      onLedger: () => void;
    },
  ) {}

  private local(where: { id?: string; phone?: string }): Member | undefined {
    const q = this.d.db.d.select({ data: memberSignups.data }).from(memberSignups);
    const row = where.id
      ? q.where(eq(memberSignups.id, where.id)).get()
      : q.where(eq(memberSignups.phone, where.phone!)).get();
    return row ? (JSON.parse(row.data) as Member) : undefined;
  }

  /** The member with this phone, or of this member code (HQ's copy first, then this store's sign-ups). */
  find(by: { phone: string } | { code: string }): Member {
    const lookup = this.d.lanes.lookup;
    if ("phone" in by) {
      const m = lookup.memberByPhone(by.phone) ?? this.local({ phone: by.phone });
      if (!m) throw notFound("phone", `no member with phone ${by.phone}`);
      return m;
    }
    const id = memberIdOfCode(by.code);
    if (!id) throw invalid("memberCode", "not a member code (MEMBER:<id>)");
    const m = lookup.members.get(id) ?? this.local({ id });
    if (!m) throw notFound("memberCode", `no member ${id}`);
    return m;
  }

  /** Finds the member and makes them the lane's member for this sale. */
  attach(laneId: string, by: { phone: string } | { code: string }): LaneView {
    const m = this.find(by);
    if (m.status !== "active")
      throw conflict("phone" in by ? "phone" : "memberCode", `member ${m.id} is blocked`);
    return this.setOnLane(laneId, m);
  }

  private setOnLane(laneId: string, m: Member): LaneView {
    return this.d.lanes.mutate(this.d.lanes.lane(laneId), "edit", (c) =>
      setMember(c, { id: m.id, tier: m.tier, phone: m.phone, ...(m.name ? { name: m.name } : {}) }),
    );
  }

  /** Signs a customer up on the lane's till (its signed-in cashier) and attaches them to the sale. */
  signUp(laneId: string, input: SignUpInput): LaneView {
    const rt = this.d.lanes.lane(laneId);
    const cashierId = rt.record.cashierId;
    if (!cashierId) throw conflict("cashier", "sign in first");
    if (this.d.lanes.lookup.memberByPhone(input.phone) || this.local({ phone: input.phone }))
      throw conflict("phone", `${input.phone} is a member already: look them up instead`);
    const ms = this.d.lanes.d.clock.now();
    const at = new Date(ms).toISOString();
    const member: Member = {
      id: newMemberId(this.d.storeId(), ms),
      phone: input.phone,
      ...(input.name ? { name: input.name } : {}),
      tier: "regular",
      points: 0,
      status: "active",
    };
    this.d.db.write(() => {
      this.d.db.d
        .insert(memberSignups)
        .values({ id: member.id, phone: member.phone, data: JSON.stringify(member), enrolledAt: at })
        .run();
      this.d.outbox.append(
        "member.enrolled",
        {
          memberId: member.id,
          phone: member.phone,
          ...(member.name ? { name: member.name } : {}),
          laneId,
          cashierId,
          consents: [
            { purpose: "membership", granted: true, wording: input.membershipWording, at },
            ...(input.marketing
              ? [
                  {
                    purpose: "marketing" as const,
                    granted: input.marketing.granted,
                    wording: input.marketing.wording,
                    at,
                  },
                ]
              : []),
          ],
          enrolledAt: at,
        },
        at,
      );
    });
    this.d.onLedger();
    return this.setOnLane(laneId, member);
  }
}
