import { expect, test } from "bun:test";
import type { Coupon } from "./catalog.ts";
import { couponActivations, couponRefusal } from "./coupons.ts";

const book: Record<string, Coupon> = {
  A: { code: "A", promotionId: "P1", status: "issued" },
  B: { code: "B", promotionId: "P1", status: "issued" },
  C: { code: "C", promotionId: "P2", status: "issued" },
  D: { code: "D", promotionId: "P-AUTO", status: "issued" },
};
const gates: Record<string, string> = { P1: "G1", P2: "G2" };
const binding = { coupon: (c: string) => book[c], gate: (p: string) => gates[p] };

test("presented codes become their promotions' gates, once each, in order; unbound codes activate nothing", () => {
  expect(couponActivations(["C", "A", "B", "X", "D"], binding)).toEqual(["G2", "G1"]);
  expect(couponActivations(["G1"], binding)).toEqual([]);
});

test("refusals: unknown, void, spent (record or here), expired, another member's", () => {
  const now = Date.parse("2026-12-01T00:00:00Z");
  const c: Coupon = { code: "A", promotionId: "P1", status: "issued" };
  expect(couponRefusal(undefined, { nowMs: now, spentHere: false })).toBe("unknown");
  expect(couponRefusal({ ...c, status: "void" }, { nowMs: now, spentHere: false })).toBe("void");
  expect(couponRefusal({ ...c, status: "redeemed" }, { nowMs: now, spentHere: false })).toBe("spent");
  expect(couponRefusal(c, { nowMs: now, spentHere: true })).toBe("spent");
  expect(couponRefusal({ ...c, multiUse: true }, { nowMs: now, spentHere: true })).toBeUndefined();
  expect(
    couponRefusal({ ...c, validUntil: "2026-12-01T00:00:00.000Z" }, { nowMs: now, spentHere: false }),
  ).toBe("expired");
  expect(couponRefusal({ ...c, memberId: "M1" }, { nowMs: now, spentHere: false })).toBe("member");
  expect(
    couponRefusal({ ...c, memberId: "M1" }, { nowMs: now, memberId: "M1", spentHere: false }),
  ).toBeUndefined();
});
