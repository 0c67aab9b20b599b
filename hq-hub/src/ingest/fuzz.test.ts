// Fuzzing the ingest path (issue 13 item 4): hostile payloads from one store, in the same group
// commits as another store's sales, against a real libSQL file. Whatever store A sends
// (arbitrary JSON or bytes, nesting 100,000 deep, arrays past the batch cap, __proto__ keys,
// lone surrogates, mutated and over-cap sales, a sale id taken twice), handleMany never throws,
// store B's every group is acked up to its last seq, B's sales are committed exactly once, and
// every payload of A that was not applied is in dead letters with a reason.
// FUZZ_RUNS=200 for a longer run (default 25).
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { MAX_BATCH_EVENTS, MAX_JSON_DEPTH } from "@retail/protocol";
import fc from "fast-check";
import { migrate, openDatabase } from "../db/open.ts";
import { saleEvent, tempDir } from "../test-kit.ts";
import { createIngest } from "./ingest.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const dir = tempDir("hq-fuzz-");
afterAll(() => dir.remove());

/** What store A sends; built at run time (seqs, the sale id taken twice). */
type Hostile =
  | { kind: "json"; text: string }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "deepArrays"; depth: number }
  | { kind: "deepPayload"; depth: number }
  | { kind: "hugeArray"; n: number }
  | { kind: "garbageElements"; n: number }
  | { kind: "proto"; where: 0 | 1 | 2 }
  | { kind: "loneSurrogate"; high: boolean }
  | { kind: "mutatedValue"; path: number; value: unknown }
  | { kind: "mutatedChar"; at: number; ch: string }
  | { kind: "overCap"; field: "net" | "unitPrice" | "qty" }
  | { kind: "saleIdTwice" };

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.json({ depthSize: "large" }).map((text) => ({ kind: "json" as const, text })),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ kind: "text" as const, text })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: "bytes" as const, bytes })),
  fc
    .integer({ min: MAX_JSON_DEPTH + 1, max: 120_000 })
    .map((depth) => ({ kind: "deepArrays" as const, depth })),
  fc.integer({ min: MAX_JSON_DEPTH, max: 40_000 }).map((depth) => ({ kind: "deepPayload" as const, depth })),
  fc.integer({ min: MAX_BATCH_EVENTS + 1, max: 150_000 }).map((n) => ({ kind: "hugeArray" as const, n })),
  fc.integer({ min: 2, max: MAX_BATCH_EVENTS }).map((n) => ({ kind: "garbageElements" as const, n })),
  fc.constantFrom(0, 1, 2).map((where) => ({ kind: "proto" as const, where: where as 0 | 1 | 2 })),
  fc.boolean().map((high) => ({ kind: "loneSurrogate" as const, high })),
  fc
    .tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 }))
    .map(([path, value]) => ({ kind: "mutatedValue" as const, path, value })),
  fc
    .tuple(fc.nat(), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }))
    .map(([at, ch]) => ({ kind: "mutatedChar" as const, at, ch })),
  fc.constantFrom("net", "unitPrice", "qty").map((field) => ({ kind: "overCap" as const, field })),
  fc.constant({ kind: "saleIdTwice" as const }),
);

/** Every object in a value, for picking a place to mutate. */
function objectsOf(v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (v && typeof v === "object") {
    if (!Array.isArray(v)) out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) objectsOf(x, out);
  }
  return out;
}

