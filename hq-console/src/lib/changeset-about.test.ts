import { expect, test } from "bun:test";
import type { ChangesetAboutV1 } from "./api-types.ts";
import { auditDetailWords } from "./audit-detail.ts";
import { type AboutKey, aboutWords, changesetTitle } from "./changeset-about.ts";
import { en, zh } from "./i18n/changesets.ts";

const say = (lang: "zh" | "en") => (k: AboutKey) => (lang === "zh" ? zh : en)[k];
const kind = (lang: "zh" | "en") => (k: string) =>
  (lang === "zh" ? zh : en)[`csImport_${k}` as keyof typeof zh];

test("a change set the hub made is named in words; a typed description is shown as typed", () => {
  const all: NonNullable<ChangesetAboutV1>[] = [
    { v: 1, kind: "edits" },
    { v: 1, kind: "import", importKind: "prices", rows: 12 },
    { v: 1, kind: "member_balances", members: 3 },
    { v: 1, kind: "member_balances", members: null },
    { v: 1, kind: "rollback", changesetId: 5 },
    { v: 1, kind: "member_erased", memberId: "M1" },
    { v: 1, kind: "points_rule", pointsPerYuan: 100, maxSharePercent: 20 },
    { v: 1, kind: "points_rule", pointsPerYuan: null, maxSharePercent: null },
    { v: 1, kind: "coupons_issued", promotionId: "P-1", count: 50 },
    { v: 1, kind: "coupons_spent", count: 2 },
    { v: 1, kind: "coupons_voided", count: 3, reason: "活动取消" },
    { v: 1, kind: "markdowns", day: "2026-12-08", count: 4 },
  ];
  expect(all.map((a) => aboutWords(a, say("zh"), kind("zh")))).toEqual([
    "编辑草稿",
    "导入价格（12 行）",
    "会员余额同步（3 位会员）",
    "会员余额同步",
    "回滚变更集 #5",
    "应会员要求删除（M1）",
    "积分规则：100 积分抵 1 元，最多抵 20%",
    "积分规则：停用积分抵现",
    "发放优惠券：促销 P-1（50 张）",
    "已用优惠券同步（2 张）",
    "作废优惠券（3 张）：活动取消",
    "临期降价 2026-12-08（4 条）",
  ]);
  expect(aboutWords(all[1]!, say("en"), kind("en"))).toBe("Import of prices (12 rows)");
  expect(changesetTitle({ description: "周末调价", about: null }, say("zh"), kind("zh"))).toBe("周末调价");
  expect(changesetTitle({ description: "member balances (3)", about: all[2]! }, say("zh"), kind("zh"))).toBe(
    "会员余额同步（3 位会员）",
  );
  // The trail's "created" line of such a change set says the same.
  expect(
    auditDetailWords(
      { v: 1, kind: "created", description: "import prices (12 rows)", about: all[1]! },
      (k) => zh[k],
      (a) => aboutWords(a, say("zh"), kind("zh")),
    ),
  ).toBe("导入价格（12 行）");
});
