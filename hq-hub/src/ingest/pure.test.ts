import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { canonicalJson, parseEventBatch } from "@retail/protocol";
import { saleEvent } from "../test-kit.ts";
import { canonicalText, comparableHash, contentHash, decide, salvageSeq, validatedHash } from "./decide.ts";
import { pointsFor, reorderTransition } from "./effects.ts";
import { missing, receive } from "./seq.ts";

describe("seq tracking", () => {
  test("advances over contiguous seqs and reports gaps above", () => {
    const s = receive({ upTo: 0, above: new Set() }, [1, 2, 5, 6, 9]);
    expect(s.upTo).toBe(2);
    expect(missing(s)).toEqual([
      { from: 3, to: 4 },
      { from: 7, to: 8 },
    ]);
    receive(s, [3, 4]);
    expect(s.upTo).toBe(6);
    expect(missing(s)).toEqual([{ from: 7, to: 8 }]);
    receive(s, [2, 1]); // old seqs change nothing
    expect(s.upTo).toBe(6);
  });
  test("caps the reported ranges", () => {
    const s = receive(
      { upTo: 0, above: new Set() },
      Array.from({ length: 300 }, (_, i) => i * 2 + 2),
    );
    expect(missing(s, 100)).toHaveLength(100);
  });
});

describe("exactly-once decision", () => {
  const inc = { eventId: "e1", storeId: "S1", seq: 3, hash: "h1" };
  test("new, duplicate, conflicts", () => {
    expect(decide(inc, undefined, undefined)).toEqual({ kind: "apply" });
    expect(decide(inc, { ...inc }, { ...inc })).toEqual({ kind: "duplicate" });
    expect(decide(inc, { ...inc, hash: "h2" }, undefined)).toMatchObject({
      kind: "conflict",
      reason: "same_id_different_content",
    });
    expect(decide(inc, undefined, { ...inc, eventId: "e0", hash: "h0" })).toMatchObject({
      kind: "conflict",
      reason: "same_seq_different_content",
    });
  });
  test("content hash ignores key order", () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  });
  test("salvages a sane seq from a broken element", () => {
    expect(salvageSeq({ seq: 4, payload: "junk" })).toBe(4);
    expect(salvageSeq({ seq: -1 })).toBeUndefined();
    expect(salvageSeq([1])).toBeUndefined();
  });
});

describe("effects", () => {
  test("one point per whole yuan", () => {
    expect(pointsFor(1999)).toBe(19);
  });
  test("reorder transitions alert once and re-arm on recovery", () => {
    expect(reorderTransition(5, 5, false)).toBe("alert");
    expect(reorderTransition(4, 5, true)).toBe("none");
    expect(reorderTransition(6, 5, true)).toBe("rearm");
  });
});

describe("canonical text", () => {
  test("is the protocol's canonicalJson byte for byte (hashes in the inbox stay valid)", () => {
    const samples: unknown[] = [
      saleEvent("S001", 7, { lines: 3, member: { id: "M1", tier: "gold" } }),
      { b: 1, a: [1, { d: 2, c: 3 }, null, 'x"y', [], {}], é: "中文", A: undefined, z: { y: false } },
      [undefined, 1.5, -0, 1e21, "\u2028"],
      { 10: "a", 2: "b", x: { 1: 1, a: 2 } },
      "text",
      42,
      null,
    ];
    for (const v of samples) expect(canonicalText(v)).toBe(canonicalJson(v));
    const env = saleEvent("S001", 8);
    const reordered = Object.fromEntries(Object.entries(env).reverse());
    expect(contentHash(reordered)).toBe(contentHash(env));
    expect(contentHash(env)).toBe(createHash("sha256").update(canonicalJson(env)).digest("hex"));
  });
});

describe("validated hash", () => {
  /** Every object's keys in reverse order, as another store implementation might send them. */
  const reversed = (v: unknown): unknown =>
    v === null || typeof v !== "object"
      ? v
      : Array.isArray(v)
        ? v.map(reversed)
        : Object.fromEntries(
            Object.entries(v as object)
              .reverse()
              .map(([k, x]) => [k, reversed(x)]),
          );
  const parse = (v: unknown) => parseEventBatch(JSON.stringify([v])).events[0]!;

  test("equal content, any key order on the wire: the same hash once validated; other content: another", () => {
    const sale = saleEvent("S001", 9, { lines: 3, member: { id: "M1", tier: "gold" } });
    expect(validatedHash(parse(reversed(sale)))).toBe(validatedHash(parse(sale)));
    expect(validatedHash(parse(sale))).toMatch(/^v2:[0-9a-f]{64}$/);
    const changed = { ...sale, payload: { ...sale.payload, receiptNo: "RC-X" } };
    expect(validatedHash(parse(changed))).not.toBe(validatedHash(parse(sale)));
    // Cash denominations (the ledger events' only record, integer keys): JS orders those itself.
    expect(JSON.stringify({ "100": 2, "50": 1, "1": 9 })).toBe(JSON.stringify({ "1": 9, "50": 1, "100": 2 }));
  });

  test("an inbox row from before (canonical contentHash) is compared with a canonical hash", () => {
    const sale = parse(saleEvent("S001", 11));
    const v = validatedHash(sale);
    expect(comparableHash(v, sale, v)).toBe(v);
    expect(comparableHash(contentHash(sale), sale, v)).toBe(contentHash(sale));
  });
});
