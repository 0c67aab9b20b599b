// A change set's audit trail as data: the sentence kept beside it is the one older hubs wrote,
// and a row written by an older hub (no data kept) reads back as the same data.
import { afterEach, expect, test } from "bun:test";
import fc from "fast-check";
import { createCatalog } from "../catalog/catalog.ts";
import { IMPORT_KINDS } from "../catalog/import.ts";
import { ENTITIES } from "../catalog/rules.ts";
import { migrate, openDatabase } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import {
  type AuditDetailInput,
  auditDetail,
  auditSentence,
  ChangesetAuditDetailV1,
  fromSentence,
  readAuditDetail,
} from "./audit-detail.ts";

const storeId = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,9}$/);
const anyText = fc.string({ unit: "grapheme", maxLength: 40 });
const id = fc.integer({ min: 1, max: 1_000_000 });
const count = fc.integer({ min: 0, max: 100_000 });

/** Every kind a writer gives, with the action it is written under. */
const written: fc.Arbitrary<[string, AuditDetailInput]> = fc.oneof(
  anyText
    .filter((d) => !/^compensates change set \d+$/.test(d))
    .map((description): [string, AuditDetailInput] => ["create", { kind: "created", description }]),
  id.map((changesetId): [string, AuditDetailInput] => ["create", { kind: "compensates", changesetId }]),
  fc
    .record({
      op: fc.constantFrom("upsert" as const, "delete" as const),
      entity: fc.constantFrom(...ENTITIES),
      key: anyText.filter((k) => k.length > 0),
    })
    .map((r): [string, AuditDetailInput] => ["edit", { kind: "record", ...r }]),
  fc
    .record({ importKind: fc.constantFrom(...IMPORT_KINDS), rows: count })
    .map((r): [string, AuditDetailInput] => ["edit", { kind: "import", ...r }]),
  fc
    .array(storeId, { maxLength: 6 })
    .map((stores): [string, AuditDetailInput] => ["release", { kind: "pilot", stores }]),
  fc
    .constantFrom("release", "promote")
    .map((action): [string, AuditDetailInput] => [action, { kind: "whole_target" }]),
  id.map((changesetId): [string, AuditDetailInput] => ["rollback", { kind: "compensated_by", changesetId }]),
  fc.constant<[string, AuditDetailInput]>(["edit", { kind: "points_rule" }]),
  fc
    .record({ count, promotionId: anyText.filter((p) => p.length > 0) })
    .map((r): [string, AuditDetailInput] => ["edit", { kind: "coupons_issued", ...r }]),
  fc
    .record({ count, reason: anyText })
    .map((r): [string, AuditDetailInput] => ["edit", { kind: "coupons_voided", ...r }]),
);

test("every kind reads back from its sentence as the same data (rows of older hubs)", () => {
  fc.assert(
    fc.property(written, ([action, d]) => {
      expect(fromSentence(action, auditSentence(d))).toEqual(auditDetail(d));
      expect(ChangesetAuditDetailV1.parse(auditDetail(d))).toEqual(auditDetail(d));
    }),
    { numRuns: 500 },
  );
});

test("the sentences are the ones the hub wrote before it kept the data", () => {
  expect(auditSentence({ kind: "record", op: "upsert", entity: "price", key: "100001|chain|" })).toBe(
    "upsert price 100001|chain|",
  );
  expect(auditSentence({ kind: "pilot", stores: [] })).toBe("to pilot stores: none");
  expect(auditSentence({ kind: "pilot", stores: ["S1", "S2"] })).toBe("to pilot stores: S1,S2");
  expect(auditSentence({ kind: "import", importKind: "prices", rows: 12 })).toBe("import prices: 12 rows");
  expect(auditSentence({ kind: "compensated_by", changesetId: 7 })).toBe("compensated by change set 7");
});

