// What a change set the hub made by itself is about (a CSV import, the member balance sync, a
// rollback's compensation, coupons, the points rule, expiry markdowns...), as data, so the
// console names it in the reader's language instead of showing the English description the hub
// writes (issue 19 item 6). The writers make their description with `aboutSentence`, and the
// reader reads it back with `aboutOf`: one format, both ways, tested round trip; old rows (the
// same sentences) read the same. A description a user typed matches none and is `null`: shown
// as typed.
import { z } from "@hono/zod-openapi";

const v = z.literal(1);
const count = z.number().int().nonnegative();

export const ChangesetAboutV1 = z
  .discriminatedUnion("kind", [
    /** The draft an edit opens when none is named. */
    z.object({ v, kind: z.literal("edits") }),
    z.object({
      v,
      kind: z.literal("import"),
      importKind: z.enum(["products", "barcodes", "prices", "packs"]),
      rows: count,
    }),
    /** The periodic member balance sync (`members` null until it knows how many). */
    z.object({ v, kind: z.literal("member_balances"), members: count.nullable() }),
    z.object({ v, kind: z.literal("rollback"), changesetId: z.number().int() }),
    z.object({ v, kind: z.literal("member_erased"), memberId: z.string() }),
    /** `pointsPerYuan` null: redemption off. */
    z.object({
      v,
      kind: z.literal("points_rule"),
      pointsPerYuan: count.nullable(),
      maxSharePercent: count.nullable(),
    }),
    z.object({ v, kind: z.literal("coupons_issued"), promotionId: z.string(), count }),
    z.object({ v, kind: z.literal("coupons_spent"), count }),
    z.object({ v, kind: z.literal("coupons_voided"), count, reason: z.string() }),
    z.object({ v, kind: z.literal("markdowns"), day: z.string(), count }),
  ])
  .openapi("ChangesetAboutV1");
export type ChangesetAbout = z.infer<typeof ChangesetAboutV1>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type AboutInput = DistributiveOmit<ChangesetAbout, "v">;

/** The description the hub writes for it (the words it has always written). */
export function aboutSentence(a: AboutInput): string {
  switch (a.kind) {
    case "edits":
      return "edits";
    case "import":
      return `import ${a.importKind} (${a.rows} rows)`;
    case "member_balances":
      return a.members === null ? "member balances" : `member balances (${a.members})`;
    case "rollback":
      return `rollback of change set ${a.changesetId}`;
    case "member_erased":
      return `member erased on request (${a.memberId})`;
    case "points_rule":
      return a.pointsPerYuan === null
        ? "points rule: redemption off"
        : `points rule: ${a.pointsPerYuan} points = 1 yuan, at most ${a.maxSharePercent}%`;
    case "coupons_issued":
      return `coupons for ${a.promotionId} (${a.count})`;
    case "coupons_spent":
      return `coupons spent (${a.count})`;
    case "coupons_voided":
      return `coupons void (${a.count}): ${a.reason}`;
    case "markdowns":
      return `临期降价 expiry markdowns ${a.day}: ${a.count}`;
  }
}

const SENTENCES: [RegExp, (m: RegExpExecArray) => AboutInput][] = [
  [/^edits$/, () => ({ kind: "edits" })],
  [
    /^import (products|barcodes|prices|packs) \((\d+) rows\)$/,
    (m) => ({ kind: "import", importKind: m[1] as "products", rows: Number(m[2]) }),
  ],
  [/^member balances$/, () => ({ kind: "member_balances", members: null })],
  [/^member balances \((\d+)\)$/, (m) => ({ kind: "member_balances", members: Number(m[1]) })],
  [/^rollback of change set (\d+)$/, (m) => ({ kind: "rollback", changesetId: Number(m[1]) })],
  [/^member erased on request \((.+)\)$/s, (m) => ({ kind: "member_erased", memberId: m[1]! })],
  [
    /^points rule: redemption off$/,
    () => ({ kind: "points_rule", pointsPerYuan: null, maxSharePercent: null }),
  ],
  [
    /^points rule: (\d+) points = 1 yuan, at most (\d+)%$/,
    (m) => ({ kind: "points_rule", pointsPerYuan: Number(m[1]), maxSharePercent: Number(m[2]) }),
  ],
  [
    /^coupons for (.+) \((\d+)\)$/s,
    (m) => ({ kind: "coupons_issued", promotionId: m[1]!, count: Number(m[2]) }),
  ],
  [/^coupons spent \((\d+)\)$/, (m) => ({ kind: "coupons_spent", count: Number(m[1]) })],
  [
    /^coupons void \((\d+)\): (.*)$/s,
    (m) => ({ kind: "coupons_voided", count: Number(m[1]), reason: m[2]! }),
  ],
  [
    /^临期降价 expiry markdowns (\d{4}-\d{2}-\d{2}): (\d+)$/,
    (m) => ({ kind: "markdowns", day: m[1]!, count: Number(m[2]) }),
  ],
];

/** What a description the hub wrote is about; null for a description a user typed. */
export function aboutOf(description: string): ChangesetAbout | null {
  for (const [re, make] of SENTENCES) {
    const m = re.exec(description);
    if (m) return { v: 1, ...make(m) } as ChangesetAbout;
  }
  return null;
}
