// The descriptions the hub writes for change sets it makes by itself read back as data; a
// description a user typed reads as none.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { IMPORT_KINDS } from "../catalog/import.ts";
import { type AboutInput, aboutOf, aboutSentence, ChangesetAboutV1 } from "./changeset-about.ts";

const n = fc.integer({ min: 0, max: 1_000_000 });
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const about: fc.Arbitrary<AboutInput> = fc.oneof(
  fc.constant<AboutInput>({ kind: "edits" }),
  fc
    .record({ importKind: fc.constantFrom(...IMPORT_KINDS), rows: n })
    .map((r): AboutInput => ({ kind: "import", ...r })),
  fc.option(n, { nil: null }).map((members): AboutInput => ({ kind: "member_balances", members })),
  n.map((changesetId): AboutInput => ({ kind: "rollback", changesetId })),
  text.map((memberId): AboutInput => ({ kind: "member_erased", memberId })),
  fc.constant<AboutInput>({ kind: "points_rule", pointsPerYuan: null, maxSharePercent: null }),
  fc
    .record({ pointsPerYuan: n, maxSharePercent: fc.integer({ min: 0, max: 100 }) })
    .map((r): AboutInput => ({ kind: "points_rule", ...r })),
  fc.record({ promotionId: text, count: n }).map((r): AboutInput => ({ kind: "coupons_issued", ...r })),
  n.map((count): AboutInput => ({ kind: "coupons_spent", count })),
  fc
    .record({ count: n, reason: fc.string({ maxLength: 40 }) })
    .map((r): AboutInput => ({ kind: "coupons_voided", ...r })),
  fc
    .record({
      day: fc.date({ min: new Date("2020-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
      count: n,
    })
    .map((r): AboutInput => ({ kind: "markdowns", day: r.day.toISOString().slice(0, 10), count: r.count })),
);

test("every description the hub writes reads back as the same data", () => {
  fc.assert(
    fc.property(about, (a) => {
      const read = aboutOf(aboutSentence(a));
      expect(read).toEqual({ v: 1, ...a } as never);
      expect(ChangesetAboutV1.parse(read)).toEqual(read as never);
    }),
    { numRuns: 500 },
  );
});

test("the descriptions older hubs wrote, and ones a user typed", () => {
  expect(aboutOf("edits")).toEqual({ v: 1, kind: "edits" });
  expect(aboutOf("import prices (12 rows)")).toEqual({
    v: 1,
    kind: "import",
    importKind: "prices",
    rows: 12,
  });
  expect(aboutOf("member balances (3)")).toEqual({ v: 1, kind: "member_balances", members: 3 });
  expect(aboutOf("points rule: 100 points = 1 yuan, at most 20%")).toEqual({
    v: 1,
    kind: "points_rule",
    pointsPerYuan: 100,
    maxSharePercent: 20,
  });
  for (const typed of ["周末调价", "", "import spaceships (3 rows)", "edits!", "member balances (x)"])
    expect(aboutOf(typed)).toBeNull();
  expect(aboutOf("x".repeat(100_000))).toBeNull();
});