function build(h: Hostile, storeId: string, seq: number, takenSaleId: string): Buffer {
  const sale = () => saleEvent(storeId, seq, { lines: 2 });
  const text = (s: string) => Buffer.from(s, "utf8");
  switch (h.kind) {
    case "json":
    case "text":
      return text(h.text);
    case "bytes":
      return Buffer.from(h.bytes);
    case "deepArrays":
      return text(`${"[".repeat(h.depth)}${"]".repeat(h.depth)}`);
    case "deepPayload": {
      const t = JSON.stringify([sale()]);
      return text(
        t.replace('"payload":{', `"payload":{"x":${'{"a":'.repeat(h.depth)}1${"}".repeat(h.depth)},`),
      );
    }
    case "hugeArray":
      return text(`[${Array(h.n).fill("0").join(",")}]`);
    case "garbageElements":
      return text(`[${Array(h.n).fill('{"v":"x"}').join(",")}]`);
    case "proto": {
      const t = JSON.stringify([sale()]);
      const at = ['{"v":1', '"payload":{', '"lineId":"l1"'][h.where]!;
      const inj = [
        '{"__proto__":{"x":1},"v":1',
        '"payload":{"__proto__":{"training":true},',
        '"__proto__":null,"lineId":"l1"',
      ][h.where]!;
      return text(t.replace(at, inj));
    }
    case "loneSurrogate":
      return text(
        JSON.stringify([sale()]).replace('"name":"商品 1"', `"name":"${h.high ? "\\ud800" : "\\udc00"}x"`),
      );
    case "mutatedValue": {
      const s = sale() as unknown as Record<string, unknown>;
      const objs = objectsOf(s);
      const o = objs[h.path % objs.length]!;
      const keys = Object.keys(o);
      o[keys[h.path % keys.length]!] = h.value;
      return text(JSON.stringify([s]));
    }
    case "mutatedChar": {
      const t = JSON.stringify([sale()]);
      const i = h.at % t.length;
      return text(t.slice(0, i) + h.ch + t.slice(i + 1));
    }
    case "overCap": {
      const s = sale();
      if (h.field === "net") s.payload.totals.net = 8e15;
      if (h.field === "unitPrice") s.payload.lines[0]!.unitPrice = 8e15;
      if (h.field === "qty") s.payload.lines[1]!.qty = 2 ** 40;
      return text(JSON.stringify([s]));
    }
    case "saleIdTwice": {
      const s = sale();
      s.payload.saleId = takenSaleId; // valid on its own; the sales table refuses it at apply
      return text(JSON.stringify([s]));
    }
  }
}