test("an unknown sentence, damaged data or a newer version fall back to the sentence, never throw", () => {
  expect(fromSentence("edit", "frobnicate the widgets")).toEqual({
    v: 1,
    kind: "text",
    text: "frobnicate the widgets",
  });
  expect(fromSentence("edit", "upsert spaceship X1")).toEqual({
    v: 1,
    kind: "text",
    text: "upsert spaceship X1",
  });
  expect(readAuditDetail("promote", "to the whole target", "{not json")).toEqual({
    v: 1,
    kind: "whole_target",
  });
  expect(readAuditDetail("promote", "to the whole target", '{"v":2,"kind":"everywhere"}')).toEqual({
    v: 1,
    kind: "whole_target",
  });
  expect(
    readAuditDetail(
      "edit",
      "x",
      JSON.stringify({ v: 1, kind: "record", op: "upsert", entity: "product", key: 5 }),
    ),
  ).toEqual({ v: 1, kind: "text", text: "x" });
  // A huge sentence is read without trouble (a description of any length a user typed).
  const huge = "upsert product ".concat("x".repeat(100_000));
  expect(fromSentence("edit", huge)).toMatchObject({ kind: "record", entity: "product" });
});

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

test("the trail carries the data; a row of an older hub (no data kept) still shows, read from its sentence", async () => {
  const dir = tempDir();
  dirs.push(dir);
  let t = Date.parse("2026-12-08T01:00:00.000Z");
  const now = () => {
    t += 1000;
    return new Date(t);
  };
  const db = openDatabase({ dataDir: dir.path });
  migrate(db, now);
  db.prepare(
    "INSERT INTO stores (id, name, region, ring, created_at) VALUES ('P1', 'P1', 'east', 'pilot', ?)",
  ).run(now().toISOString());
  const catalog = createCatalog({ db, now, publishPointer: () => {} });
  const cs = catalog.createChangeset("王芳 (hq_admin)", { description: "周末调价", target: { kind: "all" } });
  await catalog.edit(
    "王芳 (hq_admin)",
    "product",
    {
      sku: "100001",
      name: "可乐",
      category: ["10"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    },
    cs.id,
  );
  await catalog.edit(
    "王芳 (hq_admin)",
    "price",
    { sku: "100001", scope: "chain", windows: [{ price: 350 }] },
    cs.id,
  );
  catalog.release("王芳 (hq_admin)", cs.id);
  // What a hub before migration 0029 wrote: the sentence alone.
  db.prepare(
    "INSERT INTO changeset_audit (changeset_id, action, actor, at, detail) VALUES (?, 'edit', 'old (hq_admin)', ?, 'delete barcode 6901234567892')",
  ).run(cs.id, now().toISOString());
  db.prepare(
    "INSERT INTO changeset_audit (changeset_id, action, actor, at, detail) VALUES (?, 'edit', 'old (hq_admin)', ?, 'something an older hub said')",
  ).run(cs.id, now().toISOString());
  const trail = catalog.rollout(cs.id).auditTrail;
  expect(trail.map((a) => [a.action, a.detail, a.what])).toEqual([
    ["create", "周末调价", { v: 1, kind: "created", description: "周末调价", about: null }],
    [
      "edit",
      "upsert product 100001",
      { v: 1, kind: "record", op: "upsert", entity: "product", key: "100001" },
    ],
    [
      "edit",
      "upsert price 100001|chain|",
      { v: 1, kind: "record", op: "upsert", entity: "price", key: "100001|chain|" },
    ],
    ["release", "to pilot stores: P1", { v: 1, kind: "pilot", stores: ["P1"] }],
    [
      "edit",
      "delete barcode 6901234567892",
      { v: 1, kind: "record", op: "delete", entity: "barcode", key: "6901234567892" },
    ],
    ["edit", "something an older hub said", { v: 1, kind: "text", text: "something an older hub said" }],
  ]);
  const kept = db.prepare("SELECT detail_json FROM changeset_audit WHERE action = 'release'").get() as {
    detail_json: string;
  };
  expect(JSON.parse(kept.detail_json)).toEqual({ v: 1, kind: "pilot", stores: ["P1"] });
});
