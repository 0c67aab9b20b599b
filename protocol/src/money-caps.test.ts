import { describe, expect, test } from "bun:test";
import { capViolation } from "./cap-violation.ts";
import { EXAMPLE_PAYLOADS } from "./examples.ts";
import { type AnyEnvelope, MessageError, makeEnvelope, parseEventBatch } from "./messages/index.ts";
import { MONEY_CAPS } from "./money-caps.ts";

const sale = (
  patch: (p: ReturnType<typeof structuredClone<(typeof EXAMPLE_PAYLOADS)["sale.completed"]>>) => void,
) => {
  const p = structuredClone(EXAMPLE_PAYLOADS["sale.completed"]);
  patch(p);
  return {
    v: 1,
    id: "0193e0a0-6f00-7000-8000-000000000009",
    type: "sale.completed",
    storeId: "S001",
    seq: 1,
    occurredAt: "2026-11-25T09:30:00.000+08:00",
    payload: p,
  };
};

describe("protocol money caps", () => {
  test("the issue's 8e15-fen sale is refused naming the field", () => {
    const bad = sale((p) => {
      p.totals.net = 8e15;
    });
    const r = parseEventBatch(JSON.stringify([bad]));
    expect(r.events).toHaveLength(0);
    expect(r.rejected[0]!.error.field).toBe("payload.totals.net");
    expect(r.rejected[0]!.error.message).toContain(`exceeds the protocol cap of ${MONEY_CAPS.saleFen} fen`);
  });

  test("each capped field of a sale names itself", () => {
    const cases: [string, (p: (typeof EXAMPLE_PAYLOADS)["sale.completed"]) => void][] = [
      [
        "payload.lines.0.qty",
        (p) => {
          p.lines[0]!.qty = MONEY_CAPS.qty + 1;
        },
      ],
      [
        "payload.lines.0.unitPrice",
        (p) => {
          p.lines[0]!.unitPrice = MONEY_CAPS.unitPriceFen + 1;
        },
      ],
      [
        "payload.lines.1.gross",
        (p) => {
          p.lines[1]!.gross = MONEY_CAPS.lineFen + 1;
        },
      ],
      [
        "payload.lines.1.net",
        (p) => {
          p.lines[1]!.net = MONEY_CAPS.lineFen + 1;
        },
      ],
      [
        "payload.lines.0.discounts.0.amount",
        (p) => {
          p.lines[0]!.discounts[0]!.amount = MONEY_CAPS.lineFen + 1;
        },
      ],
      [
        "payload.tenders.1.received",
        (p) => {
          p.tenders[1]!.received = MONEY_CAPS.saleFen + 1;
        },
      ],
    ];
    for (const [field, patch] of cases) {
      const r = parseEventBatch(JSON.stringify([sale(patch)]));
      expect(r.rejected[0]?.error.field).toBe(field);
    }
    // At the cap is fine.
    const atCap = parseEventBatch(
      JSON.stringify([
        sale((p) => {
          p.lines[0]!.qty = MONEY_CAPS.qty;
        }),
      ]),
    );
    expect(atCap.events).toHaveLength(1);
  });

  test("makeEnvelope refuses an over-cap amount (nothing over the caps is ever sent)", () => {
    const p = structuredClone(EXAMPLE_PAYLOADS["cash.moved"]);
    p.amount = 1e11;
    expect(() => makeEnvelope("cash.moved", p, { storeId: "S001", seq: 1 })).toThrow(MessageError);
  });

  test("a chain's lower caps: capViolation names the first field above them", () => {
    const env = sale(() => {}) as unknown as AnyEnvelope;
    expect(capViolation(env, MONEY_CAPS)).toBeUndefined();
    const low = { ...MONEY_CAPS, lineFen: 1000 };
    expect(capViolation(env, low)).toEqual({
      field: "payload.lines.0.gross",
      message: "1050 exceeds the chain's cap of 1000 fen (¥10.00)",
      cap: "lineFen",
      limit: 1000,
      value: 1050,
    });
    expect(capViolation(env, { ...MONEY_CAPS, saleFen: 2000 })?.field).toBe("payload.totals.gross");
    expect(capViolation(env, { ...MONEY_CAPS, qty: 1000 })?.field).toBe("payload.lines.1.qty");
    const ret = { ...env, type: "sale.returned", payload: EXAMPLE_PAYLOADS["sale.returned"] } as AnyEnvelope;
    expect(capViolation(ret, MONEY_CAPS)).toBeUndefined();
    expect(capViolation(ret, { ...MONEY_CAPS, lineFen: 1 })?.field).toBe("payload.lines.0.refund");
  });
});
