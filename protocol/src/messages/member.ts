// Members signed up at the till (store -> HQ ledger event, seq >= 1): the phone, the consents as
// shown to the customer with their time, who took them. HQ creates the member (or names the
// phone's existing member) exactly once, and sends the record to every store.
import { z } from "zod";
import { IsoTime } from "../catalog.ts";
import { CashierCode, Id, LaneId } from "./fields.ts";

export const MEMBER_CONSENT_PURPOSES = ["membership", "marketing", "profiling"] as const;

export const MemberConsentV1 = z.strictObject({
  purpose: z.enum(MEMBER_CONSENT_PURPOSES),
  granted: z.boolean(),
  /** The words the customer was shown and agreed to (or declined), as shown. */
  wording: z.string().min(10).max(4000),
  at: IsoTime,
});

export const MemberEnrolledV1 = z.strictObject({
  /** The store's id for the new member (`<store>-M<time><random>`); HQ keeps it. */
  memberId: Id,
  phone: z.string().regex(/^1\d{10}$/, "phone: a mainland mobile number of 11 digits"),
  name: z.string().max(40).optional(),
  laneId: LaneId,
  cashierId: CashierCode,
  /** `membership` granted is required: it is what signing up means. */
  consents: z
    .array(MemberConsentV1)
    .min(1)
    .max(3)
    .refine((cs) => cs.some((c) => c.purpose === "membership" && c.granted), {
      message: "a sign-up needs the membership consent, granted",
    }),
  enrolledAt: IsoTime,
});
export type MemberEnrolled = z.infer<typeof MemberEnrolledV1>;

/** What a member's QR code / card barcode carries: `MEMBER:<id>` (the member app shows it). */
export const MEMBER_CODE_RE = /^MEMBER:([A-Za-z0-9-]{1,40})$/;

/** The member id in a scanned member code, or undefined when the code is not one. */
export function memberIdOfCode(code: string): string | undefined {
  return MEMBER_CODE_RE.exec(code.trim())?.[1];
}
