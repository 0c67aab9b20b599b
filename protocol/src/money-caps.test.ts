import { describe, expect, test } from "bun:test";
import fc from "fast-check";
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

  test("capViolation finds a field exactly when one of a sale's or a return's capped values is above the caps (random caps)", () => {
    /** The example sale or return with every capped value (and a catalog price) drawn from `nums`. */
    const drawn = (isSale: boolean, nums: number[]): AnyEnvelope => {
      let i = 0;
      const n = () => nums[i++ % nums.length]!;
      const base = sale(() => {}) as unknown as AnyEnvelope;
      if (isSale) {
        const p = structuredClone(EXAMPLE_PAYLOADS["sale.completed"]);
        for (const l of p.lines) {
          Object.assign(l, { qty: n(), unitPrice: n(), gross: n(), net: n(), tax: n() });
          if (n() % 2)
            l.override = { catalogPrice: n(), supervisorId: "9001", reason: "price_match" } as never;
          for (const d of l.discounts) d.amount = n();
        }
        p.totals = { gross: n(), discount: n(), net: n(), tax: n() };
        for (const t of p.tenders) Object.assign(t, { amount: n(), received: n(), change: n() });
        return { ...base, payload: p } as AnyEnvelope;
      }
      const p = structuredClone(EXAMPLE_PAYLOADS["sale.returned"]);
      for (const l of p.lines) Object.assign(l, { qty: n(), refund: n(), tax: n() });
      p.totals = { refund: n(), tax: n() };
      for (const t of p.tenders) Object.assign(t, { amount: n(), received: n(), change: n() });
      return { ...base, type: "sale.returned", payload: p } as AnyEnvelope;
    };
    /** Every capped value with its cap, written out apart from cap-violation.ts. */
    const capped = (env: AnyEnvelope): [number | undefined, keyof typeof MONEY_CAPS][] => {
      const tenders = (env.payload as { tenders: { amount: number; received?: number; change?: number }[] })
        .tenders;
      const out: [number | undefined, keyof typeof MONEY_CAPS][] = tenders.flatMap((t) => [
        [t.amount, "saleFen"],
        [t.received, "saleFen"],
        [t.change, "saleFen"],
      ]);
      if (env.type === "sale.completed") {
        for (const l of env.payload.lines)
          out.push(
            [l.qty, "qty"],
            [l.unitPrice, "unitPriceFen"],
            [l.override?.catalogPrice, "unitPriceFen"],
            [l.gross, "lineFen"],
            [l.net, "lineFen"],
            [l.tax, "lineFen"],
            ...l.discounts.map((d) => [d.amount, "lineFen"] as [number, "lineFen"]),
          );
        const t = env.payload.totals;
        out.push([t.gross, "saleFen"], [t.discount, "saleFen"], [t.net, "saleFen"], [t.tax, "saleFen"]);
      } else if (env.type === "sale.returned") {
        for (const l of env.payload.lines)
          out.push([l.qty, "qty"], [l.refund, "lineFen"], [l.tax, "lineFen"]);
        out.push([env.payload.totals.refund, "saleFen"], [env.payload.totals.tax, "saleFen"]);
      }
      return out;
    };
    const cap = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constant(MONEY_CAPS.saleFen));
    fc.assert(
      fc.property(
        fc.record({ qty: cap, unitPriceFen: cap, lineFen: cap, saleFen: cap }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 40 }),
        (caps, isSale, nums) => {
          const env = drawn(isSale, nums);
          const over = capped(env).some(([v, k]) => v !== undefined && v > caps[k]);
          const found = capViolation(env, caps);
          expect(found !== undefined).toBe(over);
          if (found) expect(found.value).toBeGreaterThan(found.limit);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
