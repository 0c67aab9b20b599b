// The refund plan: back to the original tenders by default (non-cash first, each up to what it
// paid less earlier refunds, cash last); cash instead of a wallet or card is counted for the
// supervisor; a kind the sale was not paid by, or more than it can take back, is refused.
import { describe, expect, test } from "bun:test";
import type { Tender } from "@retail/protocol";
import { EdgeError } from "../errors.ts";
import { planRefund, refundedByKind } from "./refund.ts";

const wechat: Tender = { kind: "wechat", amount: 3000, reference: "WX1" };
const cash: Tender = { kind: "cash", amount: 1000, received: 2000, change: 1000 };
const none = new Map();

describe("planRefund", () => {
  test("by default the wallet takes back what it paid, then cash", () => {
    expect(planRefund([cash, wechat], none, 3500)).toEqual({
      tenders: [
        { kind: "wechat", amount: 3000, originalReference: "WX1" },
        { kind: "cash", amount: 500 },
      ],
      cashInsteadOf: 0,
    });
    expect(planRefund([wechat], none, 1200).tenders).toEqual([
      { kind: "wechat", amount: 1200, originalReference: "WX1" },
    ]);
  });

  test("earlier refunds to the wallet are taken off what it can still take back", () => {
    const prior = refundedByKind([{ kind: "wechat", amount: 2500 }]);
    expect(planRefund([cash, wechat], prior, 1500).tenders).toEqual([
      { kind: "wechat", amount: 500, originalReference: "WX1" },
      { kind: "cash", amount: 1000 },
    ]);
  });

  test("cash instead: everything in cash, and what should have gone back to the wallet is counted", () => {
    expect(planRefund([cash, wechat], none, 3500, "cash")).toEqual({
      tenders: [{ kind: "cash", amount: 3500 }],
      cashInsteadOf: 3000,
    });
    expect(planRefund([cash], none, 800, "cash").cashInsteadOf).toBe(0);
  });

  test("a kind the sale was not paid by, or more than it can take back, is refused on tender", () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as EdgeError).field;
      }
    };
    expect(field(() => planRefund([cash], none, 500, "alipay"))).toBe("tender");
    expect(field(() => planRefund([cash, wechat], none, 3500, "wechat"))).toBe("tender");
    expect(planRefund([cash, wechat], none, 3000, "wechat").tenders).toEqual([
      { kind: "wechat", amount: 3000, originalReference: "WX1" },
    ]);
    expect(new EdgeError("invalid", "tender", "x").status).toBe(400);
  });
});