describe("ingest fuzz: one bad message affects only itself", () => {
  test("hostile payloads from A in the same group commits as B's sales", () => {
    const db = openDatabase({ dataDir: join(dir.path, "data") });
    migrate(db);
    const ingest = createIngest({ db, now: () => new Date("2026-11-25T02:00:00Z") });
    const count = (sql: string, ...a: unknown[]) =>
      (db.prepare(sql).get(...(a as string[])) as { n: number }).n;
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            a: fc.array(hostile, { minLength: 1, maxLength: 3 }),
            // B's messages in this group, each of 1-3 sales
            b: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
            aFirst: fc.boolean(),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (groups) => {
          run++;
          const A = `A${run}`;
          const B = `B${run}`;
          // A's first sale is good: a later one reusing its sale id fails at apply.
          const first = saleEvent(A, 1);
          expect(
            ingest.handleMany([
              { storeId: A, topic: `retail/v1/store/${A}/up/events`, payload: JSON.stringify([first]) },
            ])[0]!.applied,
          ).toBe(1);
          let aSeq = 1;
          let bSeq = 0;
          const bSaleIds: string[] = [];
          for (const g of groups) {
            const msgs: { storeId: string; topic: string; payload: Buffer; bad?: Hostile; lastB?: number }[] =
              [];
            const aMsgs = g.a.map((h) => ({
              storeId: A,
              topic: `retail/v1/store/${A}/up/events`,
              payload: build(h, A, ++aSeq, first.payload.saleId),
              bad: h,
            }));
            const bMsgs = g.b.map((n) => {
              const sales = Array.from({ length: n }, () => saleEvent(B, ++bSeq, { lines: 3 }));
              for (const s of sales) bSaleIds.push(s.payload.saleId);
              return {
                storeId: B,
                topic: `retail/v1/store/${B}/up/events`,
                payload: Buffer.from(JSON.stringify(sales)),
                lastB: bSeq,
              };
            });
            // Interleaved: A's and B's messages alternate (A or B first).
            const [x, y] = g.aFirst ? [aMsgs, bMsgs] : [bMsgs, aMsgs];
            for (let i = 0; i < Math.max(x.length, y.length); i++) {
              if (x[i]) msgs.push(x[i]!);
              if (y[i]) msgs.push(y[i]!);
            }
            const outs = ingest.handleMany(msgs); // never throws
            expect(outs).toHaveLength(msgs.length);
            for (const [i, m] of msgs.entries()) {
              const o = outs[i]!;
              expect(o.storeId).toBe(m.storeId);
              if (m.lastB !== undefined) {
                // B's acks keep flowing: every group acks B up to its last seq, nothing missing.
                expect(o.ack).toEqual({ upToSeq: bSeq, missing: [] });
                expect(o.deadLettered).toBe(0);
                continue;
              }
              const accounted = o.applied + o.duplicates + o.conflicts + o.deadLettered;
              const emptyBatch = m.payload.toString().trim() === "[]";
              if (!emptyBatch) expect(accounted).toBeGreaterThanOrEqual(1);
            }
          }
          // B: every sale exactly once.
          expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = ?", B)).toBe(bSaleIds.length);
          const stored = new Set(
            (db.prepare("SELECT sale_id FROM sales WHERE store_id = ?").all(B) as { sale_id: string }[]).map(
              (r) => r.sale_id,
            ),
          );
          expect(stored).toEqual(new Set(bSaleIds));
          expect(count("SELECT COUNT(*) AS n FROM dead_letters WHERE store_id = ?", B)).toBe(0);
          // A: every dead letter has a reason; nothing over the caps reached the sales table.
          const dls = db.prepare("SELECT reason, field, raw FROM dead_letters WHERE store_id = ?").all(A) as {
            reason: string;
            field: string | null;
            raw: string;
          }[];
          for (const d of dls) {
            expect(d.reason.length).toBeGreaterThan(0);
            expect(d.field).not.toBeNull();
          }
          expect(count("SELECT COUNT(*) AS n FROM sales WHERE store_id = ? AND net_fen > 100000000", A)).toBe(
            0,
          );
          expect(
            count(
              "SELECT COUNT(*) AS n FROM sales WHERE store_id = ? AND sale_id = ?",
              A,
              first.payload.saleId,
            ),
          ).toBe(1);
        },
      ),
      { numRuns: RUNS },
    );
    // The kinds that cannot be parsed as a whole are each in dead letters, raw as sent.
    const reasons = (
      db.prepare("SELECT DISTINCT reason FROM dead_letters").all() as { reason: string }[]
    ).map((r) => r.reason);
    expect(reasons.some((r) => r.includes("nested deeper"))).toBe(true);
    db.close();
  });

  test("each hostile kind alone: dead-lettered whole with its reason, B's sale in the same group committed", () => {
    const db = openDatabase({ dataDir: join(dir.path, "kinds") });
    migrate(db);
    const ingest = createIngest({ db, now: () => new Date("2026-11-25T02:00:00Z") });
    const first = saleEvent("KA", 1);
    ingest.handleBatch("KA", "retail/v1/store/KA/up/events", JSON.stringify([first]));
    const cases: [Hostile, RegExp][] = [
      [{ kind: "deepArrays", depth: 100_000 }, /^bad_json: 0\.0\.0\.[0.…]+: nested deeper than 32 levels$/],
      [
        { kind: "deepPayload", depth: 40_000 },
        /^bad_json: 0\.payload\.x\.a\.[a.…]+: nested deeper than 32 levels$/,
      ],
      [{ kind: "hugeArray", n: 200_000 }, /too_large: an event batch of 200000 elements/],
      [{ kind: "garbageElements", n: 1500 }, /1500 elements are not envelopes/],
      [{ kind: "proto", where: 1 }, /Unrecognized key: "__proto__"/],
      [{ kind: "loneSurrogate", high: true }, /lone UTF-16 surrogate/],
      [{ kind: "overCap", field: "net" }, /exceeds the protocol cap of 100000000 fen/],
      [{ kind: "saleIdTwice" }, /apply_failed: .*UNIQUE constraint failed: sales/],
    ];
    let seq = 1;
    let bSeq = 0;
    for (const [h, reason] of cases) {
      const before = (db.prepare("SELECT COALESCE(MAX(id), 0) AS n FROM dead_letters").get() as { n: number })
        .n;
      const b = saleEvent("KB", ++bSeq);
      const outs = ingest.handleMany([
        {
          storeId: "KA",
          topic: "retail/v1/store/KA/up/events",
          payload: build(h, "KA", ++seq, first.payload.saleId),
        },
        { storeId: "KB", topic: "retail/v1/store/KB/up/events", payload: JSON.stringify([b]) },
      ]);
      expect(outs[0]!.deadLettered).toBe(1);
      expect(outs[1]!).toMatchObject({ applied: 1, ack: { upToSeq: bSeq, missing: [] } });
      const dl = db.prepare("SELECT reason, field FROM dead_letters WHERE id > ?").all(before) as {
        reason: string;
        field: string;
      }[];
      expect(dl).toHaveLength(1);
      expect(dl[0]!.reason).toMatch(reason);
    }
    expect(
      (db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'KB'").get() as { n: number }).n,
    ).toBe(cases.length);
    db.close();
  });
});
