import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { packReceipts, receiptsHash, sortReceipts, unpackReceipts } from "./digest.ts";
import { EXAMPLE_PAYLOADS } from "./examples.ts";
import { encodeEnvelope, MAX_ENVELOPE_BYTES, MessageError, makeEnvelope } from "./messages/index.ts";

describe("receipt packing", () => {
  test("a busy store-day of per-lane counters packs into a few ranges and back", () => {
    const day: string[] = [];
    for (const lane of ["01", "02", "03", "04"])
      for (let n = 1; n <= 800; n++)
        if (n !== 17) day.push(`RC-S001-${lane}-20261125-${String(n).padStart(4, "0")}`);
    const packed = packReceipts(day.reverse());
    expect(packed).toHaveLength(4);
    expect(packed[0]).toEqual({
      prefix: "RC-S001-01-20261125-",
      width: 4,
      ranges: [
        [1, 16],
        [18, 800],
      ],
    });
    expect(unpackReceipts(packed)).toEqual(sortReceipts(day));
  });

  test("odd receipt numbers round-trip: no digits, leading zeros, long digit tails, 5-digit past a 4-digit pad", () => {
    const odd = [
      "MANUAL",
      "RC-0007",
      "RC-7",
      "X-12345678901234",
      "RC-S001-01-20261125-12345",
      "RC-S001-01-20261125-0001",
      "",
    ];
    expect(unpackReceipts(packReceipts(odd))).toEqual(sortReceipts(odd));
  });

  test("any set of strings round-trips (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^RC-[0-9]{1,3}-[0-9]{1,12}$/))),
        (xs) => {
          expect(unpackReceipts(packReceipts(xs))).toEqual(sortReceipts(xs));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("the hash is of the sorted distinct list: order and duplicates do not change it, one receipt does", () => {
    const a = receiptsHash(["RC-2", "RC-1", "RC-3"]);
    expect(a).toBe(receiptsHash(["RC-1", "RC-2", "RC-3", "RC-2"]));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(receiptsHash(["RC-1", "RC-3"]));
    // Published rule, so any HQ can recompute it: SHA-256 of the lines joined by "\n".
    expect(receiptsHash(["b", "a"])).toBe(new Bun.CryptoHasher("sha256").update("a\nb").digest("hex"));
  });

  test("a hostile packing is refused, not expanded without bound", () => {
    expect(() => unpackReceipts([{ prefix: "RC-", width: 9, ranges: [[0, 999_999_999]] }])).toThrow(
      RangeError,
    );
    expect(() => unpackReceipts([{ prefix: "RC-", width: 2, ranges: [[5, 1]] }])).toThrow("backwards");
  });

  test("the documented example is consistent: count and hash match its receipts", () => {
    const ex = EXAMPLE_PAYLOADS["day.digest"];
    const list = unpackReceipts(ex.receipts!);
    expect(list).toHaveLength(ex.receiptCount);
    expect(ex.receiptsHash).toBe(receiptsHash(list));
  });
});

describe("day.digest envelope", () => {
  test("a digest whose list does not add up is refused naming the field, without expanding it", () => {
    const ex = EXAMPLE_PAYLOADS["day.digest"];
    const bad = (patch: Record<string, unknown>) => {
      try {
        makeEnvelope("day.digest", { ...ex, ...patch } as typeof ex, { storeId: "S001", seq: 9 });
      } catch (e) {
        return `${(e as MessageError).field}: ${(e as MessageError).message}`;
      }
      return "accepted";
    };
    const group = (ranges: [number, number][], width = 4) => [{ prefix: "RC-", width, ranges }];
    expect(bad({ receipts: group([[0, 999_999_999]], 9), receiptCount: 1207 })).toContain("payload.receipts");
    expect(bad({ receipts: group([[5, 1]]) })).toContain(
      "payload.receipts.0.ranges.0: [5, 1] runs backwards",
    );
    expect(
      bad({
        receipts: group([
          [1, 5],
          [5, 9],
        ]),
      }),
    ).toContain("payload.receipts.0.ranges.1");
    expect(bad({ receipts: group([[1, 10_000]]) })).toContain("more than 4 digits");
    expect(bad({ receipts: [...group([[1, 600]]), ...group([[601, 1207]])] })).toContain("listed twice");
    expect(bad({ receiptCount: 1206 })).toContain("payload.receiptCount");
    expect(bad({ firstSeq: 50_000 })).toContain("payload.lastSeq");
    expect(bad({})).toBe("accepted");
  });

  const ex = EXAMPLE_PAYLOADS["day.digest"];
  test("is a ledger event and validates", () => {
    expect(() => makeEnvelope("day.digest", ex, { storeId: "S001", seq: 0 })).toThrow("seq");
    expect(makeEnvelope("day.digest", ex, { storeId: "S001", seq: 9 }).payload.receiptCount).toBe(1207);
  });
  test("a bad hash or a backwards-typed range is refused naming the field", () => {
    try {
      makeEnvelope("day.digest", { ...ex, receiptsHash: "abc" }, { storeId: "S001", seq: 9 });
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(MessageError);
      expect((e as MessageError).field).toBe("payload.receiptsHash");
    }
  });
  test("3,000 receipts of a busy day, worst case (every other number), fit one envelope", () => {
    const day = Array.from(
      { length: 3000 },
      (_, i) => `RC-S001-0${(i % 8) + 1}-20261125-${String(2 * i).padStart(4, "0")}`,
    );
    const env = makeEnvelope(
      "day.digest",
      {
        ...ex,
        sales: { ...ex.sales, count: 3000 },
        returns: { count: 0, refund: 0 },
        receiptCount: 3000,
        receiptsHash: receiptsHash(day),
        receipts: packReceipts(day),
      },
      { storeId: "S001", seq: 9 },
    );
    expect(Buffer.byteLength(encodeEnvelope(env))).toBeLessThan(MAX_ENVELOPE_BYTES);
  });
});
