// matchSettlement against a plain reference: any day of wallet tenders, a settlement file made
// from them with random differences planted (entries dropped, extra entries, amounts changed,
// refunds changed, fees off the contracted rate), lists exactly the planted differences, every
// file line and every HQ tender in exactly one item, and the per-store settlement is the file's
// money of the entries HQ could place.
import { describe, expect, test } from "bun:test";
import { mulDivRoundHalfUp } from "@retail/protocol";
import fc from "fast-check";
import type { SettlementEntry } from "./bill.ts";
import { DIFFERENCES, type HqTender, matchSettlement } from "./match.ts";

const RATE = 3800;
const feeOf = (fen: number) => mulDivRoundHalfUp(fen, RATE, 1_000_000);

const day = fc.array(
  fc.record({
    store: fc.constantFrom("S001", "S002", "S003"),
    fen: fc.integer({ min: 1, max: 5_000_000 }),
    refund: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), // percent refunded
    plant: fc.constantFrom("none", "none", "none", "drop", "amount", "fee", "refund_amount", "refund_drop"),
  }),
  { maxLength: 60 },
);

describe("matchSettlement (property)", () => {
  test("exactly the planted differences, each line and tender once, settlement = placed money", () => {
    fc.assert(
      fc.property(day, fc.array(fc.integer({ min: 1, max: 99_999 }), { maxLength: 5 }), (sales, extras) => {
        const tenders: HqTender[] = [];
        const file: SettlementEntry[] = [];
        const planted = new Set<string>();
        const placed = new Map<string, { cleared: number; fee: number }>();
        const place = (store: string, cleared: number, fee: number) => {
          const p = placed.get(store) ?? { cleared: 0, fee: 0 };
          placed.set(store, { cleared: p.cleared + cleared, fee: p.fee + fee });
        };
        let row = 1;
        const add = (e: Omit<SettlementEntry, "row" | "merchantOrderNo" | "settledFen" | "at">) =>
          file.push({ ...e, row: ++row, merchantOrderNo: "", settledFen: e.amountFen, at: "" });
        sales.forEach((s, i) => {
          const id = `T${i}`;
          tenders.push({
            storeId: s.store,
            docKind: "sale",
            docId: `sale${i}`,
            amountFen: s.fen,
            reference: id,
          });
          if (s.plant === "drop") planted.add(`not_in_file:${id}`);
          else {
            const fen = s.plant === "amount" ? s.fen + 1 : s.fen;
            const fee = s.plant === "fee" ? feeOf(fen) + 1 : feeOf(fen);
            add({ kind: "payment", transactionId: id, refundId: "", amountFen: fen, feeFen: fee });
            if (s.plant === "amount") planted.add(`amount_mismatch:${id}`);
            if (s.plant === "fee") planted.add(`fee_mismatch:${id}`);
            place(s.store, fen, fee);
          }
          if (s.refund !== undefined) {
            const back = Math.max(1, Math.floor((s.fen * s.refund) / 100));
            const rid = `R${i}`;
            tenders.push({
              storeId: s.store,
              docKind: "return",
              docId: `ret${i}`,
              amountFen: back,
              reference: rid,
            });
            if (s.plant === "refund_drop") planted.add(`not_in_file:${rid}`);
            else {
              const fen = s.plant === "refund_amount" ? back + 1 : back;
              add({ kind: "refund", transactionId: id, refundId: rid, amountFen: fen, feeFen: -feeOf(fen) });
              if (s.plant === "refund_amount") planted.add(`refund_mismatch:${rid}`);
              place(s.store, -fen, -feeOf(fen));
            }
          }
        });
        extras.forEach((fen, i) => {
          add({ kind: "payment", transactionId: `X${i}`, refundId: "", amountFen: fen, feeFen: feeOf(fen) });
          planted.add(`not_at_hq:X${i}`);
        });

        const r = matchSettlement("wechat", file, [], tenders, { feeRatePpm: RATE });
        const listed = r.items
          .filter((i) => DIFFERENCES.has(i.status))
          .map((i) => `${i.status}:${i.kind === "refund" ? i.refundId : i.transactionId}`);
        expect(new Set(listed)).toEqual(planted);
        expect(listed.length).toBe(planted.size);
        expect(
          r.items
            .filter((i) => i.row !== null)
            .map((i) => i.row)
            .sort((a, b) => a! - b!),
        ).toEqual(file.map((e) => e.row));
        expect(
          r.items
            .filter((i) => i.docId !== null)
            .map((i) => i.docId)
            .sort(),
        ).toEqual(tenders.map((t) => t.docId).sort());
        expect(r.stores).toEqual(
          [...placed]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([storeId, p]) => ({
              storeId,
              clearedFen: p.cleared,
              feeFen: p.fee,
              bankFen: p.cleared - p.fee,
            })),
        );
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});
